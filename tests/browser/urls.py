"""The site's URLs plus uploaded files, so browser tests see images as in production.

`config.urls` serves media only with DEBUG on; here it is read from MEDIA_ROOT at
request time, because every test gets its own temporary MEDIA_ROOT.
"""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from config.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media),
    *site_urlpatterns,
]
