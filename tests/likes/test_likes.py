"""Likes under a post: "N bloggers like this"."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import AuthorProfile
from comments.identity import IDENTITY_SESSION_KEY
from comments.models import CommentSettings
from likes.models import Like
from tests.factories import LikeFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def like_url(post):
    return f"/likes/post/{post.pk}/"


@pytest.fixture
def reader(client):
    user = UserFactory(username="reader", email="reader@example.net")
    client.force_login(user)
    return user


def test_reader_with_an_account_likes_a_post(client, post, reader):
    response = client.post(like_url(post), {"action": "like"})

    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#likes"
    assert Like.objects.get().user == reader


def test_liking_twice_keeps_one_like(client, post, reader):
    client.post(like_url(post), {"action": "like"})
    client.post(like_url(post), {"action": "like"})

    assert Like.objects.count() == 1


def test_clicking_again_unlikes(client, post, reader):
    client.post(like_url(post), {"action": "like"})
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'name="action" value="unlike"' in page
    assert 'aria-pressed="true"' in page

    client.post(like_url(post), {"action": "unlike"})

    assert not Like.objects.exists()


def test_no_javascript_form_is_on_the_page(post):
    page = Client().get(post.get_absolute_url()).content.decode()

    assert f'action="/likes/post/{post.pk}/"' in page
    assert 'aria-pressed="false"' in page


def test_json_answer_carries_the_new_count_and_block(client, post, reader):
    LikeFactory(post=post)

    response = client.post(
        like_url(post), {"action": "like"}, HTTP_ACCEPT="application/json"
    )

    data = response.json()
    assert (data["liked"], data["count"]) == (True, 2)
    assert "2 bloggers like this:" in data["html"]
    assert 'aria-pressed="true"' in data["html"]


def test_anonymous_like_offers_identity_choices_and_returns_with_the_like_done(
    client, post
):
    response = client.post(like_url(post), {"action": "like"})
    assert response["Location"] == f"/likes/post/{post.pk}/log-in/"
    choices = client.get(response["Location"]).content.decode()
    assert "Log in to like this post" in choices

    user = UserFactory(username="newcomer")
    client.force_login(user)
    done = client.get(f"/likes/post/{post.pk}/done/")

    assert done["Location"] == f"{post.get_absolute_url()}#likes"
    assert Like.objects.get().user == user


def test_returning_without_an_earlier_click_likes_nothing(client, post, reader):
    client.get(f"/likes/post/{post.pk}/done/")

    assert not Like.objects.exists()


def test_anonymous_json_like_answers_401_with_where_to_log_in(client, post):
    response = client.post(
        like_url(post), {"action": "like"}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 401
    assert response.json()["login_url"] == f"/likes/post/{post.pk}/log-in/"


def test_network_identity_likes_as_itself(client, post, reader):
    session = client.session
    session[IDENTITY_SESSION_KEY] = {
        "kind": "twitter",
        "uid": "4242",
        "name": "Tess",
        "url": "https://x.com/tess",
        "avatar_url": "https://pbs.example/tess.jpg",
    }
    session.save()

    client.post(like_url(post), {"action": "like"})

    like = Like.objects.get()
    assert (like.identity_key, like.profile_url) == (
        "twitter:4242",
        "https://x.com/tess",
    )
    page = Client().get(post.get_absolute_url()).content.decode()
    assert 'href="https://x.com/tess"' in page
    assert 'src="https://pbs.example/tess.jpg"' in page


@pytest.mark.parametrize(
    "likes, wording",
    [
        (0, "Be the first to like this."),
        (1, "One blogger likes this."),
        (3, "3 bloggers like this:"),
    ],
)
def test_wording_for_zero_one_and_many(post, likes, wording):
    LikeFactory.create_batch(likes, post=post)

    assert wording in Client().get(post.get_absolute_url()).content.decode()


def test_a_likers_avatar_follows_the_avatar_setting(post):
    LikeFactory(post=post, user=UserFactory(email="liker@example.net"))
    assert (
        "gravatar.com/avatar/" in Client().get(post.get_absolute_url()).content.decode()
    )

    discussion = CommentSettings.load()
    discussion.external_avatars = False
    discussion.save()
    page = Client().get(post.get_absolute_url()).content.decode()

    assert "gravatar.com/avatar/" not in page
    assert "/comments/avatar/" in page


def test_an_author_liker_links_to_their_website(post):
    author = UserFactory(username="ada")
    AuthorProfile.objects.update_or_create(
        user=author, defaults={"website": "https://ada.example/"}
    )
    LikeFactory(post=post, user=author)

    page = Client().get(post.get_absolute_url()).content.decode()

    assert 'href="https://ada.example/" rel="nofollow ugc noopener" title="ada"' in page


def test_most_recent_likers_shown_and_the_rest_counted(post):
    LikeFactory.create_batch(13, post=post)

    page = Client().get(post.get_absolute_url()).content.decode()

    assert page.count('class="avatar rounded-circle"') == 10
    assert "and 3 more" in page


def test_likes_off_hides_the_block_and_refuses_likes(client, author, reader):
    post = PostFactory(author=author, likes_enabled=False)

    page = client.get(post.get_absolute_url()).content.decode()

    assert 'id="likes"' not in page
    assert client.post(like_url(post), {"action": "like"}).status_code == 404


def test_unpublished_post_cannot_be_liked(client, author, reader):
    draft = PostFactory(author=author, draft=True)

    assert client.post(like_url(draft), {"action": "like"}).status_code == 404


def test_like_needs_post(client, post, reader):
    assert client.get(like_url(post)).status_code == 405


def test_one_readers_liked_state_is_not_shown_to_another(client, post, reader):
    client.post(like_url(post), {"action": "like"})

    other = Client()
    other.force_login(UserFactory(username="other"))
    page = other.get(post.get_absolute_url()).content.decode()

    assert 'aria-pressed="false"' in page


def test_post_page_query_count_is_fixed_whatever_the_number_of_likes(post):
    reader = Client()

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert reader.get(post.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    count()  # warm the per-process caches (site, settings)
    baseline = count()
    LikeFactory.create_batch(40, post=post)
    assert count() == baseline


def test_likes_are_listed_in_the_admin(client, post, superuser):
    LikeFactory(post=post, name="liker-one")
    client.force_login(superuser)

    page = client.get("/admin/likes/like/").content.decode()

    assert "liker-one" in page


def test_authors_see_comment_and_like_counts_in_their_post_list(client, post, author):
    LikeFactory.create_batch(3, post=post)
    from tests.factories import CommentFactory

    CommentFactory.create_batch(2, post=post)
    CommentFactory(post=post, pending=True)
    client.force_login(author)

    response = client.get("/admin/blog/post/")

    result = response.context["cl"].result_list[0]
    assert (result.approved_comments, result.like_total) == (2, 3)
    assert "column-like_count" in response.content.decode()
