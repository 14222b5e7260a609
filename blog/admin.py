"""The authors' and editors' admin: posts with their link lists, categories, redirects.

Authors (group "Author") see and change only their own posts; editors (holding
blog.edit_others_posts) and superusers see and change every post.
"""

from __future__ import annotations

import nested_admin
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.forms import TagWidget

from blog.models import Category, Link, LinkList, Post, Redirect
from blog.wordpress.views import import_wordpress_view
from comments.models import Comment
from likes.models import Like


def edits_all_posts(user) -> bool:
    """Editors and superusers edit every author's posts; authors only their own."""
    return user.is_superuser or user.has_perm("blog.edit_others_posts")


def may_edit_post(user, post: Post) -> bool:
    return edits_all_posts(user) or post.author_id == user.pk


# --- Link lists --------------------------------------------------------------


def linkable_posts(user):
    """Posts `user` may link to: published ones, ones they may edit, ones linked."""
    # A linked post unpublished later must not block saving the linking post;
    # readers do not see such a link anyway.
    already_linked = Link.objects.filter(
        link_list__post__in=Post.objects.editable_by(user), target_post__isnull=False
    ).values("target_post")
    return Post.objects.filter(
        Q(pk__in=Post.objects.previewable_by(user).values("pk"))
        | Q(pk__in=already_linked)
    )


class TargetPostSelect(AutocompleteSelect):
    """The post autocomplete, labelling the chosen post from the loaded row.

    Django's widget asks the database for the label of each selected option; with
    a hundred links on one page that is a hundred queries for titles already loaded.
    """

    known: tuple[int, str] | None = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        if self.known is None or chosen != [str(self.known[0])]:
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        )
        pk, label = self.known
        options.append(self.create_option(name, pk, label, True, len(options)))
        return [(None, options, 0)]


