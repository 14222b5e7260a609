from django.http import HttpResponsePermanentRedirect

from blog.models import Post, Redirect

# WordPress's plain permalinks: /?p=123 for a post, /?page_id=2 for a page.
WORDPRESS_ID_PARAMETERS = ("p", "page_id")


def wordpress_post_url(request) -> str | None:
    """Where an imported post's plain WordPress permalink (/?p=<id>) now lives."""
    if request.path_info != "/" or request.method not in ("GET", "HEAD"):
        return None
    for parameter in WORDPRESS_ID_PARAMETERS:
        value = request.GET.get(parameter, "")
        if value.isascii() and value.isdigit() and len(value) <= 18:
            post = Post.objects.filter(wordpress_id=int(value)).first()
            if post is not None and post.is_published:
                return post.get_absolute_url()
            return None
    return None


class PermalinkRedirectMiddleware:
    """301 from an old address of a published post: a 404 path recorded as a
    Redirect, or an imported WordPress post's /?p=<id>."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = wordpress_post_url(request)
        if target:
            return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        redirect = (
            Redirect.objects.select_related("post")
            .filter(old_path=request.path)
            .first()
        )
        if redirect and redirect.post.is_published:
            return HttpResponsePermanentRedirect(redirect.post.get_absolute_url())
        return response
