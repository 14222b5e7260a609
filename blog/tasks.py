"""Background work for the blog: image renditions are made outside the request."""

import logging

from django_tasks import task

from blog.images import make_rendition
from config.pagecache import bump_site

logger = logging.getLogger(__name__)

LIST_WIDTH = 720
PAGE_WIDTH = 1400


@task()
def make_post_renditions(post_id: int) -> None:
    """Resize a post's featured image for lists and for the post page."""
    from blog.models import Post

    post = Post.objects.filter(pk=post_id).first()
    if post is None or not post.featured_image:
        return
    source_name = post.featured_image.name
    list_file = make_rendition(post.featured_image, max_width=LIST_WIDTH)
    page_file = make_rendition(post.featured_image, max_width=PAGE_WIDTH)
    post.image_list.save(list_file.name, list_file, save=False)
    post.image_page.save(page_file.name, page_file, save=False)
    # Only touch the renditions, and only if the image was not replaced meanwhile.
    updated = Post.objects.filter(pk=post_id, featured_image=source_name).update(
        image_list=post.image_list.name, image_page=post.image_page.name
    )
    if not updated:
        logger.info("post %s changed image during rendition; skipped", post_id)
        return
    # Cached pages still point at the full-size original.
    bump_site()
