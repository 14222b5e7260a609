"""The admin page that imports an uploaded WordPress export (PostAdmin wires it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from blog.wordpress.forms import WordPressImportForm
from blog.wordpress.importer import import_wxr
from blog.wordpress.parser import WXRError

PERMISSION = "blog.import_wordpress"


def import_wordpress_view(request, model_admin):
    """The upload form; a valid upload runs the same import as the command."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = WordPressImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            upload.seek(0)
            try:
                report = import_wxr(
                    source=upload,
                    dry_run=form.cleaned_data["dry_run"],
                    author_map=form.cleaned_data["author_map"],
                )
            except WXRError as exc:
                form.add_error("file", str(exc))
    else:
        form = WordPressImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import from WordPress"),
        "form": form,
        "report": report,
    }
    return TemplateResponse(request, "admin/blog/post/import_wordpress.html", context)
