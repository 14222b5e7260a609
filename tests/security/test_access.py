"""Who may see and do what: every reader view and every admin page, for every role;
and what must never leak (held and spam comments, drafts, scheduled posts)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Category, Post, Redirect
from comments.models import Comment, CommentSettings, Subscription
from comments.signing import moderation_token
from likes.models import Like
from tests.factories import CommentFactory, LikeFactory, PostFactory, UserFactory
from tests.security.conftest import ROLES

pytestmark = pytest.mark.django_db

ANON = ("anonymous", "guest")
READERS = ("anonymous", "guest", "local", "social")
SIGNED_IN = ("local", "social", "author", "editor", "moderator", "superuser")
STAFF = ("author", "editor", "moderator", "superuser")


def expect(default, **per_role):
    """{role: status} for every role: `default` unless given per role."""
    return {role: per_role.get(role, default) for role in ROLES}


def roles(statuses: dict, names, status):
    return {**statuses, **dict.fromkeys(names, status)}


@pytest.fixture
def world(published, writer, other_writer):
    """One of everything, as a blog has it."""
    draft = PostFactory(author=writer, draft=True, title="Writer draft")
    others_draft = PostFactory(author=other_writer, draft=True, title="Other draft")
    others_post = PostFactory(author=other_writer, title="Other published")
    scheduled = PostFactory(author=writer, scheduled=True, title="Writer scheduled")
    category = Category.objects.create(name="News", slug="news")
    published.categories.add(category)
    published.tags.add("harbour")
    approved = CommentFactory(post=published, body="Approved words.")
    pending = CommentFactory(post=published, pending=True, body="Held words.")
    spam = CommentFactory(post=published, spam=True, body="Spam words.")
    like = LikeFactory(post=published)
    subscription = Subscription.objects.create(post=published, email="f@example.net")
    redirect = Redirect.objects.create(old_path="/old/", post=published)
    moderator_for_links = UserFactory(username="linkmod", superuser=True)
    token = moderation_token(
        comment_id=pending.pk, action="approve", moderator_id=moderator_for_links.pk
    )
    return {
        "post": published,
        "draft": draft,
        "others_draft": others_draft,
        "others_post": others_post,
        "scheduled": scheduled,
        "category": category,
        "approved": approved,
        "pending": pending,
        "spam": spam,
        "like": like,
        "subscription": subscription,
        "redirect": redirect,
        "token": token,
        "discussion": CommentSettings.load(),
    }


def reader_matrix(w) -> dict[str, tuple[str, dict]]:
    """url name → (path, {role: status}) for every reader page."""
    post, scheduled = w["post"], w["scheduled"]
    everyone_200 = expect(200)
    profile = expect(200, anonymous=302, guest=302)
    logged_in_elsewhere = expect(302, anonymous=200, guest=200)
    preview_own = expect(404, author=200, editor=200, superuser=200)
    preview_others = expect(404, editor=200, superuser=200)
    return {
        "home": ("/", everyone_200),
        "search": ("/?s=words", everyone_200),
        "post": (post.get_absolute_url(), everyone_200),
        "post page 2": (f"{post.get_absolute_url()}?cpage=2", everyone_200),
        "reply link": (
            f"{post.get_absolute_url()}?replytocom={w['approved'].pk}",
            everyone_200,
        ),
        "year": (f"/{post.published_on:%Y}/", everyone_200),
        "month": (f"/{post.published_on:%Y/%m}/", everyone_200),
        "day": (f"/{post.published_on:%Y/%m/%d}/", everyone_200),
        "category": ("/category/news/", everyone_200),
        "tag": ("/tag/harbour/", everyone_200),
        "author": (f"/author/{post.author.username}/", everyone_200),
        "reader has no author page": ("/author/localreader/", expect(404)),
        "feed": ("/feed/", everyone_200),
        "atom": ("/feed/atom/", everyone_200),
        "category feed": ("/category/news/feed/", everyone_200),
        "comments feed": ("/comments/feed/", everyone_200),
        "post comments feed": (f"{post.get_absolute_url()}feed/", everyone_200),
        "sitemap": ("/sitemap.xml", everyone_200),
        "robots": ("/robots.txt", everyone_200),
        "healthz": ("/healthz", everyone_200),
        "scheduled post": (
            scheduled.get_absolute_url(),
            expect(404, author=200, editor=200, superuser=200),
        ),
        "preview own draft": (
            reverse("blog:preview", args=[w["draft"].pk]),
            preview_own,
        ),
        "preview other's draft": (
            reverse("blog:preview", args=[w["others_draft"].pk]),
            preview_others,
        ),
        "preview published": (
            reverse("blog:preview", args=[post.pk]),
            expect(302),
        ),
        "profile": (reverse("accounts:profile"), profile),
        "like identity choice": (reverse("likes:choose", args=[post.pk]), everyone_200),
        "like done": (reverse("likes:complete", args=[post.pk]), expect(302)),
        "log in": (reverse("account_login"), logged_in_elsewhere),
        "sign up": (reverse("account_signup"), logged_in_elsewhere),
        "moderation link": (
            reverse("comments:moderate", args=[w["token"]]),
            everyone_200,
        ),
        "forged moderation link": (
            reverse("comments:moderate", args=["forged"]),
            expect(400),
        ),
        "follow-up confirmation": (
            reverse("comments:confirm_subscription", args=[w["subscription"].token]),
            everyone_200,
        ),
        "admin index": ("/admin/", expect(302, **dict.fromkeys(STAFF, 200))),
    }


def admin_matrix(w) -> dict[str, tuple[str, dict]]:
    """Admin pages (GET) → (path, {role: status}). Non-staff always go to log-in."""
    post, others_post = w["post"], w["others_post"]
    writer_profile = post.author.profile
    others_profile = others_post.author.profile

    def staff(**statuses):
        return roles(expect(403, **statuses), READERS, 302)

    editors = {"editor": 200, "superuser": 200}
    moderators = {"moderator": 200, "superuser": 200}
    return {
        "posts": ("/admin/blog/post/", staff(author=200, **editors)),
        "post add": ("/admin/blog/post/add/", staff(author=200, **editors)),
        "own post": (
            f"/admin/blog/post/{post.pk}/change/",
            staff(author=200, **editors),
        ),
        # Not in an author's list at all: the admin says "doesn't exist" (302).
        "other's post": (
            f"/admin/blog/post/{others_post.pk}/change/",
            staff(author=302, **editors),
        ),
        "post delete": (
            f"/admin/blog/post/{others_post.pk}/delete/",
            staff(author=302, **editors),
        ),
        "post history": (
            f"/admin/blog/post/{post.pk}/history/",
            staff(author=200, moderator=302, **editors),
        ),
        "wordpress import": (
            "/admin/blog/post/import-wordpress/",
            staff(**editors),
        ),
        "categories": ("/admin/blog/category/", staff(author=200, **editors)),
        "category add": ("/admin/blog/category/add/", staff(**editors)),
        "category": (
            f"/admin/blog/category/{w['category'].pk}/change/",
            staff(author=200, **editors),
        ),
        "redirects": ("/admin/blog/redirect/", staff(**editors)),
        "redirect": (
            f"/admin/blog/redirect/{w['redirect'].pk}/change/",
            staff(**editors),
        ),
        "tags": ("/admin/taggit/tag/", staff(author=200, **editors)),
        "comments": ("/admin/comments/comment/", staff(**moderators)),
        "comment": (
            f"/admin/comments/comment/{w['pending'].pk}/change/",
            staff(**moderators),
        ),
        "commenter personal data": (
            "/admin/comments/comment/personal-data/",
            staff(**moderators),
        ),
        # The list only redirects to the one settings row; that page checks.
        "comment settings": (
            "/admin/comments/commentsettings/",
            staff(**dict.fromkeys(STAFF, 302)),
        ),
        "comment settings change": (
            f"/admin/comments/commentsettings/{w['discussion'].pk}/change/",
            staff(**moderators),
        ),
        "follow-ups": ("/admin/comments/subscription/", staff(**moderators)),
        "likes": ("/admin/likes/like/", staff(superuser=200)),
        "like": (f"/admin/likes/like/{w['like'].pk}/change/", staff(superuser=200)),
        "users": ("/admin/accounts/user/", staff(superuser=200)),
        "user": (
            f"/admin/accounts/user/{post.author.pk}/change/",
            staff(superuser=200),
        ),
        "groups": ("/admin/auth/group/", staff(superuser=200)),
        "author profiles": (
            "/admin/accounts/authorprofile/",
            staff(author=200, **editors),
        ),
        "own author profile": (
            f"/admin/accounts/authorprofile/{writer_profile.pk}/change/",
            staff(author=200, superuser=200, editor=302),
        ),
        "other's author profile": (
            f"/admin/accounts/authorprofile/{others_profile.pk}/change/",
            staff(author=302, editor=302, superuser=200),
        ),
        "social apps": ("/admin/socialaccount/socialapp/", staff(superuser=200)),
        "sites": ("/admin/sites/site/", staff(superuser=200)),
        "tasks": ("/admin/django_tasks_database/dbtaskresult/", staff(superuser=200)),
    }


def check_matrix(role_client, matrix):
    failures = []
    for role in ROLES:
        client, _user = role_client(role)
        for name, (path, statuses) in matrix.items():
            status = client.get(path).status_code
            if status != statuses[role]:
                failures.append(f"{role:9} {name}: {status}, expected {statuses[role]}")
    assert not failures, "\n".join(failures)


def test_reader_pages_for_every_role(role_client, world):
    check_matrix(role_client, reader_matrix(world))


def test_admin_pages_for_every_role(role_client, world):
    check_matrix(role_client, admin_matrix(world))


def test_non_staff_are_sent_to_the_admin_log_in(role_client, world):
    for role in READERS:
        client, _user = role_client(role)
        response = client.get("/admin/comments/comment/")
        assert response["Location"].startswith("/admin/login/?next="), role


# --- Admin actions (POST) ----------------------------------------------------


def admin_action(client, model_path, action, pks, **extra):
    return client.post(
        f"/admin/{model_path}/",
        {"action": action, "_selected_action": [str(pk) for pk in pks], **extra},
    )


@pytest.mark.parametrize("role", ROLES)
def test_comment_moderation_actions_need_the_moderate_permission(
    role_client, world, role
):
    client, _user = role_client(role)
    may = role in ("moderator", "superuser")

    for action in ("mark_approved", "mark_spam", "mark_trash", "mark_pending"):
        response = admin_action(
            client, "comments/comment", action, [world["pending"].pk]
        )
        assert response.status_code == (302 if may or role in READERS else 403)

    world["pending"].refresh_from_db()
    # The last action run sends it back to pending; anything else would show
    # in the moderation time stamp.
    assert (world["pending"].moderated_at is not None) == may


@pytest.mark.parametrize("role", ROLES)
def test_publish_and_unpublish_act_only_on_posts_one_may_edit(role_client, world, role):
    client, _user = role_client(role)
    drafts = [world["draft"].pk, world["others_draft"].pk]

    admin_action(client, "blog/post", "publish_now", drafts)

    published = set(
        Post.objects.published().filter(pk__in=drafts).values_list("title", flat=True)
    )
    expected = {
        "author": {"Writer draft"},
        "editor": {"Writer draft", "Other draft"},
        "superuser": {"Writer draft", "Other draft"},
    }
    assert published == expected.get(role, set())


@pytest.mark.parametrize("role", ROLES)
def test_deleting_comments_and_likes_from_the_admin(role_client, world, role):
    client, _user = role_client(role)

    admin_action(
        client, "comments/comment", "delete_selected", [world["spam"].pk], post="yes"
    )
    client.post(
        "/admin/comments/comment/{}/delete/".format(world["approved"].pk),
        {"post": "yes"},
    )
    client.post(f"/admin/likes/like/{world['like'].pk}/delete/", {"post": "yes"})

    comments_left = Comment.objects.filter(
        pk__in=[world["spam"].pk, world["approved"].pk]
    ).count()
    assert comments_left == (0 if role in ("moderator", "superuser") else 2)
    assert Like.objects.filter(pk=world["like"].pk).exists() == (role != "superuser")


@pytest.mark.parametrize("role", ROLES)
def test_only_superusers_change_users_and_staff_rights(role_client, world, role):
    client, _user = role_client(role)
    reader = UserFactory(username="victim")

    client.post(
        f"/admin/accounts/user/{reader.pk}/change/",
        {
            "username": "victim",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
        },
    )

    reader.refresh_from_db()
    assert reader.is_superuser == (role == "superuser")


@pytest.mark.parametrize("role", ROLES)
def test_an_author_cannot_give_a_post_to_someone_else_nor_edit_theirs(
    role_client, world, role
):
    client, user = role_client(role)
    others = world["others_post"]

    client.post(
        f"/admin/blog/post/{others.pk}/change/",
        {"title": "Defaced", "body": "x", "body_format": "markdown"},
    )

    others.refresh_from_db()
    assert others.title == "Other published"


# --- Never leaks -------------------------------------------------------------

SECRET_TEXTS = ("Held words.", "Spam words.", "Writer draft", "Other draft")


def secret_free(text: str, *, allow=()) -> list[str]:
    return [s for s in SECRET_TEXTS if s in text and s not in allow]


def leak_urls(w):
    post = w["post"]
    return [
        "/",
        "/?s=words",
        "/?s=draft",
        "/?s=held",
        post.get_absolute_url(),
        f"/{post.published_on:%Y}/",
        f"/{post.published_on:%Y/%m}/",
        "/category/news/",
        "/tag/harbour/",
        f"/author/{post.author.username}/",
        "/feed/",
        "/feed/atom/",
        f"/author/{post.author.username}/feed/",
        "/comments/feed/",
        f"{post.get_absolute_url()}feed/",
        "/sitemap.xml",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_held_spam_draft_and_scheduled_never_show_on_reader_pages(
    role_client, world, role
):
    """Even staff see the reader's view on reader pages; only the guest sees their
    own held comment, and only on the post page."""
    client, _user = role_client(role)
    scheduled = world["scheduled"]
    scheduled_url = scheduled.get_absolute_url()
    for url in leak_urls(world):
        text = client.get(url).content.decode()
        assert not secret_free(text), (role, url, secret_free(text))
        assert "Writer scheduled" not in text, (role, url)
        assert scheduled_url not in text, (role, url)


def test_a_guest_sees_only_their_own_held_comment(role_client, world):
    guest, _ = role_client("guest")
    own = guest.get(world["post"].get_absolute_url()).content.decode()
    stranger = Client().get(world["post"].get_absolute_url()).content.decode()

    assert "Guest pending words." in own
    assert "Your comment is awaiting moderation." in own
    assert "Guest pending words." not in stranger
    assert "Held words." not in own


def test_the_thoughts_heading_counts_approved_comments_only(role_client, world):
    for role in ("anonymous", "guest", "moderator"):
        client, _ = role_client(role)
        page = client.get(world["post"].get_absolute_url()).content.decode()
        assert "One thought on" in page, role


def test_json_ld_and_meta_describe_only_what_readers_see(world):
    page = Client().get(world["post"].get_absolute_url()).content.decode()
    block = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL
    )
    data = json.loads(block[1])

    assert data["headline"] == world["post"].title
    assert not secret_free(json.dumps(data))
    assert "commentCount" not in data or data["commentCount"] == 1


def test_a_post_scheduled_for_later_is_hidden_until_its_time(world):
    scheduled = world["scheduled"]
    url = scheduled.get_absolute_url()

    before = Client().get(url).status_code
    Post.objects.filter(pk=scheduled.pk).update(
        published_at=timezone.now() - dt.timedelta(minutes=1)
    )
    after = Client().get(url).status_code

    assert (before, after) == (404, 200)


def test_comments_on_unpublished_posts_never_reach_the_comments_feed(world):
    CommentFactory(post=world["draft"], body="Comment on a draft.")
    CommentFactory(post=world["scheduled"], body="Comment on a scheduled post.")

    feed = Client().get("/comments/feed/").content.decode()

    assert "Comment on a draft." not in feed
    assert "Comment on a scheduled post." not in feed


def test_unpublished_posts_take_no_comments_or_likes(world, send_comment):
    for post in (world["draft"], world["scheduled"], world["others_draft"]):
        client = Client()
        client.force_login(UserFactory(username=f"reader{post.pk}"))
        assert send_comment(Client(), post).status_code == 404
        assert client.post(reverse("likes:like", args=[post.pk])).status_code == 404
    assert not Comment.objects.filter(post__status=Post.Status.DRAFT).exists()


def test_with_the_page_cache_on_a_guest_s_held_comment_stays_theirs(
    settings, role_client, world
):
    settings.COLOPHON_PAGE_CACHE = True
    url = world["post"].get_absolute_url()
    guest, _ = role_client("guest")

    stranger_first = Client().get(url).content.decode()
    own = guest.get(url).content.decode()
    stranger_after = Client().get(url).content.decode()

    assert "Guest pending words." in own
    assert "Guest pending words." not in stranger_first
    assert "Guest pending words." not in stranger_after
