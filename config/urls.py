from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from blog.sitemaps import sitemap_view
from config.bench_views import trivial
from config.views import healthz

handler500 = "blog.views.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "robots.txt",
        TemplateView.as_view(
            template_name="robots.txt", content_type="text/plain; charset=utf-8"
        ),
        name="robots_txt",
    ),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("admin/", admin.site.urls),
    # Our account pages first: allauth owns the rest of accounts/.
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("comments.urls")),
    path("", include("likes.urls")),
    path("", include("blog.urls")),
]

if settings.COLOPHON_BENCH:
    urlpatterns.append(path("bench/trivial/", trivial, name="bench_trivial"))
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
