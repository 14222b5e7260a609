"""Create the Moderator group: comment permissions only, never posts."""

from django.db import migrations

PERMISSIONS = [
    ("comment", "view_comment", "Can view comment"),
    ("comment", "change_comment", "Can change comment"),
    ("comment", "delete_comment", "Can delete comment"),
    ("comment", "moderate_comment", "Can moderate comments"),
    ("commentsettings", "view_commentsettings", "Can view discussion settings"),
    ("commentsettings", "change_commentsettings", "Can change discussion settings"),
    ("subscription", "view_subscription", "Can view follow-up subscription"),
    ("subscription", "delete_subscription", "Can delete follow-up subscription"),
]


def create_moderators(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="Moderator")
    for model, codename, name in PERMISSIONS:
        # On a fresh database content types and permissions do not exist yet.
        content_type, _ = ContentType.objects.get_or_create(
            app_label="comments", model=model
        )
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderator").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
