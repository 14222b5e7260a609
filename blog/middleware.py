from django.http import HttpResponsePermanentRedirect

from blog.models import Redirect


class PermalinkRedirectMiddleware:
    """Answer a 404 with a 301 when the path is an old address of a published post."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
