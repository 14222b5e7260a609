from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthorProfile


class AuthorProfileForm(forms.ModelForm):
    """What an author shows readers: name, bio, avatar and website."""

    class Meta:
        model = AuthorProfile
        fields = ["display_name", "bio", "avatar", "website"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "avatar": forms.ClearableFileInput(
                attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
            ),
        }
        help_texts = {
            "display_name": _("Shown on your posts; your username when left empty."),
            "avatar": _("A JPEG, PNG, GIF or WebP image; it is shown small."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "profile-form"
        self.helper.add_input(Submit("submit", _("Save profile")))
