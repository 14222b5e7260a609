"""Reader pages: home and search, archives, the post page and its preview."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import get_object_or_404
from django.template import loader
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView
from django.views.generic.dates import (
    DateDetailView,
    DayArchiveView,
    MonthArchiveView,
    YearArchiveView,
)
from taggit.models import Tag

from blog import post_page
from blog.models import Category, Post

logger = logging.getLogger(__name__)

POSTS_PER_PAGE = 10
# Longer queries are cut: nobody types more, and the LIKE fallback grows with it.
SEARCH_MAX_LENGTH = 200


class PostListView(ListView):
    """A paginated list of published posts; subclasses narrow the queryset."""

    paginate_by = POSTS_PER_PAGE
    context_object_name = "posts"
    template_name = "blog/post_list.html"


class HomeView(PostListView):
    """Newest posts, sticky ones first; `?s=words` searches (as on WordPress)."""

    @cached_property
    def search_words(self) -> str:
        # PostgreSQL refuses NUL characters in a query: ?s=%00 would be a 500.
        words = self.request.GET.get("s", "").replace("\x00", "")
        return words.strip()[:SEARCH_MAX_LENGTH]

    def get_queryset(self):
        if self.search_words:
            return Post.objects.published().search(self.search_words).for_list()
        return Post.objects.published().sticky_first().for_list()

    def get_template_names(self):
        if self.search_words:
            return ["blog/post_search.html"]
        return ["blog/post_list.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(search_words=self.search_words, **kwargs)


class CategoryArchiveView(PostListView):
    """Posts in a category or any category below it."""

    template_name = "blog/post_archive_category.html"

    def get_queryset(self):
        self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
        category_ids = Category.objects.descendant_ids(self.category)
        return Post.objects.published().in_categories(category_ids).for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class TagArchiveView(PostListView):
    template_name = "blog/post_archive_tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Post.objects.published().tagged(self.tag).for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


def author_or_404(username: str):
    """A user with an author archive: staff, or anyone with a published post.

    Readers with a local account have no public page, so their usernames stay private.
    """
    published = Post.objects.published().filter(author=OuterRef("pk"))
    authors = get_user_model().objects.select_related("profile")
    return get_object_or_404(
        authors.filter(Q(is_staff=True) | Exists(published)), username=username
    )


class AuthorArchiveView(PostListView):
    template_name = "blog/post_archive_author.html"

    def get_queryset(self):
        self.author = author_or_404(self.kwargs["username"])
        return Post.objects.published().by_author(self.author).for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class PostDateArchiveMixin:
    """Shared settings of the year, month and day archives."""

    date_field = "published_on"
    month_format = "%m"
    day_format = "%d"
    allow_empty = True
    paginate_by = POSTS_PER_PAGE
    context_object_name = "posts"

    def get_queryset(self):
        return Post.objects.published().for_list()

    def get_dated_items(self):
        date_list, posts, extra = super().get_dated_items()
        # Empty past periods say "Nothing found"; periods not begun yet do not exist.
        start = extra.get("day") or extra.get("month") or extra.get("year")
        if start > timezone.localdate():
            raise Http404(_("No posts from the future."))
        return date_list, posts, extra


class PostYearArchiveView(PostDateArchiveMixin, YearArchiveView):
    make_object_list = True


class PostMonthArchiveView(PostDateArchiveMixin, MonthArchiveView):
    pass


class PostDayArchiveView(PostDateArchiveMixin, DayArchiveView):
    pass


class PostPageMixin:
    """The post page as readers see it, or an editor's preview of an unpublished one."""

    context_object_name = "post"
    template_name = "blog/post_detail.html"

    def get_queryset(self):
        return Post.objects.previewable_by(self.request.user).for_page()

    def get_context_data(self, **kwargs):
        post = self.object
        previous_post, next_post = post_page.neighbours(post)
        return super().get_context_data(
            is_preview=not post.is_published,
            terms=post_page.post_terms(post),
            link_lists=post_page.shown_link_lists(post),
            previous_post=previous_post,
            next_post=next_post,
            **kwargs,
        )


class PostDetailView(PostPageMixin, DateDetailView):
    date_field = "published_on"
    month_format = "%m"
    day_format = "%d"
    # Visibility is the queryset's business: editors may look at a scheduled post.
    allow_future = True

    def get_object(self, queryset=None):
        user = self.request.user
        if user.is_authenticated and user.is_staff:
            return super().get_object(queryset)  # may be a preview
        # Readers: the published post, read without compiling a query each time.
        try:
            day = dt.date(
                int(self.kwargs["year"]),
                int(self.kwargs["month"]),
                int(self.kwargs["day"]),
            )
        except ValueError as error:
            raise Http404(_("No such date.")) from error
        post = post_page.published_post(day, self.kwargs["slug"])
        if post is None:
            raise Http404(_("No post found at this address."))
        return post


class PostPreviewView(PostPageMixin, DetailView):
    """An unpublished post for those who may edit it; a published one redirects."""

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.is_published:
            return HttpResponseRedirect(self.object.get_absolute_url())
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The 500 page in the site's look, rendered without request context or database.

    The database may be the very thing that failed, so the page needs neither.
    """
    context = {
        "site_name": settings.COLOPHON_SITE_NAME,
        "site_tagline": settings.COLOPHON_SITE_TAGLINE,
        "error_page": True,
    }
    try:
        body = loader.get_template(template_name).render(context)
    except Exception:
        logger.exception("the 500 page could not be rendered")
        body = "<!doctype html><title>Server Error</title><h1>Server Error (500)</h1>"
    return HttpResponseServerError(body)
