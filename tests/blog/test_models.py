import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import resolve, reverse, set_script_prefix
from django.utils import timezone

from blog.models import SLUG_MAX_LENGTH, Category, Post, Redirect
from tests.factories import CategoryFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_permalink_is_year_month_day_slug(author):
    post = PostFactory(
        author=author,
        title="Hello, World!",
        published_at=dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC),
    )

    assert post.get_absolute_url() == "/2024/03/02/hello-world/"


def test_permalink_carries_the_sites_path_prefix(author):
    post = PostFactory(
        author=author,
        title="Under a prefix",
        published_at=dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC),
    )
    set_script_prefix("/blog/")
    try:
        url = post.get_absolute_url()
    finally:
        set_script_prefix("/")

    assert url == "/blog/2024/03/02/under-a-prefix/"
    assert post.get_absolute_url() == "/2024/03/02/under-a-prefix/"


def test_permalink_matches_reverse_for_an_early_year(author):
    post = PostFactory(
        author=author,
        title="Old news",
        published_at=dt.datetime(987, 1, 5, 10, 0, tzinfo=dt.UTC),
    )

    assert post.get_absolute_url() == reverse(
        "blog:post_detail",
        kwargs={"year": 987, "month": 1, "day": 5, "slug": "old-news"},
    )
    assert post.get_absolute_url() == "/0987/01/05/old-news/"


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


# --- Slugs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Привет, мир!", "привет-мир"),
        ("Ça va? Déjà-vu", "ça-va-déjà-vu"),
        ("What “they” said — and didn’t", "what-they-said-and-didnt"),
        ("!!!", "post"),
    ],
)
def test_slug_is_made_from_the_title_keeping_letters_of_any_script(author, title, slug):
    post = PostFactory(author=author, title=title)

    assert post.slug == slug


def test_a_cyrillic_permalink_resolves_to_the_post(author, client):
    post = PostFactory(
        author=author,
        title="Хроника событий",
        published_at=dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC),
    )

    url = post.get_absolute_url()
    assert url == "/2024/03/02/%D1%85%D1%80%D0%BE%D0%BD%D0%B8%D0%BA%D0%B0-" + (
        "%D1%81%D0%BE%D0%B1%D1%8B%D1%82%D0%B8%D0%B9/"
    )
    assert resolve(unquote(url)).kwargs["slug"] == "хроника-событий"


def test_a_very_long_title_gives_a_slug_that_fits(author):
    when = dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC)
    posts = [
        PostFactory(author=author, title="word " * 59, published_at=when)
        for _ in range(2)
    ]

    assert all(len(post.slug) <= SLUG_MAX_LENGTH for post in posts)
    assert posts[1].slug.endswith("-2")


def test_slugs_are_numbered_on_for_each_same_title_that_day(author):
    when = dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC)
    slugs = [
        PostFactory(author=author, title="Daily notes", published_at=when).slug
        for _ in range(3)
    ]

    assert slugs == ["daily-notes", "daily-notes-2", "daily-notes-3"]


def test_a_slug_taken_between_check_and_insert_is_retried(author, monkeypatch):
    when = dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC)
    real_check = Post._slug_taken
    raced = []

    def another_writer_gets_there_first(self):
        if not raced:
            # A concurrent request inserts the same slug right after our check.
            raced.append(True)
            PostFactory(author=author, title="Race", published_at=when)
            return False
        return real_check(self)

    monkeypatch.setattr(Post, "_slug_taken", another_writer_gets_there_first)

    post = PostFactory(author=author, title="Race", published_at=when)

    assert post.slug == "race-2"
    assert Post.objects.filter(published_on=post.published_on).count() == 2


def test_an_integrity_error_about_something_else_is_not_retried(author, monkeypatch):
    calls = []

    def failing_save_base(self, *args, **kwargs):
        calls.append(self.slug)
        raise IntegrityError("NOT NULL constraint failed: blog_post.title")

    monkeypatch.setattr(Post, "save_base", failing_save_base)

    with pytest.raises(IntegrityError, match="NOT NULL"):
        PostFactory(author=author, title="Unlucky")

    assert calls == ["unlucky"]


def test_publishing_two_drafts_with_the_same_title_on_one_day_numbers_the_second(
    author,
):
    first = PostFactory(author=author, title="Same", draft=True)
    second = PostFactory(author=author, title="Same", draft=True)
    when = timezone.now() - dt.timedelta(minutes=5)

    for post in (first, second):
        post.status = Post.Status.PUBLISHED
        post.published_at = when
        post.save()

    assert (first.slug, second.slug) == ("same", "same-2")


def test_a_chosen_slug_is_kept_when_free(author):
    post = PostFactory(author=author, title="Long title here", slug="short")

    assert post.slug == "short"
    assert post.get_absolute_url().endswith("/short/")


# --- Old addresses ------------------------------------------------------------------


