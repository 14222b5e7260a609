"""Create the Author and Editor groups with their permissions."""

from django.db import migrations

# (app_label, model, codenames) per group. Authors are narrowed to their own posts
# in the admin; editors also hold blog.edit_others_posts.
MODEL_PERMISSIONS = {
    "Author": [
        ("blog", "post", ["add", "change", "delete", "view"]),
        ("blog", "linklist", ["add", "change", "delete", "view"]),
        ("blog", "link", ["add", "change", "delete", "view"]),
        ("blog", "category", ["view"]),
        ("taggit", "tag", ["add", "view"]),
        ("accounts", "authorprofile", ["change", "view"]),
    ],
    "Editor": [
        ("blog", "post", ["add", "change", "delete", "view"]),
        ("blog", "linklist", ["add", "change", "delete", "view"]),
        ("blog", "link", ["add", "change", "delete", "view"]),
        ("blog", "category", ["add", "change", "delete", "view"]),
        ("blog", "redirect", ["add", "change", "delete", "view"]),
        ("taggit", "tag", ["add", "change", "delete", "view"]),
        ("accounts", "authorprofile", ["change", "view"]),
    ],
}
EXTRA_PERMISSIONS = {
    "Editor": [
        ("blog", "post", "edit_others_posts", "Can edit posts by other authors")
    ],
}


def _permission(apps, app_label, model, codename, name=None):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    # On a fresh database content types and permissions do not exist yet.
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": name or f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group_name, entries in MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, actions in entries:
            for action in actions:
                group.permissions.add(
                    _permission(
                        apps,
                        app_label,
                        model,
                        f"{action}_{model}",
                        f"Can {action} {model}",
                    )
                )
        for app_label, model, codename, name in EXTRA_PERMISSIONS.get(group_name, []):
            group.permissions.add(_permission(apps, app_label, model, codename, name))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=MODEL_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0001_initial"),
        ("accounts", "0002_author_profile"),
        (
            "taggit",
            "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx",
        ),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
