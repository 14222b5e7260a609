from django.urls import path

from comments import feeds, views

app_name = "comments"

urlpatterns = [
    path("comments/post/<int:post_id>/", views.submit, name="submit"),
    path(
        "comments/post/<int:post_id>/connect/<str:provider_id>/",
        views.connect,
        name="connect",
    ),
    path("comments/moderate/<str:token>/", views.moderate, name="moderate"),
    path(
        "comments/follow/<str:token>/confirm/",
        views.confirm_subscription,
        name="confirm_subscription",
    ),
    path("comments/follow/<str:token>/stop/", views.unsubscribe, name="unsubscribe"),
    path("comments/avatar/<str:digest>.svg", views.avatar, name="avatar"),
    path("comments/feed/", feeds.LatestCommentsFeed(), name="feed"),
    # WordPress's per-post comments feed lives under the permalink.
    path(
        "<int:year>/<str:month>/<str:day>/<str:slug>/feed/",
        feeds.PostCommentsFeed(),
        name="post_feed",
    ),
]
