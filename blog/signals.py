"""Post side effects: old permalinks keep working, new images get renditions."""

from django.db import transaction

from blog.models import Post, Redirect
from blog.tasks import make_post_renditions


def remember_old_permalink(sender, instance: Post, raw=False, **kwargs):
    instance._previous_path = None
    instance._previous_image = None
    if raw or instance.pk is None:
        return
    previous = (
        Post.objects.filter(pk=instance.pk)
        .values("status", "published_on", "slug", "published_at", "featured_image")
        .first()
    )
    if previous:
        instance._previous_image = previous["featured_image"]
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
        instance._previous_path = old.get_absolute_url()


def record_redirect(sender, instance: Post, raw=False, **kwargs):
    old_path = getattr(instance, "_previous_path", None)
    if raw or not old_path:
        return
    new_path = instance.get_absolute_url()
    if old_path == new_path:
        return
    Redirect.objects.filter(old_path=new_path).delete()
    Redirect.objects.update_or_create(old_path=old_path, defaults={"post": instance})


def schedule_renditions(sender, instance: Post, raw=False, **kwargs):
    """A new or replaced featured image gets its renditions made by the task worker."""
    if raw or not instance.featured_image:
        return
    if instance.featured_image.name == getattr(instance, "_previous_image", None):
        return
    Post.objects.filter(pk=instance.pk).update(image_list="", image_page="")
    post_id = instance.pk
    transaction.on_commit(lambda: make_post_renditions.enqueue(post_id))
