from django.urls import path, register_converter

from blog import feeds, views


class FixedDigitsConverter:
    """Exactly `digits` digits, kept as a string so "03" stays "03" both ways."""

    digits = 2

    def __init__(self):
        self.regex = f"[0-9]{{{self.digits}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return f"{int(value):0{self.digits}d}"


class YearConverter(FixedDigitsConverter):
    digits = 4


register_converter(YearConverter, "yyyy")
register_converter(FixedDigitsConverter, "mm")
register_converter(FixedDigitsConverter, "dd")

app_name = "blog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("feed/", feeds.LatestPostsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestPostsAtomFeed(), name="feed_atom"),
    path("preview/<int:pk>/", views.PostPreviewView.as_view(), name="preview"),
    path("category/<str:slug>/", views.CategoryArchiveView.as_view(), name="category"),
    path("category/<str:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path(
        "category/<str:slug>/feed/atom/",
        feeds.CategoryAtomFeed(),
        name="category_feed_atom",
    ),
    path("tag/<str:slug>/", views.TagArchiveView.as_view(), name="tag"),
    path("tag/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<str:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag_feed_atom"),
    path("author/<str:username>/", views.AuthorArchiveView.as_view(), name="author"),
    path("author/<str:username>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path(
        "author/<str:username>/feed/atom/",
        feeds.AuthorAtomFeed(),
        name="author_feed_atom",
    ),
    path("<yyyy:year>/", views.PostYearArchiveView.as_view(), name="archive_year"),
    path(
        "<yyyy:year>/<mm:month>/",
        views.PostMonthArchiveView.as_view(),
        name="archive_month",
    ),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/",
        views.PostDayArchiveView.as_view(),
        name="archive_day",
    ),
    path(
        "<yyyy:year>/<mm:month>/<dd:day>/<str:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
]
