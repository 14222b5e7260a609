"""Background work for accounts: avatar renditions."""

from django_tasks import task

from blog.images import make_rendition
from config.pagecache import bump_site

AVATAR_SIZE = 192


@task()
def make_avatar_rendition(profile_id: int) -> None:
    """A small square-ish avatar for the author box and lists."""
    from accounts.models import AuthorProfile

    profile = AuthorProfile.objects.filter(pk=profile_id).first()
    if profile is None or not profile.avatar:
        return
    source_name = profile.avatar.name
    small = make_rendition(
        profile.avatar, max_width=AVATAR_SIZE, max_height=AVATAR_SIZE
    )
    profile.avatar_small.save(small.name, small, save=False)
    if AuthorProfile.objects.filter(pk=profile_id, avatar=source_name).update(
        avatar_small=profile.avatar_small.name
    ):
        bump_site()
