"""Post side effects: old permalinks keep working, new images get renditions."""

from functools import partial
from urllib.parse import unquote

from django.db import transaction

from blog.models import Post, Redirect
from blog.tasks import make_post_renditions


def permalink_path(post: Post) -> str:
    """The post's address as `request.path` spells it (not percent-encoded).

    reverse() percent-encodes a Cyrillic slug; the redirect middleware compares
    with the decoded request path, so redirects are stored decoded.
    """
    return unquote(post.get_absolute_url())


def remember_old_permalink(sender, instance: Post, raw=False, **kwargs):
    instance._previous_path = None
    instance._previous_image = None
    if raw or instance.pk is None:
        return
    previous = (
        Post.objects.filter(pk=instance.pk)
        .values(
            "status",
            "published_on",
            "slug",
            "published_at",
            "featured_image",
            "image_list",
            "image_page",
        )
        .first()
    )
    if previous:
        instance._previous_image = previous["featured_image"]
        keep_renditions(instance, previous)
    if (
        previous
        and previous["published_on"]
        and previous["status"] != Post.Status.DRAFT
    ):
        old = Post(
            slug=previous["slug"],
            published_on=previous["published_on"],
            published_at=previous["published_at"],
        )
        instance._previous_path = permalink_path(old)


def keep_renditions(instance: Post, previous: dict) -> None:
    """The worker owns the rendition columns: a save writes back what it stored.

    An instance loaded before the worker finished would otherwise overwrite new
    renditions with stale names; a replaced or removed image drops them.
    """
    if instance.featured_image.name == previous["featured_image"]:
        instance.image_list = previous["image_list"]
        instance.image_page = previous["image_page"]
    else:
        instance.image_list = instance.image_page = ""


def record_redirect(sender, instance: Post, raw=False, **kwargs):
    old_path = getattr(instance, "_previous_path", None)
    if raw or not old_path:
        return
    new_path = permalink_path(instance)
    if old_path == new_path:
        return
    Redirect.objects.filter(old_path=new_path).delete()
    Redirect.objects.update_or_create(old_path=old_path, defaults={"post": instance})


def schedule_renditions(sender, instance: Post, raw=False, **kwargs):
    """A new or replaced featured image gets its renditions made by the task worker.

    Until then pages show the original (see keep_renditions), never the old image.
    """
    if raw or not instance.featured_image:
        return
    if instance.featured_image.name == getattr(instance, "_previous_image", None):
        return
    # robust: the post is saved whatever happens; a failed enqueue is logged.
    transaction.on_commit(
        partial(make_post_renditions.enqueue, instance.pk), robust=True
    )
