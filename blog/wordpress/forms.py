"""The admin's WordPress import form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from blog.wordpress.importer import parse_author_map
from blog.wordpress.parser import WXRError


class WordPressImportForm(forms.Form):
    file = forms.FileField(
        label=_("WordPress export file"),
        help_text=_("The .xml file from Tools → Export in the WordPress dashboard."),
    )
    author_map = forms.CharField(
        label=_("Author map"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text=_(
            "Optional, one per line: wordpress_login=existing_username gives that "
            "author's posts to an existing user instead of creating one."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would be imported"),
        required=False,
    )

    def clean_author_map(self) -> dict[str, str]:
        lines = [
            line.strip()
            for line in self.cleaned_data["author_map"].splitlines()
            if line.strip()
        ]
        try:
            return parse_author_map(lines)
        except WXRError as exc:
            raise forms.ValidationError(str(exc), code="author_map") from None
