import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuthorProfile
from tests.factories import AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILES = reverse("admin:accounts_authorprofile_changelist")


def profile_url(user):
    return reverse("admin:accounts_authorprofile_change", args=[user.profile.pk])


def profile_form(**fields):
    return {
        "display_name": "Alice A.",
        "bio": "Writes.\n\nПишет.",
        "website": "https://alice.example.org/",
        **fields,
    }


def upload(name, fmt, size=(40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def other_author(db):
    return AuthorFactory(username="bob")


def test_author_sees_only_own_profile_in_the_list(client, author, other_author):
    client.force_login(author)

    response = client.get(PROFILES)

    assert author.profile.display_name in response.text
    assert other_author.profile.display_name not in response.text


def test_author_cannot_open_another_authors_profile(client, author, other_author):
    client.force_login(author)

    response = client.get(profile_url(other_author))

    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")


def test_author_edits_own_profile(client, author):
    client.force_login(author)

    response = client.post(profile_url(author), profile_form(display_name="Alice"))

    assert response.status_code == 302
    author.profile.refresh_from_db()
    assert author.profile.display_name == "Alice"


def test_author_cannot_move_own_profile_to_another_user(client, author, other_author):
    client.force_login(author)

    client.post(profile_url(author), profile_form(user=other_author.pk))

    assert AuthorProfile.objects.get(pk=author.profile.pk).user == author


def test_avatar_upload_is_saved(client, author):
    client.force_login(author)

    client.post(profile_url(author), profile_form(avatar=upload("me.png", "PNG")))

    author.profile.refresh_from_db()
    assert author.profile.avatar.name.startswith("avatars/me")


def test_avatar_in_an_unserved_format_is_refused_with_a_clear_error(client, author):
    client.force_login(author)

    response = client.post(
        profile_url(author), profile_form(avatar=upload("me.bmp", "BMP"))
    )

    assert response.status_code == 200
    assert "Use a JPEG, PNG, GIF or WebP image." in response.text


def test_avatar_too_large_is_refused_with_a_clear_error(client, author, settings):
    settings.COLOPHON_MAX_IMAGE_BYTES = 200
    client.force_login(author)

    response = client.post(
        profile_url(author), profile_form(avatar=upload("me.png", "PNG", (300, 300)))
    )

    assert response.status_code == 200
    assert "The image is too large" in response.text


def test_superuser_edits_a_profile_on_the_user_page(client, superuser, author):
    client.force_login(superuser)

    response = client.get(reverse("admin:accounts_user_change", args=[author.pk]))

    assert 'name="profile-0-display_name"' in response.text


def test_author_cannot_open_the_user_admin(client, author):
    client.force_login(author)

    response = client.get(reverse("admin:accounts_user_changelist"))

    assert response.status_code == 403


def test_staff_user_without_a_role_sees_no_profiles(client):
    nobody = UserFactory(username="nobody", staff=True)
    client.force_login(nobody)

    response = client.get(PROFILES)

    assert response.status_code == 403


def test_author_without_a_profile_creates_their_own(client, other_author):
    newcomer = UserFactory(username="carol", staff=True, groups=["Author"])
    client.force_login(newcomer)

    client.post(
        reverse("admin:accounts_authorprofile_add"),
        profile_form(display_name="Carol", user=other_author.pk),
    )

    assert AuthorProfile.objects.get(display_name="Carol").user == newcomer


def test_author_with_a_profile_cannot_add_another(client, author):
    client.force_login(author)

    response = client.get(reverse("admin:accounts_authorprofile_add"))

    assert response.status_code == 403
