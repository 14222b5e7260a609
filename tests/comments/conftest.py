import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.forms import security_token
from tests.factories import UserFactory


@pytest.fixture
def moderator(db):
    user = UserFactory(username="mod", email="mod@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


@pytest.fixture
def comment_data():
    """Form data for a guest comment on `post`, with a valid security token."""

    def make(post, **overrides):
        data = {
            "comment": "What a thoughtful post.",
            "name": "Grace Guest",
            "email": "grace@example.net",
            "url": "",
            "security": security_token(post.pk),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return make


@pytest.fixture
def post_comment(client, comment_data):
    """POST a comment as a browser would; returns the response (not followed)."""

    def send(post, follow=False, client=client, **overrides):
        return client.post(
            reverse("comments:submit", args=[post.pk]),
            comment_data(post, **overrides),
            follow=follow,
            HTTP_USER_AGENT="Mozilla/5.0 (tests)",
        )

    return send
