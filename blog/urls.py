from django.urls import path

from blog import views

app_name = "blog"

# URL contract (views are being built): names used across the project.
urlpatterns = [
    path("", views.home, name="home"),
    path("preview/<int:pk>/", views.home, name="preview"),
    path(
        "<int:year>/<str:month>/<str:day>/<str:slug>/",
        views.home,
        name="post_detail",
    ),
    path("category/<str:slug>/", views.home, name="category"),
    path("author/<str:username>/", views.home, name="author"),
]