def test_changing_a_published_posts_date_leaves_a_redirect(author):
    post = PostFactory(
        author=author,
        title="Moved",
        published_at=dt.datetime(2024, 3, 2, 10, 0, tzinfo=dt.UTC),
    )

    post.published_at = dt.datetime(2024, 3, 5, 10, 0, tzinfo=dt.UTC)
    post.save()

    assert Redirect.objects.get(old_path="/2024/03/02/moved/").post == post
    assert post.get_absolute_url() == "/2024/03/05/moved/"


def test_the_old_address_answers_301_to_the_new_one(author, client):
    post = PostFactory(author=author, title="Old title")
    old_url = post.get_absolute_url()
    post.slug = "new-title"
    post.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_an_old_cyrillic_address_answers_301_to_the_new_one(author, client):
    post = PostFactory(author=author, title="Старый заголовок")
    old_url = post.get_absolute_url()
    post.published_at -= dt.timedelta(days=1)
    post.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == post.get_absolute_url()


def test_the_old_address_of_an_unpublished_post_is_not_found(author, client):
    post = PostFactory(author=author, title="Withdrawn")
    old_url = post.get_absolute_url()
    post.slug = "withdrawn-again"
    post.status = Post.Status.DRAFT
    post.save()

    assert client.get(old_url).status_code == 404


def test_changing_a_slug_back_and_forth_leaves_no_loop(author, client):
    post = PostFactory(author=author, title="Back")
    first_url = post.get_absolute_url()
    post.slug = "forth"
    post.save()
    post.slug = "back"
    post.save()

    assert post.get_absolute_url() == first_url
    assert not Redirect.objects.filter(old_path=first_url).exists()
    assert client.get(first_url).status_code == 200
    response = client.get(first_url.replace("/back/", "/forth/"))
    assert (response.status_code, response["Location"]) == (301, first_url)


def test_editing_a_draft_leaves_no_redirect(author):
    post = PostFactory(author=author, title="Draft", draft=True)

    post.slug = "renamed-draft"
    post.save()

    assert not Redirect.objects.exists()


# --- Visibility -------------------------------------------------------------------


def test_a_scheduled_post_shows_by_itself_when_its_time_comes(author):
    post = PostFactory(author=author, scheduled=True)
    assert not post.is_published

    # Time passes; nothing flips the status.
    Post.objects.filter(pk=post.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    post.refresh_from_db()

    assert post.status == Post.Status.SCHEDULED
    assert post.is_published
    assert Post.objects.published().filter(pk=post.pk).exists()


def test_published_at_a_moment_includes_what_was_out_by_then(author):
    when = timezone.now() - dt.timedelta(days=10)
    old = PostFactory(author=author, published_at=when)
    newer = PostFactory(author=author, published_at=when + dt.timedelta(days=5))

    visible = set(Post.objects.published(at=when + dt.timedelta(days=1)))

    assert old in visible and newer not in visible


def test_a_draft_has_no_date_permalink(author):
    post = PostFactory(author=author, title="Not yet", draft=True)

    assert post.published_on is None
    assert post.get_absolute_url() == f"/preview/{post.pk}/"
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_a_draft_with_a_planned_date_still_has_no_date_permalink(author):
    post = PostFactory(
        author=author,
        title="Planned",
        status=Post.Status.DRAFT,
        published_at=timezone.now() - dt.timedelta(hours=1),
    )

    assert post.published_on is None
    assert post.get_absolute_url() == f"/preview/{post.pk}/"
    assert not post.is_published
    assert not Post.objects.published().filter(pk=post.pk).exists()


def test_publishing_without_a_date_publishes_now(author):
    before = timezone.now()
    post = PostFactory(author=author, published_at=None)

    assert post.status == Post.Status.PUBLISHED
    assert before <= post.published_at <= timezone.now()
    assert post.published_on == timezone.localdate(post.published_at)


# --- Categories -------------------------------------------------------------------


def test_descendant_ids_are_the_category_and_everything_below_it(
    django_assert_num_queries,
):
    news = CategoryFactory(name="News")
    world = CategoryFactory(name="World", parent=news)
    europe = CategoryFactory(name="Europe", parent=world)
    sport = CategoryFactory(name="Sport")
    CategoryFactory(name="Football", parent=sport)

    with django_assert_num_queries(1):
        found = Category.objects.descendant_ids(news)

    assert sorted(found) == sorted([news.pk, world.pk, europe.pk])
    assert sorted(Category.objects.descendant_ids(world)) == sorted(
        [world.pk, europe.pk]
    )
    assert Category.objects.descendant_ids(europe) == [europe.pk]


def test_descendant_ids_survive_a_cycle_in_the_data():
    first = CategoryFactory(name="First")
    second = CategoryFactory(name="Second", parent=first)
    Category.objects.filter(pk=first.pk).update(parent=second)

    assert sorted(Category.objects.descendant_ids(first)) == sorted(
        [first.pk, second.pk]
    )


def test_a_category_cannot_be_put_inside_itself():
    parent = CategoryFactory(name="Parent")
    child = CategoryFactory(name="Child", parent=parent)
    parent.parent = child

    with pytest.raises(ValidationError) as caught:
        parent.full_clean()

    assert [error.code for error in caught.value.error_dict["parent"]] == [
        "category_cycle"
    ]
