from django.urls import path

from likes import views

app_name = "likes"

urlpatterns = [
    path("likes/post/<int:post_id>/", views.like, name="like"),
    path("likes/post/<int:post_id>/log-in/", views.choose, name="choose"),
    path("likes/post/<int:post_id>/done/", views.complete, name="complete"),
]
