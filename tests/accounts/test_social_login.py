"""Commenting as a Twitter or Facebook identity: the whole OAuth2 round trip.

Only the HTTP boundary is fake: `responses` answers the networks' token and profile
endpoints with the JSON shapes allauth's adapters read, so everything from the
comment form's identity button to the stored comment runs for real.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.facebook.constants import GRAPH_API_URL
from allauth.socialaccount.providers.twitter_oauth2.views import TwitterOAuth2Adapter
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.test import Client

from comments import services
from comments.forms import security_token
from comments.identity import IDENTITY_SESSION_KEY
from comments.models import Comment, CommentSettings
from config.env import social_providers
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

TWITTER_TOKEN_URL = TwitterOAuth2Adapter.access_token_url
TWITTER_PROFILE_URL = TwitterOAuth2Adapter.profile_url
FACEBOOK_TOKEN_URL = f"{GRAPH_API_URL}/oauth/access_token"
FACEBOOK_PROFILE_URL = f"{GRAPH_API_URL}/me"

ADA = {
    "id": "1234567890",
    "name": "Ada Lovelace",
    "username": "ada_l",
    "profile_image_url": "https://pbs.twimg.com/profile_images/1/ada_normal.jpg",
    "verified": False,
    "created_at": "2010-03-01T12:00:00.000Z",
}
FRANK = {
    "id": "10150000000000001",
    "name": "Frank Fisher",
    "link": "https://www.facebook.com/frank.fisher",
    "picture": {
        "data": {
            "height": 50,
            "width": 50,
            "is_silhouette": False,
            "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1",
        }
    },
}
NETWORKS = {
    "twitter_oauth2": {
        "authorize": "https://x.com/i/oauth2/authorize",
        "token": TWITTER_TOKEN_URL,
        "profile": TWITTER_PROFILE_URL,
    },
    "facebook": {
        "authorize": "https://www.facebook.com/",
        "token": FACEBOOK_TOKEN_URL,
        "profile": FACEBOOK_PROFILE_URL,
    },
}


def profile_body(provider_id: str, profile: dict) -> dict:
    """The profile endpoint's JSON: X wraps the user in "data", Facebook does not."""
    return {"data": profile} if provider_id == "twitter_oauth2" else profile


@pytest.fixture
def twitter_app(settings):
    """Twitter configured the way the environment variables do it."""
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(
        {"TWITTER_CLIENT_ID": "tw-client", "TWITTER_CLIENT_SECRET": "tw-secret"}
    )


@pytest.fixture
def facebook_app(settings):
    """Facebook configured the other way: a Social application row in the admin."""
    settings.SOCIALACCOUNT_PROVIDERS = social_providers({})
    app = SocialApp.objects.create(
        provider="facebook", name="Facebook", client_id="fb-app", secret="fb-secret"
    )
    app.sites.add(Site.objects.get_current())
    return app


@pytest.fixture
def both_networks(settings, facebook_app):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(
        {"TWITTER_CLIENT_ID": "tw-client", "TWITTER_CLIENT_SECRET": "tw-secret"}
    )


@pytest.fixture
def parent(post):
    return CommentFactory(post=post, author_name="Pat Parent")


def connect(client, post, provider_id, **draft):
    """Click an identity icon inside the comment form (the form's fields go along)."""
    data = {"comment": "", "parent": "", "security": security_token(post.pk), **draft}
    return client.post(f"/comments/post/{post.pk}/connect/{provider_id}/", data)


def state_from(response) -> str:
    return parse_qs(urlsplit(response["Location"]).query)["state"][0]


def callback(client, provider_id, **params):
    return client.get(f"/accounts/{provider_id}/login/callback/", params)


def log_in(client, post, provider_id, profile, **draft):
    """The whole round trip with the network answering as `profile` would."""
    state = state_from(connect(client, post, provider_id, **draft))
    urls = NETWORKS[provider_id]
    with responses.RequestsMock() as network:
        network.add(
            responses.POST if provider_id == "twitter_oauth2" else responses.GET,
            urls["token"],
            json={"access_token": "network-token", "token_type": "bearer"},
        )
        network.get(urls["profile"], json=profile_body(provider_id, profile))
        return callback(client, provider_id, code="network-code", state=state)


