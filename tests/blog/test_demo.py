import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from taggit.models import Tag

from accounts.models import AuthorProfile
from blog import demo
from blog.models import Category, Link, LinkList, Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            get_user_model(),
            AuthorProfile,
            Category,
            Tag,
            Post,
            LinkList,
            Link,
        )
    }


@pytest.fixture
def loaded(db):
    call_command("load_demo")


def test_loading_twice_changes_nothing(loaded):
    before = counts()

    call_command("load_demo")

    assert counts() == before


def test_loads_the_promised_amounts(loaded):
    assert counts() == {
        "User": 2,
        "AuthorProfile": 2,
        "Category": 3,
        "Tag": 10,
        "Post": len(demo.POSTS) + 1,
        "LinkList": 4,
        "Link": 1 + 8 + 57 + 63,
    }


def test_if_empty_does_nothing_when_a_post_exists(author):
    PostFactory(author=author)

    call_command("load_demo", "--if-empty")

    assert Post.objects.count() == 1


def test_if_empty_loads_an_empty_blog(db):
    call_command("load_demo", "--if-empty")

    assert Post.objects.filter(slug=demo.LONG_READ_SLUG).exists()


def test_long_read_has_the_reference_lists(loaded):
    post = Post.objects.get(slug=demo.LONG_READ_SLUG)

    lists = [
        (link_list.heading, link_list.lead_in, link_list.links.count())
        for link_list in post.link_lists.all()
    ]

    assert lists == [
        ("", "Read more about what happened in the previous days", 1),
        ("", "", 8),
        ("Additional reading", "", 57),
        ("Elsewhere", "", 63),
    ]


def test_lead_in_links_to_an_earlier_post(loaded):
    post = Post.objects.get(slug=demo.LONG_READ_SLUG)

    target = post.link_lists.first().links.get().target_post

    assert target.published_at < post.published_at


def test_additional_reading_mixes_own_posts_and_other_sites(loaded):
    links = Link.objects.filter(link_list__heading="Additional reading")

    internal = links.filter(target_post__isnull=False)
    titles = [link.display_title for link in links]
    assert 0 < links.exclude(url="").count() < internal.count()
    assert len(set(titles)) < len(titles)


def test_elsewhere_links_are_external_with_long_varied_titles(loaded):
    links = Link.objects.filter(link_list__heading="Elsewhere")

    titles = list(links.values_list("title", flat=True))
    assert not links.filter(target_post__isnull=False).exists()
    assert all(".example." in url for url in links.values_list("url", flat=True))
    assert any("«" in title for title in titles)
    assert any("“" in title for title in titles)
    assert any("—" in title for title in titles)
    assert any(re.search("[а-яё]", title) for title in titles)


def test_all_demo_posts_are_published(loaded):
    assert Post.objects.published().count() == Post.objects.count()


def test_demo_authors_are_authors_who_cannot_log_in(loaded):
    authors = get_user_model().objects.filter(username__in=["elena", "james"])

    assert [
        (user.is_superuser, user.has_usable_password(), user.groups.get().name)
        for user in authors
    ] == [(False, False, "Author")] * 2


def test_demo_authors_have_avatars_and_a_bilingual_bio(loaded):
    profiles = AuthorProfile.objects.order_by("user__username")

    assert all(profile.avatar for profile in profiles)
    assert "Елена" in profiles.get(user__username="elena").bio


def test_a_fresh_load_writes_the_same_words(loaded):
    def content():
        posts = Post.objects.order_by("slug").values_list("slug", "body")
        links = Link.objects.order_by("link_list__position", "position")
        return list(posts), list(links.values_list("url", "title"))

    first = content()
    Post.objects.all().delete()

    call_command("load_demo")

    assert content() == first
