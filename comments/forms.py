"""The "Leave a Reply" form: what the reader types, and the signed facts we check."""

from __future__ import annotations

import time
from functools import lru_cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SECURITY_SALT = "colophon.comments.form"
# A form older than this is refused: stale pages and replayed bots.
MAX_FORM_AGE = 2 * 24 * 3600


def security_token(post_id: int, now: float | None = None) -> str:
    return signing.dumps(
        {"p": post_id, "t": int(now or time.time())}, salt=SECURITY_SALT
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 65525}),
        error_messages={"required": _("Please type your comment.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Please fill in your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("Never shown to anyone."),
        error_messages={
            "required": _("Please fill in your email address."),
            "invalid": _("Please enter a valid email address."),
        },
    )
    url = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Please enter a valid web address.")},
    )
    remember = forms.BooleanField(
        label=_(
            "Save my name, email, and website in this browser for the next time "
            "I comment."
        ),
        required=False,
    )
    notify = forms.BooleanField(
        label=_("Notify me of follow-up comments by email."), required=False
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    security = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by CSS and aria-hidden; bots fill it in.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, post, identity=None, max_length=65525, **kwargs):
        self.post = post
        self.identity = identity
        super().__init__(*args, **kwargs)
        self.fields["comment"].max_length = max_length
        self.fields["comment"].widget.attrs["maxlength"] = max_length
        self.fields["comment"].validators.append(MaxLengthValidator(max_length))
        if not self.is_bound and "security" not in self.initial:
            self.initial["security"] = security_token(post.pk)
        if identity is not None:
            # A known identity replaces the guest fields.
            for name in ("name", "email", "url", "remember"):
                del self.fields[name]
            if not identity.email:
                # Follow-ups go by email; a network identity has none.
                del self.fields["notify"]

    @cached_property
    def helper(self) -> FormHelper:
        """The layout for {% crispy form %}: built when the form is shown, never for
        a POST that only validates."""
        identity = self.identity
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        guest_fields = (
            []
            if identity is not None
            else [
                Div(
                    Field("name", autocomplete="name"),
                    Field("email", autocomplete="email"),
                    Field("url", autocomplete="url"),
                    css_class="comment-guest-fields",
                )
            ]
        )
        helper.layout = Layout(
            Field("comment"),
            *guest_fields,
            Div(Field("homepage"), css_class="comment-hp", aria_hidden="true"),
            *([] if identity is not None else [Field("remember")]),
            *([Field("notify")] if "notify" in self.fields else []),
            Field("parent"),
            Field("security"),
            HTML(""),
            Submit("submit", _("Post Comment"), css_class="btn btn-primary"),
        )
        return helper

    @property
    def is_blank_for_a_guest(self) -> bool:
        """What most readers get: a guest's empty form, not a reply, no errors."""
        if self.is_bound or self.identity is not None:
            return False
        return not any(
            value for name, value in self.initial.items() if name != "security"
        )

    def clean_comment(self):
        text = self.cleaned_data["comment"].replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Please type your comment."), code="required")
        return text

    def clean_name(self):
        name = self.cleaned_data["name"].replace("\x00", "").strip()
        if not name:
            raise forms.ValidationError(_("Please fill in your name."), code="required")
        return name

    def clean(self):
        cleaned = super().clean()
        if self.data.get("homepage"):
            raise forms.ValidationError(
                _("Your comment could not be accepted."), code="honeypot"
            )
        self._check_security_token(self.data.get("security", ""))
        return cleaned

    def _check_security_token(self, token: str) -> None:
        tampered = forms.ValidationError(
            _("The form was tampered with. Reload the page and try again."),
            code="tampered",
        )
        try:
            data = signing.loads(token, salt=SECURITY_SALT, max_age=MAX_FORM_AGE)
        except signing.SignatureExpired:
            raise forms.ValidationError(
                _(
                    "This form has expired. Reload the page and post your comment "
                    "again."
                ),
                code="expired",
            ) from None
        except signing.BadSignature:
            raise tampered from None
        if data.get("p") != self.post.pk:
            raise tampered
        # A human needs a moment to read and write; a bot posts at once.
        if time.time() - data.get("t", 0) < settings.COLOPHON_COMMENT_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was quick! Please take a moment and post again."),
                code="too_fast",
            )


# Stands in for the security token in the blank form drawn once per process.
_STAMP_MARK = "colophon-comment-form-stamp-mark"


def render_comment_form(form: CommentForm) -> str:
    """The form's fields, as {% crispy form %} draws them.

    Drawing a form through crispy costs several milliseconds, a large share of a
    post page rendered afresh. The blank guest form differs from page to page only
    in its security token (post and time), so it is drawn once per language and
    length limit and the token is put in.
    """
    if not form.is_blank_for_a_guest:
        return render_crispy_form(form)
    blank = _blank_guest_form(get_language(), form.fields["comment"].max_length)
    return mark_safe(blank.replace(_STAMP_MARK, form.initial["security"]))  # noqa: S308 - crispy's escaped output and a signed token  # nosec B308 B703


@lru_cache(maxsize=16)
def _blank_guest_form(language: str | None, max_length: int) -> str:
    form = CommentForm(
        post=None, max_length=max_length, initial={"security": _STAMP_MARK}
    )
    return str(render_crispy_form(form))