class LinkForm(forms.ModelForm):
    class Meta:
        model = Link
        fields = ["target_post", "url", "title", "position"]
        widgets = {
            "url": forms.URLInput(attrs={"class": "colophon-link-url"}),
            "title": forms.TextInput(attrs={"class": "colophon-link-title"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("target_post")
        widget = getattr(field, "widget", None)
        widget = getattr(widget, "widget", widget)  # inside the related wrapper
        if isinstance(widget, TargetPostSelect) and self.instance.target_post_id:
            widget.known = (
                self.instance.target_post_id,
                str(self.instance.target_post),
            )

    def full_clean(self):
        super().full_clean()
        # The database constraint restates Link.clean(); when the readable message
        # is there, the constraint's technical one only adds noise.
        errors = getattr(self, "_errors", None) or {}
        messages = errors.get(NON_FIELD_ERRORS)
        if not messages or len(messages) < 2:
            return
        technical = {
            str(constraint.get_violation_error_message())
            for constraint in Link._meta.constraints
        }
        readable = [m for m in messages.as_data() if m.message not in technical]
        if readable:
            errors[NON_FIELD_ERRORS] = self.error_class(
                readable, error_class="nonfield"
            )

    def has_changed(self):
        # A row added and left empty is ignored rather than reported as an error;
        # the drag-and-drop script fills in its position, which alone is no change.
        if self.instance.pk is None and not any(
            self[name].value() for name in ("target_post", "url", "title")
        ):
            return False
        return super().has_changed()


class LinkInline(nested_admin.SortableHiddenMixin, nested_admin.NestedTabularInline):
    model = Link
    form = LinkForm
    fields = ["target_post", "url", "title", "position"]
    autocomplete_fields = ["target_post"]
    sortable_field_name = "position"
    extra = 0
    classes = ["colophon-links"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "target_post":
            # Compact rows: no add/change/view icons next to each of 60+ selects.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_view_related = widget.can_delete_related = False
        return formfield

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target_post")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target_post":
            kwargs["queryset"] = linkable_posts(request.user)
            kwargs["widget"] = TargetPostSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LinkListForm(forms.ModelForm):
    class Meta:
        model = LinkList
        fields = ["heading", "lead_in", "position"]
        widgets = {
            "heading": forms.TextInput(attrs={"class": "vTextField colophon-wide"}),
            "lead_in": forms.TextInput(attrs={"class": "vTextField colophon-wide"}),
        }


class LinkListInline(
    nested_admin.SortableHiddenMixin, nested_admin.NestedStackedInline
):
    model = LinkList
    form = LinkListForm
    fields = ["heading", "lead_in", "position"]
    sortable_field_name = "position"
    inlines = [LinkInline]
    extra = 0
    verbose_name = _("link list")
    verbose_name_plural = _("lead-in and related links")


# --- Posts -------------------------------------------------------------------


class PublicationStateFilter(admin.SimpleListFilter):
    """Draft, scheduled (publish time still ahead) or published (visible now)."""

    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Draft")),
            ("scheduled", _("Scheduled")),
            ("published", _("Published")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "draft":
            return queryset.filter(status=Post.Status.DRAFT)
        if self.value() == "scheduled":
            return queryset.exclude(status=Post.Status.DRAFT).filter(
                published_at__gt=now
            )
        if self.value() == "published":
            return queryset.published(at=now)
        return queryset


def _count_of(queryset):
    """A correlated COUNT per post, so two counts never multiply each other."""
    counted = (
        queryset.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        # The admin narrows these per user (authors do not get "author").
        fields = [
            "title",
            "slug",
            "body",
            "body_format",
            "excerpt",
            "author",
            "status",
            "published_at",
            "categories",
            "tags",
            "sticky",
            "featured_image",
            "featured_image_alt",
            "comments_open",
            "likes_enabled",
        ]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField colophon-wide"}),
            "body": forms.Textarea(
                attrs={"class": "vLargeTextField colophon-body", "rows": 24}
            ),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
            "featured_image_alt": forms.TextInput(
                attrs={"class": "vTextField colophon-wide"}
            ),
            "tags": TagWidget(attrs={"class": "vTextField colophon-wide"}),
        }


@admin.register(Post)
class PostAdmin(nested_admin.NestedModelAdmin):
    form = PostAdminForm
    inlines = [LinkListInline]
    list_display = [
        "title",
        "state",
        "published_at",
        "author_name",
        "category_names",
        "comment_count",
        "like_count",
    ]
    list_filter = [
        PublicationStateFilter,
        "categories",
        ("author", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["author__profile"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["categories"]
    actions = ["publish_now", "unpublish"]
    list_per_page = 50
    save_on_top = True

    class Media:
        css = {"all": ["css/admin/post.css"]}

    def get_urls(self):
        return [
            path(
                "import-wordpress/",
                self.admin_site.admin_view(self.import_wordpress_page),
                name="blog_post_import_wordpress",
            ),
            *super().get_urls(),
        ]

    def import_wordpress_page(self, request):
        """Upload a WordPress export (needs blog.import_wordpress)."""
        return import_wordpress_view(request, self)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).editable_by(request.user)
        if request.resolver_match and request.resolver_match.url_name.endswith(
            "changelist"
        ):
            queryset = queryset.prefetch_related("categories").annotate(
                approved_comments=_count_of(
                    Comment.objects.filter(status=Comment.Status.APPROVED)
                ),
                like_total=_count_of(Like.objects.all()),
            )
        return queryset

    @admin.display(description=_("comments"), ordering="approved_comments")
    def comment_count(self, obj):
        return getattr(obj, "approved_comments", None)

    @admin.display(description=_("likes"), ordering="like_total")
    def like_count(self, obj):
        return getattr(obj, "like_total", None)

    def get_search_results(self, request, queryset, search_term):
        if self._is_link_target_lookup(request):
            # Authors link to every published post, not only to their own.
            queryset = Post.objects.previewable_by(request.user)
        return super().get_search_results(request, queryset, search_term)

    def get_search_fields(self, request):
        if self._is_link_target_lookup(request):
            return ["title"]
        return super().get_search_fields(request)

    @staticmethod
    def _is_link_target_lookup(request) -> bool:
        return (
            request.resolver_match is not None
            and request.resolver_match.url_name == "autocomplete"
            and request.GET.get("app_label") == "blog"
            and request.GET.get("model_name") == "link"
            and request.GET.get("field_name") == "target_post"
        )

    def get_fieldsets(self, request, obj=None):
        publishing = ["status", "published_at", "categories", "tags", "sticky"]
        if edits_all_posts(request.user):
            publishing.insert(0, "author")
        return [
            (
                _("Content"),
                {"fields": ["title", "slug", "body", "body_format", "excerpt"]},
            ),
            (_("Publishing"), {"fields": publishing}),
            (
                _("Featured image"),
                {"fields": ["featured_image", "featured_image_alt"]},
            ),
            (_("Discussion"), {"fields": ["comments_open", "likes_enabled"]}),
        ]

    def get_list_filter(self, request):
        if edits_all_posts(request.user):
            return self.list_filter
        return [entry for entry in self.list_filter if not isinstance(entry, tuple)]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_staff=True)
                .select_related("profile")
                .order_by("username")
            )
            formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
            formfield.label_from_instance = lambda user: (
                f"{user.display_name} ({user.get_username()})"
            )
            return formfield
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "author":
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_view_related = widget.can_delete_related = False
        return formfield

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_edit_post(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_edit_post(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_edit_post(request.user, obj))

    def save_model(self, request, obj, form, change):
        if not change and not (edits_all_posts(request.user) and obj.author_id):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        if obj.is_published:
            return obj.get_absolute_url()
        return reverse("blog:preview", kwargs={"pk": obj.pk})

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        if obj.status == Post.Status.DRAFT:
            return Post.Status.DRAFT.label
        if obj.published_at and obj.published_at > timezone.now():
            return Post.Status.SCHEDULED.label
        return Post.Status.PUBLISHED.label

    @admin.display(description=_("author"), ordering="author__username")
    def author_name(self, obj):
        return obj.author.display_name

    @admin.display(description=_("categories"))
    def category_names(self, obj):
        return ", ".join(category.name for category in obj.categories.all())

    @admin.action(description=_("Publish now"), permissions=["change"])
    def publish_now(self, request, queryset):
        done = 0
        now = timezone.now()
        for post in queryset.editable_by(request.user):
            if post.is_published:
                continue
            post.status = Post.Status.PUBLISHED
            post.published_at = now
            post.save()
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d post published.", "%(count)d posts published.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        done = 0
        for post in queryset.editable_by(request.user).exclude(
            status=Post.Status.DRAFT
        ):
            post.status = Post.Status.DRAFT
            # A draft has no date: its address is the preview until it is published.
            post.published_at = None
            post.save()
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d post moved back to draft.",
                "%(count)d posts moved back to draft.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


# --- Categories and redirects ------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "post_count"]
    list_select_related = ["parent"]
    list_filter = ["parent"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "parent", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_total=Count("posts"))

    @admin.display(description=_("posts"), ordering="post_total")
    def post_count(self, obj):
        return obj.post_total


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Recorded automatically when a permalink changes; listed for reference."""

    list_display = ["old_path", "post", "created_at"]
    list_select_related = ["post"]
    search_fields = ["old_path", "post__title"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
