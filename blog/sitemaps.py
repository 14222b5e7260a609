"""/sitemap.xml: published posts and the archive pages that hold them."""

from django.contrib.auth import get_user_model
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.contrib.sites.requests import RequestSite
from django.urls import reverse
from taggit.models import Tag

from blog.models import Category, Post


class RequestSitemap(Sitemap):
    """Absolute URLs on the host the request came to, as canonical links use.

    The sites framework's stored domain is not kept up to date by anyone here.
    """

    def __init__(self, request=None):
        self.request = request

    def get_urls(self, page=1, site=None, protocol=None):
        if self.request is not None:
            site = RequestSite(self.request)
        return super().get_urls(page=page, site=site, protocol=protocol)


class PostSitemap(RequestSitemap):
    changefreq = "monthly"

    def items(self):
        return (
            Post.objects.published()
            .only("slug", "published_on", "updated_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, item):
        return item.updated_at


class ArchiveSitemap(RequestSitemap):
    """Home, and every category, tag, author, year and month archive with posts."""

    changefreq = "daily"

    def items(self):
        published = Post.objects.published()
        paths = [reverse("blog:home")]
        paths += [category.get_absolute_url() for category in self._categories()]
        tags = Tag.objects.filter(post__in=published).distinct().order_by("name")
        paths += [reverse("blog:tag", kwargs={"slug": tag.slug}) for tag in tags]
        authors = (
            get_user_model()
            .objects.filter(posts__in=published)
            .distinct()
            .order_by("username")
        )
        paths += [
            reverse("blog:author", kwargs={"username": author.get_username()})
            for author in authors
        ]
        for month in published.dates("published_on", "month", order="DESC"):
            year_path = reverse("blog:archive_year", kwargs={"year": month.year})
            if year_path not in paths:
                paths.append(year_path)
            paths.append(
                reverse(
                    "blog:archive_month",
                    kwargs={"year": month.year, "month": month.month},
                )
            )
        return paths

    def location(self, item):
        return item

    def _categories(self):
        """Categories with posts of their own or in a category below them.

        Two queries whatever the categories: all of them (a blog has few), then
        those with posts; the tree is walked in Python.
        """
        categories = list(Category.objects.order_by("name"))
        parents = {category.pk: category.parent_id for category in categories}
        keep = set()
        for pk in Category.objects.with_published_posts().values_list("pk", flat=True):
            while pk is not None and pk not in keep:
                keep.add(pk)
                pk = parents.get(pk)
        return [category for category in categories if category.pk in keep]


SITEMAP_SECTIONS = {"posts": PostSitemap, "archives": ArchiveSitemap}


def sitemap_view(request):
    """One sitemap of every section, with URLs on the requested host."""
    sections = {name: cls(request) for name, cls in SITEMAP_SECTIONS.items()}
    return sitemap(request, sitemaps=sections)