def post_comment(client, post, text, parent=None):
    return client.post(
        f"/comments/post/{post.pk}/",
        {
            "comment": text,
            "parent": parent.pk if parent else "",
            "security": security_token(post.pk),
        },
        HTTP_USER_AGENT="Mozilla/5.0 (tests)",
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def respond_url(post) -> str:
    return f"{post.get_absolute_url()}#respond"


def test_twitter_round_trip_keeps_the_draft_and_comments_as_twitter(
    client, post, parent, twitter_app
):
    started = connect(
        client,
        post,
        "twitter_oauth2",
        comment="Typed before logging in.",
        parent=parent.pk,
    )

    assert started.status_code == 302
    authorize = urlsplit(started["Location"])
    query = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == (
        "https://x.com/i/oauth2/authorize"
    )
    assert query["client_id"] == ["tw-client"]
    assert query["redirect_uri"] == [
        "http://testserver/accounts/twitter_oauth2/login/callback/"
    ]
    assert query["state"][0]

    with responses.RequestsMock() as network:
        token = network.post(
            TWITTER_TOKEN_URL,
            json={
                "access_token": "tw-token",
                "token_type": "bearer",
                "expires_in": 7200,
            },
        )
        network.get(TWITTER_PROFILE_URL, json={"data": ADA})
        back = callback(client, "twitter_oauth2", code="x", state=query["state"][0])

    assert back.status_code == 302
    assert back["Location"] == respond_url(post)
    # X wants HTTP Basic client authentication and the PKCE verifier.
    assert token.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert "code_verifier=" in token.calls[0].request.body

    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your Twitter account." in page
    assert '<strong class="identity-name">Ada Lovelace</strong>' in page
    assert f'src="{ADA["profile_image_url"]}"' in page
    assert "Typed before logging in.</textarea>" in page
    assert f'name="parent" value="{parent.pk}"' in page
    assert "Reply to Pat Parent" in page
    assert 'name="email"' not in page

    response = post_comment(client, post, "Typed before logging in.", parent=parent)

    comment = Comment.objects.get(parent=parent)
    user = comment.user
    assert response.status_code == 302
    assert (
        comment.identity_kind,
        comment.network_uid,
        comment.author_name,
        comment.author_url,
        comment.avatar_url,
        comment.author_email,
    ) == (
        "twitter",
        ADA["id"],
        "Ada Lovelace",
        "https://x.com/ada_l",
        ADA["profile_image_url"],
        "",
    )
    assert comment.status == Comment.Status.PENDING
    assert user is not None and not user.is_staff and not user.is_superuser
    assert SocialAccount.objects.get(user=user).uid == ADA["id"]

    services.set_comment_status(
        comments=[comment], status=Comment.Status.APPROVED, by=None
    )
    public = Client().get(post.get_absolute_url()).content.decode()
    assert f'src="{ADA["profile_image_url"]}"' in public
    assert (
        '<a href="https://x.com/ada_l" rel="external nofollow ugc noopener">'
        "Ada Lovelace</a>" in public
    )


def test_facebook_round_trip_comments_as_facebook(client, post, facebook_app):
    back = log_in(client, post, "facebook", FRANK, comment="Hello from Facebook.")

    assert back["Location"] == respond_url(post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your Facebook account." in page
    assert "Frank Fisher" in page
    assert "Hello from Facebook.</textarea>" in page

    post_comment(client, post, "Hello from Facebook.")

    comment = Comment.objects.get()
    assert (
        comment.identity_kind,
        comment.network_uid,
        comment.author_name,
        comment.author_url,
        comment.avatar_url,
    ) == (
        "facebook",
        FRANK["id"],
        "Frank Fisher",
        FRANK["link"],
        FRANK["picture"]["data"]["url"],
    )
    assert not comment.user.is_staff


def test_a_network_configured_in_the_environment_and_the_admin_logs_in_with_one(
    client, post, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers(
        {"FACEBOOK_APP_ID": "fb-env", "FACEBOOK_APP_SECRET": "fb-env-secret"}
    )
    app = SocialApp.objects.create(
        provider="facebook", name="Facebook", client_id="fb-app", secret="fb-secret"
    )
    app.sites.add(Site.objects.get_current())

    started = connect(client, post, "facebook")
    back = log_in(client, post, "facebook", FRANK, comment="Both ways.")

    # The admin's application is the one used, from the first redirect on.
    assert parse_qs(urlsplit(started["Location"]).query)["client_id"] == ["fb-app"]
    assert back.status_code == 302
    assert back["Location"] == respond_url(post)
    assert logged_in(client)


def test_facebook_is_asked_for_the_profile_fields_the_comment_needs(
    client, post, facebook_app
):
    state = state_from(connect(client, post, "facebook"))
    with responses.RequestsMock() as network:
        network.get(FACEBOOK_TOKEN_URL, json={"access_token": "t"})
        profile = network.get(FACEBOOK_PROFILE_URL, json=FRANK)
        callback(client, "facebook", code="x", state=state)

    asked = parse_qs(urlsplit(profile.calls[0].request.url).query)
    assert set(asked["fields"][0].split(",")) == {"id", "name", "link", "picture"}


@pytest.mark.parametrize("provider_id", ["twitter_oauth2", "facebook"])
def test_each_configured_network_shows_its_icon_and_connecting_label(
    client, post, both_networks, provider_id
):
    page = client.get(post.get_absolute_url()).content.decode()

    name = {"twitter_oauth2": "Twitter", "facebook": "Facebook"}[provider_id]
    assert f"/comments/post/{post.pk}/connect/{provider_id}/" in page
    assert f'data-connecting="Connecting to {name}"' in page


@pytest.mark.parametrize(
    ("provider_id", "params"),
    [
        ("twitter_oauth2", {"error": "access_denied"}),
        (
            "facebook",
            {
                "error": "access_denied",
                "error_code": "200",
                "error_reason": "user_denied",
                "error_description": "Permissions error",
            },
        ),
    ],
)
def test_cancelling_at_the_network_returns_to_the_form_with_the_draft(
    client, post, parent, both_networks, provider_id, params
):
    state = state_from(
        connect(client, post, provider_id, comment="Still mine.", parent=parent.pk)
    )

    response = callback(client, provider_id, state=state, **params)

    assert response.status_code == 302
    assert response["Location"] == respond_url(post)
    page = client.get(post.get_absolute_url()).content.decode()
    name = {"twitter_oauth2": "Twitter", "facebook": "Facebook"}[provider_id]
    assert f"You cancelled the log-in with {name}." in page
    assert "Still mine.</textarea>" in page
    assert f'name="parent" value="{parent.pk}"' in page
    assert not logged_in(client)


def test_a_network_refusing_the_profile_says_permission_was_not_given(
    client, post, twitter_app
):
    state = state_from(connect(client, post, "twitter_oauth2", comment="Kept."))
    with responses.RequestsMock() as network:
        network.post(TWITTER_TOKEN_URL, json={"access_token": "t"})
        network.get(
            TWITTER_PROFILE_URL,
            status=403,
            json={"title": "Forbidden", "detail": "users.read scope missing"},
        )
        response = callback(client, "twitter_oauth2", code="x", state=state)

    assert response["Location"] == respond_url(post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Twitter did not give permission to log in." in page
    assert "Kept.</textarea>" in page
    assert not logged_in(client)


def test_a_wrong_state_logs_nobody_in_and_keeps_the_draft(client, post, twitter_app):
    connect(client, post, "twitter_oauth2", comment="Not lost.")

    with responses.RequestsMock() as network:
        response = callback(
            client, "twitter_oauth2", code="stolen-code", state="forged-state"
        )
        assert len(network.calls) == 0

    assert response.status_code == 302
    assert response["Location"] == respond_url(post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Could not connect to Twitter" in page
    assert "Not lost.</textarea>" in page
    assert not logged_in(client)
    assert not SocialAccount.objects.exists()


def test_a_callback_without_any_log_in_started_goes_home(client, twitter_app):
    response = callback(client, "twitter_oauth2", code="x", state="whatever")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not logged_in(client)


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "body": "Internal Server Error"},
        {"body": requests.ConnectionError("connection refused")},
        {"body": requests.Timeout("read timed out")},
        {"status": 400, "json": {"error": "invalid_grant"}},
    ],
    ids=["server-error", "connection-error", "timeout", "bad-code"],
)
def test_a_network_failure_returns_to_the_form_with_a_message(
    client, post, twitter_app, failure
):
    state = state_from(connect(client, post, "twitter_oauth2", comment="Saved text."))

    with responses.RequestsMock() as network:
        network.post(TWITTER_TOKEN_URL, **failure)
        response = callback(client, "twitter_oauth2", code="x", state=state)

    assert response["Location"] == respond_url(post)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Could not connect to Twitter" in page
    assert "Saved text.</textarea>" in page
    assert not logged_in(client)


def test_a_network_that_is_not_configured_has_no_icon_and_no_door(
    client, post, settings
):
    settings.SOCIALACCOUNT_PROVIDERS = social_providers({})

    page = client.get(post.get_absolute_url()).content.decode()

    assert "connect/twitter_oauth2/" not in page
    assert "connect/facebook/" not in page
    assert "Connecting to Twitter" not in page
    for provider_id in ("twitter_oauth2", "facebook", "github", "local2"):
        assert connect(client, post, provider_id).status_code == 404
        # allauth's own addresses for the network are not there either.
        assert client.get(f"/accounts/{provider_id}/login/").status_code == 404
    assert callback(client, "twitter_oauth2", code="x", state="y").status_code == 404


def test_a_network_email_matching_a_staff_user_never_reaches_that_user(
    client, post, facebook_app, settings, mailoutbox
):
    staff = UserFactory(username="editor", email="editor@example.com", staff=True)
    EmailAddress.objects.create(
        user=staff, email=staff.email, verified=True, primary=True
    )
    # The worst case: the operator also trusts Facebook's emails.
    settings.SOCIALACCOUNT_PROVIDERS = {
        "facebook": {
            **social_providers({})["facebook"],
            "VERIFIED_EMAIL": True,
            "EMAIL_AUTHENTICATION": True,
            "EMAIL_AUTHENTICATION_AUTO_CONNECT": True,
        }
    }

    response = log_in(
        client, post, "facebook", {**FRANK, "email": "Editor@Example.com"}
    )

    assert response["Location"] == respond_url(post)
    user_id = int(client.session["_auth_user_id"])
    assert user_id != staff.pk
    newcomer = get_user_model().objects.get(pk=user_id)
    assert (newcomer.is_staff, newcomer.is_superuser, newcomer.email) == (
        False,
        False,
        "",
    )
    assert not EmailAddress.objects.filter(user=newcomer).exists()
    assert SocialAccount.objects.get().user == newcomer
    assert not SocialAccount.objects.filter(user=staff).exists()
    assert mailoutbox == []


def test_a_staff_account_cannot_be_entered_through_a_network(client, post, twitter_app):
    staff = UserFactory(username="boss", staff=True)
    SocialAccount.objects.create(
        user=staff, provider="twitter_oauth2", uid=ADA["id"], extra_data=ADA
    )

    response = log_in(client, post, "twitter_oauth2", ADA, comment="Hi.")

    assert response["Location"] == respond_url(post)
    assert not logged_in(client)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "cannot be used with a staff account" in page
    assert "Hi.</textarea>" in page


def test_a_network_cannot_be_attached_to_a_staff_account(client, twitter_app):
    staff = UserFactory(username="boss", staff=True)
    client.force_login(staff)

    started = client.post(
        "/accounts/twitter_oauth2/login/", {"process": "connect", "next": "/"}
    )
    with responses.RequestsMock() as network:
        network.post(TWITTER_TOKEN_URL, json={"access_token": "t"})
        network.get(TWITTER_PROFILE_URL, json={"data": ADA})
        callback(client, "twitter_oauth2", code="x", state=state_from(started))

    assert not SocialAccount.objects.exists()


def test_approval_is_remembered_per_network_identity(client, post, twitter_app):
    CommentSettings.objects.update_or_create(pk=1, defaults={"flood_seconds": 0})
    log_in(client, post, "twitter_oauth2", ADA)
    post_comment(client, post, "My first comment.")
    first = Comment.objects.get()
    assert first.status == Comment.Status.PENDING
    services.set_comment_status(
        comments=[first], status=Comment.Status.APPROVED, by=None
    )

    returning = Client()
    log_in(returning, post, "twitter_oauth2", {**ADA, "name": "Ada L."})
    post_comment(returning, post, "Back again.")
    stranger = Client()
    log_in(stranger, post, "twitter_oauth2", {**ADA, "id": "999", "username": "other"})
    post_comment(stranger, post, "Someone else, same name.")

    assert Comment.objects.get(body="Back again.").status == Comment.Status.APPROVED
    assert Comment.objects.get(body="Back again.").author_name == "Ada L."
    assert (
        Comment.objects.get(body="Someone else, same name.").status
        == Comment.Status.PENDING
    )
    assert get_user_model().objects.filter(socialaccount__isnull=False).count() == 2


def test_no_network_avatar_is_shown_when_external_avatars_are_off(
    client, post, twitter_app
):
    CommentSettings.objects.update_or_create(pk=1, defaults={"external_avatars": False})
    log_in(client, post, "twitter_oauth2", ADA)

    page = client.get(post.get_absolute_url()).content.decode()

    assert "You are commenting using your Twitter account." in page
    assert "pbs.twimg.com" not in page


def test_log_out_returns_to_the_guest_form(client, post, twitter_app):
    log_in(client, post, "twitter_oauth2", ADA)
    assert client.session[IDENTITY_SESSION_KEY]["kind"] == "twitter"

    response = client.post("/accounts/logout/", {"next": respond_url(post)})

    assert response.status_code == 302
    assert response["Location"] == respond_url(post)
    assert not logged_in(client)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using" not in page
    assert 'name="name"' in page and 'name="email"' in page
    assert "connect/twitter_oauth2/" in page


def test_a_local_log_in_after_a_network_one_comments_as_the_local_account(
    client, post, twitter_app
):
    log_in(client, post, "twitter_oauth2", ADA)
    client.post("/accounts/logout/")
    local = UserFactory(username="lena", email="lena@example.com")
    EmailAddress.objects.create(user=local, email=local.email, verified=True)

    client.post(
        "/accounts/login/",
        {"login": "lena", "password": "correct horse battery staple"},
    )

    page = client.get(post.get_absolute_url()).content.decode()
    assert "You are commenting using your Colophon account." in page
    assert IDENTITY_SESSION_KEY not in client.session
