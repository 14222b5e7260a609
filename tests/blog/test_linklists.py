import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from blog.models import Link, LinkList, Post
from tests.factories import LinkFactory, LinkListFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_list(post):
    return LinkListFactory(post=post, heading="Additional reading")


@pytest.fixture
def earlier(author):
    return PostFactory(
        author=author,
        title="What happened on Monday",
        published_at=timezone.now() - dt.timedelta(days=3),
    )


def test_an_internal_link_shows_its_posts_title_and_address(link_list, earlier):
    link = LinkFactory(link_list=link_list, internal=True, target_post=earlier)

    assert link.is_internal
    assert link.display_title == "What happened on Monday"
    assert str(link) == "What happened on Monday"
    assert link.href == earlier.get_absolute_url()


def test_an_internal_link_follows_its_post_when_it_is_renamed(link_list, earlier):
    link = LinkFactory(link_list=link_list, internal=True, target_post=earlier)

    earlier.title = "What really happened on Monday"
    earlier.slug = "what-really-happened"
    earlier.save()

    link = Link.objects.select_related("target_post").get(pk=link.pk)
    assert link.display_title == "What really happened on Monday"
    assert link.href.endswith("/what-really-happened/")
    assert link.href == earlier.get_absolute_url()


def test_an_external_link_shows_its_own_title_and_url(link_list):
    link = LinkFactory(
        link_list=link_list,
        url="https://news.example.com/a?b=c",
        title="«Кто виноват?» — a story",
    )

    assert not link.is_internal
    assert link.display_title == "«Кто виноват?» — a story"
    assert link.href == "https://news.example.com/a?b=c"
    assert link.is_visible


def test_an_internal_link_is_hidden_while_its_post_is_a_draft(link_list, author):
    draft = PostFactory(author=author, draft=True)
    link = LinkFactory(link_list=link_list, internal=True, target_post=draft)

    assert not link.is_visible

    draft.status = Post.Status.PUBLISHED
    draft.save()
    assert Link.objects.get(pk=link.pk).is_visible


def test_an_internal_link_is_hidden_until_its_scheduled_post_is_out(link_list, author):
    scheduled = PostFactory(author=author, scheduled=True)
    link = LinkFactory(link_list=link_list, internal=True, target_post=scheduled)

    assert not link.is_visible


def test_deleting_the_target_post_removes_the_link(link_list, earlier):
    link = LinkFactory(link_list=link_list, internal=True, target_post=earlier)

    earlier.delete()

    assert not Link.objects.filter(pk=link.pk).exists()
    assert LinkList.objects.filter(pk=link_list.pk).exists()


def _code(error: ValidationError) -> str:
    """The code of the only error, whether it belongs to a field or not."""
    (only,) = (
        error.error_list
        if not hasattr(error, "error_dict")
        else [
            field_error
            for errors in error.error_dict.values()
            for field_error in errors
        ]
    )
    return only.code


def test_clean_refuses_a_link_with_both_a_post_and_a_url(link_list, earlier):
    link = Link(
        link_list=link_list, target_post=earlier, url="https://e.example/", title="x"
    )

    with pytest.raises(ValidationError) as caught:
        link.clean()

    assert _code(caught.value) == "link_both"


def test_clean_refuses_a_link_with_neither(link_list):
    link = Link(link_list=link_list, title="Orphan")

    with pytest.raises(ValidationError) as caught:
        link.clean()

    assert _code(caught.value) == "link_none"


def test_clean_wants_a_title_for_an_external_link(link_list):
    link = Link(link_list=link_list, url="https://e.example/", title="   ")

    with pytest.raises(ValidationError) as caught:
        link.clean()

    assert _code(caught.value) == "link_title"
    assert list(caught.value.message_dict) == ["title"]


def test_clean_accepts_each_kind_of_link(link_list, earlier):
    Link(link_list=link_list, target_post=earlier).clean()
    Link(link_list=link_list, url="https://e.example/", title="Story").clean()


def test_full_clean_reports_the_database_rule_too(link_list):
    link = Link(link_list=link_list, position=0)

    with pytest.raises(ValidationError):
        link.full_clean()


@pytest.mark.parametrize("kind", ["both", "neither"])
def test_the_database_refuses_a_link_with_both_or_neither(link_list, earlier, kind):
    fields = (
        {"target_post": earlier, "url": "https://e.example/", "title": "x"}
        if kind == "both"
        else {"title": "x"}
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(link_list=link_list, **fields)

    assert not Link.objects.exists()


def test_links_and_lists_keep_their_order(post):
    second = LinkListFactory(post=post, position=2, heading="Later")
    first = LinkListFactory(post=post, position=1, heading="")
    for position, name in [(3, "c"), (1, "a"), (2, "b")]:
        LinkFactory(
            link_list=first, position=position, title=name, url=f"https://e/{name}"
        )

    assert list(post.link_lists.all()) == [first, second]
    assert [link.title for link in first.links.all()] == ["a", "b", "c"]


def test_a_link_list_is_named_by_heading_or_lead_in(post):
    assert str(LinkListFactory(post=post, heading="Additional reading")) == (
        "Additional reading"
    )
    assert str(LinkListFactory(post=post, lead_in="Read more about it")) == (
        "Read more about it"
    )
    assert str(LinkListFactory(post=post)) == "Links"
