import datetime as dt

import pytest
from django.utils import timezone

from blog.models import Post, Redirect
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_permalink_is_year_month_day_slug(author):
    post = PostFactory(
        author=author,
        title="Hello, World!",
        published_at=dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC),
    )

    assert post.get_absolute_url() == "/2024/03/02/hello-world/"


def test_same_title_same_day_gets_a_numbered_slug(author):
    when = dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC)
    first = PostFactory(author=author, title="Same", published_at=when)
    second = PostFactory(author=author, title="Same", published_at=when)

    assert (first.slug, second.slug) == ("same", "same-2")


def test_same_title_on_another_day_keeps_the_plain_slug(author):
    PostFactory(author=author, title="Same", published_at=timezone.now())
    other = PostFactory(
        author=author, title="Same", published_at=timezone.now() - dt.timedelta(days=3)
    )

    assert other.slug == "same"


def test_scheduled_post_is_hidden_until_its_time(author):
    post = PostFactory(author=author, scheduled=True)

    assert not Post.objects.published().filter(pk=post.pk).exists()
    later = post.published_at + dt.timedelta(seconds=1)
    assert Post.objects.published(at=later).filter(pk=post.pk).exists()


def test_publishing_with_a_future_date_schedules_the_post(author):
    post = PostFactory(
        author=author, published_at=timezone.now() + dt.timedelta(hours=1)
    )

    assert post.status == Post.Status.SCHEDULED


def test_changing_a_published_posts_slug_leaves_a_redirect(author):
    post = PostFactory(author=author, title="Old title")
    old_url = post.get_absolute_url()

    post.slug = "new-title"
    post.save()

    assert Redirect.objects.get(old_path=old_url).post == post


def test_excerpt_comes_from_the_body_when_empty(author):
    post = PostFactory(author=author, body="word " * 100, excerpt="")

    assert post.summary.endswith("\u2026")
    assert len(post.summary.split()) == 55
