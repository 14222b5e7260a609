import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuthorProfile
from tests.conftest import image_bytes
from tests.factories import AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = "/profile/"


def form_data(**overrides):
    return {
        "display_name": "Alice Liddell",
        "bio": "First paragraph.\n\nSecond paragraph.",
        "website": "https://alice.example.org/",
        **overrides,
    }


def test_profile_url_is_in_the_accounts_namespace():
    assert reverse("accounts:profile") == PROFILE_URL


def test_profile_page_needs_a_login(client, db):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PROFILE_URL}"


def test_profile_page_shows_a_form_with_the_current_values(client, author):
    client.force_login(author)

    response = client.get(PROFILE_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert f'value="{author.profile.display_name}"' in html
    assert 'name="avatar"' in html


def test_profile_is_created_for_a_user_without_one(client, db):
    user = UserFactory(username="newcomer")
    client.force_login(user)

    response = client.get(PROFILE_URL)

    assert response.status_code == 200
    assert AuthorProfile.objects.filter(user=user).exists()


def test_author_edits_their_own_profile(client, author):
    other = AuthorFactory(username="bob")
    client.force_login(author)

    response = client.post(PROFILE_URL, form_data(), follow=True)

    author.profile.refresh_from_db()
    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert author.profile.display_name == "Alice Liddell"
    assert author.profile.bio == "First paragraph.\n\nSecond paragraph."
    assert author.profile.website == "https://alice.example.org/"
    assert AuthorProfile.objects.get(user=other).display_name != "Alice Liddell"
    assert "Your profile has been saved." in response.content.decode()


def test_uploaded_avatar_is_saved_with_a_small_rendition(
    client, author, django_capture_on_commit_callbacks
):
    client.force_login(author)
    avatar = SimpleUploadedFile("me.png", image_bytes(size=(400, 300)), "image/png")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PROFILE_URL, form_data(avatar=avatar))

    profile = AuthorProfile.objects.get(user=author)
    assert profile.avatar.name.startswith("avatars/me")
    assert profile.avatar_small.name.startswith("avatars/small/")


def test_a_file_that_is_not_an_image_is_refused_and_typed_values_kept(client, author):
    client.force_login(author)
    bad = SimpleUploadedFile("me.png", b"not an image at all", "image/png")

    response = client.post(
        PROFILE_URL, form_data(display_name="Typed name", avatar=bad)
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "avatar" in response.context["form"].errors
    assert 'value="Typed name"' in html
    assert "First paragraph." in html
    assert 'class="invalid-feedback' in html
    author.profile.refresh_from_db()
    assert author.profile.display_name != "Typed name"


def test_an_avatar_over_the_size_limit_gets_the_models_error(client, author, settings):
    settings.COLOPHON_MAX_IMAGE_BYTES = 100
    client.force_login(author)
    big = SimpleUploadedFile("big.png", image_bytes(size=(300, 300)), "image/png")

    response = client.post(PROFILE_URL, form_data(avatar=big))

    errors = response.context["form"].errors["avatar"]
    assert any("too large" in error for error in errors)


def test_an_invalid_website_is_a_field_error(client, author):
    client.force_login(author)

    response = client.post(PROFILE_URL, form_data(website="not a url"))

    assert "website" in response.context["form"].errors
