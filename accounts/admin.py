from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuthorProfile, User

PROFILE_FIELDS = ["display_name", "bio", "avatar", "website"]


class AuthorProfileInline(admin.StackedInline):
    model = AuthorProfile
    fields = PROFILE_FIELDS
    can_delete = False
    verbose_name_plural = _("author profile")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    def get_inlines(self, request, obj):
        # Superusers set up authors' profiles from the user page; everyone else
        # keeps their own profile through the author profile admin.
        if request.user.is_superuser:
            return [AuthorProfileInline]
        return []


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    """Every author edits only their own profile; superusers edit all of them."""

    list_display = ["__str__", "user", "website"]
    list_select_related = ["user"]
    search_fields = ["display_name", "user__username"]
    fields = ["user", *PROFILE_FIELDS]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is None and not request.user.is_superuser:
            return PROFILE_FIELDS
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser and obj is None:
            return []
        return ["user"]

    def has_add_permission(self, request):
        # An author who has no profile yet may create their own, and only that.
        if request.user.is_superuser:
            return True
        return (
            request.user.has_perm("accounts.change_authorprofile")
            and not AuthorProfile.objects.filter(user=request.user).exists()
        )

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.user = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and self._owns(request, obj)

    @staticmethod
    def _owns(request, obj) -> bool:
        return (
            obj is None or request.user.is_superuser or obj.user_id == request.user.pk
        )
