import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from comments import services
from comments.models import Comment, CommentSettings, Subscription


class StatusFilter(admin.SimpleListFilter):
    """Status with the number of comments in each, like WordPress's status links."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        counts = dict(
            Comment.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        return [
            (value, f"{label} ({counts.get(value, 0)})")
            for value, label in Comment.Status.choices
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


def _moderation_action(status, description):
    def action(modeladmin, request, queryset):
        changed = services.set_comment_status(
            comments=queryset, status=status, by=request.user
        )
        modeladmin.message_user(
            request,
            _("%(count)d comment(s) changed.") % {"count": changed},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status}"
    action.short_description = description
    action.allowed_permissions = ("moderate",)
    return action


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label=_("Commenter email"))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "author_column",
        "excerpt",
        "post_column",
        "status",
        "created_at",
        "ip_address",
    ]
    list_filter = [StatusFilter, "identity_kind", "created_at"]
    search_fields = ["body", "author_name", "author_email", "ip_address"]
    list_select_related = ["post"]
    list_per_page = 50
    # The status filter already counts every comment; a second COUNT(*) of the
    # whole table for "(N total)" would only repeat that sum.
    show_full_result_count = False
    date_hierarchy = "created_at"
    raw_id_fields = ["post", "parent", "user"]
    readonly_fields = [
        "identity_kind",
        "network_uid",
        "ip_address",
        "user_agent",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    fields = [
        "post",
        "parent",
        "status",
        "body",
        "author_name",
        "author_email",
        "author_url",
        "avatar_url",
        "identity_kind",
        "network_uid",
        "user",
        "ip_address",
        "user_agent",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]
    actions = [
        _moderation_action(Comment.Status.APPROVED, _("Approve")),
        _moderation_action(Comment.Status.PENDING, _("Unapprove")),
        _moderation_action(Comment.Status.SPAM, _("Mark as spam")),
        _moderation_action(Comment.Status.TRASH, _("Move to trash")),
    ]
    change_list_template = "admin/comments/comment/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    @admin.display(description=_("author"), ordering="author_name")
    def author_column(self, obj):
        return format_html(
            "{}<br><small>{}</small>",
            obj.author_name,
            obj.author_email or obj.identity_kind,
        )

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(90)

    @admin.display(description=_("in response to"), ordering="post__title")
    def post_column(self, obj):
        return format_html('<a href="{}">{}</a>', obj.post.get_absolute_url(), obj.post)

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            services.set_comment_status(
                comments=[obj], status=new_status, by=request.user
            )
            obj.status = new_status
            return
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "personal-data/",
                self.admin_site.admin_view(self.personal_data_view),
                name="comments_comment_personal_data",
            ),
            *super().get_urls(),
        ]

    def personal_data_view(self, request):
        """Export or erase everything stored about one commenter email."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = PersonalDataForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "erase" in request.POST:
                count = services.erase_personal_data(email)
                self.message_user(
                    request,
                    _("Erased the personal data of %(count)d comment(s).")
                    % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:comments_comment_personal_data")
                )
            data = services.export_personal_data(email)
            response = HttpResponse(
                json.dumps(data, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = (
                'attachment; filename="personal-data.json"'
            )
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": _("Commenter personal data"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/comments/personal_data.html", context)


@admin.register(CommentSettings)
class CommentSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (
            _("Moderation"),
            {
                "fields": [
                    "hold_mode",
                    "max_links",
                    "moderation_words",
                    "disallowed_words",
                ]
            },
        ),
        (_("Limits"), {"fields": ["flood_seconds", "close_after_days", "max_length"]}),
        (_("Display"), {"fields": ["thread_depth", "per_page", "external_avatars"]}),
        (_("Email"), {"fields": ["notify_moderators", "notify_authors"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = CommentSettings.load()
        return HttpResponseRedirect(
            reverse("admin:comments_commentsettings_change", args=[settings_row.pk])
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "post", "confirmed_at", "created_at"]
    list_select_related = ["post"]
    search_fields = ["email"]
    raw_id_fields = ["post"]
