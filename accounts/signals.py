"""Profile side effects: a new avatar gets its small rendition."""

from functools import partial

from django.db import transaction

from accounts.models import AuthorProfile
from accounts.tasks import make_avatar_rendition


def remember_old_avatar(sender, instance: AuthorProfile, raw=False, **kwargs):
    instance._previous_avatar = None
    if raw or instance.pk is None:
        return
    previous = (
        AuthorProfile.objects.filter(pk=instance.pk)
        .values("avatar", "avatar_small")
        .first()
    )
    if previous is None:
        return
    instance._previous_avatar = previous["avatar"]
    # The worker owns avatar_small: write back what it stored, or drop it with
    # the avatar it was made from.
    if instance.avatar.name == previous["avatar"]:
        instance.avatar_small = previous["avatar_small"]
    else:
        instance.avatar_small = ""


def schedule_avatar_rendition(sender, instance: AuthorProfile, raw=False, **kwargs):
    """A new or replaced avatar gets its small version made by the task worker."""
    if raw or not instance.avatar:
        return
    if instance.avatar.name == getattr(instance, "_previous_avatar", None):
        return
    # robust: the profile is saved whatever happens; a failed enqueue is logged.
    transaction.on_commit(
        partial(make_avatar_rendition.enqueue, instance.pk), robust=True
    )
