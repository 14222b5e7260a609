from django.contrib import admin

from likes.models import Like


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["name", "identity_kind", "post", "created_at"]
    list_filter = ["identity_kind", "created_at"]
    list_select_related = ["post"]
    search_fields = ["name", "post__title"]
    raw_id_fields = ["post", "user"]
    readonly_fields = [
        "post",
        "identity_key",
        "identity_kind",
        "user",
        "name",
        "profile_url",
        "avatar_url",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False
