"""Anonymous pages from the shared cache (real Redis): fresh after every change,
never personal, conditional GET."""

import os
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import CommentSettings
from comments.services import set_comment_status
from config import pagecache
from config.sql import statement_text
from tests.factories import CommentFactory, LikeFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def redis_page_cache(settings):
    settings.COLOPHON_PAGE_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"pagecache-test-{uuid.uuid4().hex[:8]}",
        }
    }
    from django.core.cache import cache

    try:
        cache.set("ping", 1, 5)
    except Exception as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL} ({exc}); CI starts one")
    yield
    cache.clear()


def fetch(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code in (200, 304), response.status_code
    return response


def test_second_anonymous_visit_is_served_from_cache_without_queries(post):
    fetch(Client(), post.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "hit"
    assert len(queries) == 0


def test_approving_a_comment_shows_it_on_the_next_request(
    post, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, pending=True, body="freshly approved words")
    fetch(Client(), post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        set_comment_status(comments=[comment], status="approved", by=None)

    response = fetch(Client(), post.get_absolute_url())
    assert response["X-Cache"] == "hit; drawn: discussion"
    assert "freshly approved words" in response.content.decode()


def test_unapproving_a_comment_hides_it_on_the_next_request(
    post, django_capture_on_commit_callbacks
):
    comment = CommentFactory(post=post, body="soon hidden words")
    assert (
        "soon hidden words" in fetch(Client(), post.get_absolute_url()).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        set_comment_status(comments=[comment], status="pending", by=None)

    assert (
        "soon hidden words"
        not in fetch(Client(), post.get_absolute_url()).content.decode()
    )


def test_a_like_updates_the_count_on_the_next_request(
    post, client, django_capture_on_commit_callbacks
):
    fetch(Client(), post.get_absolute_url())
    client.force_login(UserFactory(username="fan"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/likes/post/{post.pk}/", {"action": "like"})

    assert (
        "One blogger likes this."
        in fetch(Client(), post.get_absolute_url()).content.decode()
    )


def test_saving_a_post_refreshes_every_page(post, django_capture_on_commit_callbacks):
    fetch(Client(), "/")
    fetch(Client(), post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        post.title = "A brand new title"
        post.save()

    assert "A brand new title" in fetch(Client(), "/").content.decode()
    assert (
        "A brand new title" in fetch(Client(), post.get_absolute_url()).content.decode()
    )


def test_editing_an_author_profile_refreshes_pages(
    post, django_capture_on_commit_callbacks
):
    fetch(Client(), post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        profile = post.author.profile
        profile.display_name = "Renamed Author"
        profile.save()

    assert "Renamed Author" in fetch(Client(), post.get_absolute_url()).content.decode()


def test_changing_discussion_settings_refreshes_pages(
    post, django_capture_on_commit_callbacks
):
    fetch(Client(), post.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        discussion = CommentSettings.load()
        discussion.external_avatars = False
        discussion.save()
    CommentFactory(post=post)

    assert (
        "/comments/avatar/" in fetch(Client(), post.get_absolute_url()).content.decode()
    )


def test_logged_in_readers_never_get_or_fill_the_cache(post, client):
    client.force_login(UserFactory(username="member"))

    response = fetch(client, post.get_absolute_url())

    assert "X-Cache" not in response
    assert "You are commenting using your" in response.content.decode()
    assert Client().get(post.get_absolute_url())["X-Cache"] == "miss"


def test_a_guest_with_a_held_comment_sees_it_and_nobody_else_does(
    post, post_comment, client
):
    fetch(Client(), post.get_absolute_url())
    post_comment(post, comment="my held words")

    own = fetch(client, post.get_absolute_url())
    other = fetch(Client(), post.get_absolute_url())

    assert "X-Cache" not in own
    assert "my held words" in own.content.decode()
    assert "my held words" not in other.content.decode()


def test_a_cached_page_carries_a_working_csrf_token_for_each_visitor(post):
    fetch(Client(), post.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)

    response = fetch(visitor, post.get_absolute_url())
    page = response.content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    assert response["X-Cache"] == "hit"
    assert pagecache.csrf_placeholder() not in page
    from comments.forms import security_token

    posted = visitor.post(
        f"/comments/post/{post.pk}/",
        {
            "comment": "Posted from a cached page.",
            "name": "Cached Reader",
            "email": "cached@example.net",
            "security": security_token(post.pk),
            "csrfmiddlewaretoken": token,
        },
    )
    assert posted.status_code == 302


def test_the_page_stored_on_a_miss_is_answered_with_the_visitors_own_token(post):
    visitor = Client(enforce_csrf_checks=True)

    response = fetch(visitor, post.get_absolute_url())
    page = response.content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))

    assert response["X-Cache"] == "miss"
    assert pagecache.csrf_placeholder() not in page
    assert "<!--hole" not in page  # the parts' markers stay in the stored copy
    assert len(tokens) == 1
    posted = visitor.post(
        f"/likes/post/{post.pk}/", {"csrfmiddlewaretoken": tokens.pop()}
    )
    assert posted.status_code != 403


@pytest.mark.parametrize(
    "since",
    ["nothing", "a like", "an approval"],
    ids=["hit", "likes drawn", "discussion drawn"],
)
def test_every_form_on_a_cached_page_carries_the_visitors_own_token(
    post, like, approve, since
):
    fetch(Client(), post.get_absolute_url())
    if since == "a like":
        like(post)
    if since == "an approval":
        approve(CommentFactory(post=post, pending=True))

    tokens = []
    for _visitor in range(2):
        page = fetch(Client(), post.get_absolute_url()).content.decode()
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert len(found) == 2  # the comment form and the Like button
        assert len(set(found)) == 1
        tokens.append(found[0])

    assert tokens[0] != tokens[1]
    assert pagecache.csrf_placeholder() not in tokens


def test_unchanged_page_answers_304_to_if_none_match(post):
    first = fetch(Client(), post.get_absolute_url())

    again = Client().get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_feeds_answer_304_too(post):
    first = fetch(Client(), "/feed/")

    assert Client().get("/feed/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_cached_pages_are_private_to_the_browser(post):
    response = fetch(Client(), post.get_absolute_url())

    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_a_scheduled_post_limits_how_long_pages_are_kept(author):
    PostFactory(
        author=author,
        scheduled=True,
        published_at=timezone.now() + timezone.timedelta(seconds=30),
    )

    assert pagecache._timeout() <= 31


def test_drafts_never_appear_from_the_cache(author, django_capture_on_commit_callbacks):
    fetch(Client(), "/")
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(author=author, draft=True, title="Secret draft title")

    assert "Secret draft title" not in fetch(Client(), "/").content.decode()


def test_like_counts_from_the_cache_are_never_someones_liked_state(post, client):
    LikeFactory(post=post)
    fetch(Client(), post.get_absolute_url())

    page = fetch(Client(), post.get_absolute_url()).content.decode()

    assert 'aria-pressed="false"' in page


@pytest.fixture
def like(django_capture_on_commit_callbacks):
    """Like `post` as a reader created now (before the page is first stored: a new
    account may have a profile, and profiles are on pages)."""
    from comments.identity import local_identity
    from likes.services import set_like

    liker = local_identity(UserFactory())

    def like(post):
        with django_capture_on_commit_callbacks(execute=True):
            set_like(post=post, identity=liker, liked=True)

    return like


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    def approve(comment):
        with django_capture_on_commit_callbacks(execute=True):
            set_comment_status(comments=[comment], status="approved", by=None)

    return approve


def test_after_an_approval_only_the_discussion_part_is_drawn_again(post, approve):
    held = CommentFactory(post=post, pending=True, body="approved just now")
    CommentFactory.create_batch(3, post=post)
    fetch(Client(), post.get_absolute_url())
    approve(held)

    with CaptureQueriesContext(connection) as queries:
        response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "hit; drawn: discussion"
    assert "approved just now" in response.content.decode()
    assert "4 thoughts on" in response.content.decode()
    assert post.body_html in response.content.decode()
    # The post and its comments; not its tags, categories, links or author.
    tables = {
        statement_text(q["sql"]).split(" FROM ")[1].split()[0].strip('"')
        for q in queries.captured_queries
    }
    assert tables <= {"blog_post", "comments_comment", "socialaccount_socialapp"}


def test_the_discussion_part_drawn_again_is_kept_for_the_next_reader(post, approve):
    fetch(Client(), post.get_absolute_url())
    approve(CommentFactory(post=post, pending=True))
    fetch(Client(), post.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "hit"
    assert len(queries) == 0


def test_an_approval_changes_the_etag_of_a_stored_page(post, approve):
    held = CommentFactory(post=post, pending=True)
    etag = fetch(Client(), post.get_absolute_url())["ETag"]
    approve(held)

    response = fetch(Client(), post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_each_comment_page_gets_its_own_discussion_after_an_approval(post, approve):
    discussion = CommentSettings.load()
    discussion.per_page = 1
    discussion.save()
    CommentFactory(post=post, body="first thread")
    held = CommentFactory(post=post, pending=True, body="second thread")
    url = post.get_absolute_url()
    fetch(Client(), url)
    approve(held)

    first = fetch(Client(), url).content.decode()
    second = fetch(Client(), f"{url}?cpage=2").content.decode()

    assert "first thread" in first and "second thread" not in first
    assert "second thread" in second and "first thread" not in second


def test_an_edited_comment_shows_its_new_text_on_the_next_request(
    post, django_capture_on_commit_callbacks
):
    CommentFactory.create_batch(2, post=post)
    comment = CommentFactory(post=post, body="before the edit")
    fetch(Client(), post.get_absolute_url())
    fetch(Client(), post.get_absolute_url())

    comment.body = "after the edit"
    with django_capture_on_commit_callbacks(execute=True):
        comment.save()  # as the admin's change form does

    page = fetch(Client(), post.get_absolute_url()).content.decode()
    assert "after the edit" in page
    assert "before the edit" not in page


def test_after_an_approval_only_that_comments_thread_is_read_in_full(post, approve):
    CommentFactory.create_batch(3, post=post)
    first, held = CommentFactory.create_batch(2, post=post, pending=True)
    fetch(Client(), post.get_absolute_url())
    # The discussion drawn again after an approval keeps every thread's rows.
    approve(first)
    fetch(Client(), post.get_absolute_url())
    approve(held)

    with CaptureQueriesContext(connection) as queries:
        fetch(Client(), post.get_absolute_url())

    # The other threads' rows were kept; only the new comment's body is read.
    bodies = [
        q["sql"]
        for q in queries.captured_queries
        if "body_html" in statement_text(q["sql"])
    ]
    assert len(bodies) == 1
    # Its id alone: IN (id) on SQLite, an array on PostgreSQL.
    assert re.search(rf"(IN \(|ARRAY\[){held.pk}[)\]]", bodies[0])


def test_erased_personal_data_is_gone_from_the_next_page(
    post, client, moderator, django_capture_on_commit_callbacks
):
    CommentFactory(post=post, author_name="Grace Hopper", author_email="g@example.net")
    fetch(Client(), post.get_absolute_url())
    fetch(Client(), post.get_absolute_url())
    client.force_login(moderator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/comments/comment/personal-data/",
            {"email": "g@example.net", "erase": "Erase"},
        )

    page = fetch(Client(), post.get_absolute_url()).content.decode()
    assert "Grace Hopper" not in page
    assert "Anonymous" in page


def test_a_network_set_up_after_an_approval_shows_its_button(
    post, approve, django_capture_on_commit_callbacks
):
    from allauth.socialaccount.models import SocialApp
    from django.contrib.sites.models import Site

    fetch(Client(), post.get_absolute_url())
    approve(CommentFactory(post=post, pending=True))
    fetch(Client(), post.get_absolute_url())  # the discussion drawn again
    assert (
        "identity-facebook"
        not in fetch(Client(), post.get_absolute_url()).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        app = SocialApp.objects.create(
            provider="facebook", name="Facebook", client_id="id", secret="secret"
        )
        app.sites.add(Site.objects.get_current())
    fetch(Client(), post.get_absolute_url())  # the whole page drawn again
    approve(CommentFactory(post=post, pending=True))

    response = fetch(Client(), post.get_absolute_url())
    assert response["X-Cache"] == "hit; drawn: discussion"
    assert "identity-facebook" in response.content.decode()


def test_after_a_like_only_the_likes_part_of_the_stored_page_is_drawn_again(post, like):
    CommentFactory.create_batch(3, post=post)
    fetch(Client(), post.get_absolute_url())
    like(post)

    with CaptureQueriesContext(connection) as queries:
        response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "hit; drawn: likes"
    assert "One blogger likes this." in response.content.decode()
    assert "3 thoughts on" in response.content.decode()
    # The most recent likers with the like count; nothing else is looked up.
    tables = [
        statement_text(q["sql"]).split(" FROM ")[1].split()[0].strip('"')
        for q in queries.captured_queries
    ]
    assert tables == ["likes_like"]


def test_the_likes_part_drawn_again_is_kept_for_the_next_reader(post, like):
    fetch(Client(), post.get_absolute_url())
    like(post)
    fetch(Client(), post.get_absolute_url())

    with CaptureQueriesContext(connection) as queries:
        response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "hit"
    assert "One blogger likes this." in response.content.decode()
    assert len(queries) == 0


def test_a_like_changes_the_etag_of_a_stored_page(post, like):
    etag = fetch(Client(), post.get_absolute_url())["ETag"]
    like(post)

    response = fetch(Client(), post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag


@pytest.mark.parametrize("visit", ["miss", "hit", "logged in"])
def test_readers_never_see_the_markers_around_page_parts(post, client, visit):
    if visit == "hit":
        fetch(Client(), post.get_absolute_url())
    if visit == "logged in":
        client.force_login(UserFactory())

    html = fetch(client, post.get_absolute_url()).content.decode()

    assert 'id="likes"' in html
    assert "<!--hole" not in html


def _stored_page_keys():
    from django.core.cache import cache

    client = cache._cache.get_client()
    return client.keys(cache.make_key("pc:page:*"))


def test_an_app_server_serves_its_own_copy_of_a_page_it_just_served(post):
    from django.core.cache import cache

    fetch(Client(), post.get_absolute_url())
    fetch(Client(), post.get_absolute_url())
    cache._cache.get_client().delete(*_stored_page_keys())  # e.g. Redis evicted it

    response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "hit"


def test_a_change_made_on_another_app_server_outdates_this_servers_copy(post):
    fetch(Client(), post.get_absolute_url())
    fetch(Client(), post.get_absolute_url())
    pagecache.bump_site()  # what a save on another server does to Redis

    response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "miss"


def test_an_emptied_shared_cache_outdates_this_servers_copy(post):
    from django.core.cache import cache

    fetch(Client(), post.get_absolute_url())
    fetch(Client(), post.get_absolute_url())
    cache.clear()  # Redis flushed or restarted: changes may have gone unrecorded

    response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "miss"


def test_this_servers_copy_ends_when_the_stored_page_would_have(post, monkeypatch):
    from django.core.cache import cache

    fetch(Client(), post.get_absolute_url())
    fetch(Client(), post.get_absolute_url())
    cache._cache.get_client().delete(*_stored_page_keys())
    later = pagecache.time.time() + 301
    monkeypatch.setattr(pagecache.time, "time", lambda: later)

    response = fetch(Client(), post.get_absolute_url())

    assert response["X-Cache"] == "miss"


def test_a_page_another_worker_stored_is_served_in_place_of_an_outdated_copy(post):
    url = post.get_absolute_url()
    fetch(Client(), url)
    fetch(Client(), url)  # this worker now keeps its own copy
    outdated = list(pagecache._local_copies.entries.items())
    pagecache.bump_site()
    fetch(Client(), url)  # another worker renders the page again and stores it
    for key, entry in outdated:  # ... while this worker still holds the old copy
        pagecache._local_copies.put(key, entry)

    response = fetch(Client(), url)

    assert response["X-Cache"] == "hit"
