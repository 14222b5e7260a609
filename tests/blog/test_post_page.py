import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.conftest import image_bytes
from tests.factories import (
    AuthorFactory,
    CategoryFactory,
    LinkFactory,
    LinkListFactory,
    PostFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Post with author/profile, its categories and tags, its shown links (lists with
# the linked posts), previous and next, header categories; then the discussion: the
# recent likers with the like count, settings (cold cache), the comments' outline
# (ids, parents, status), the shown comments in full, the current site and the
# configured social applications.
POST_PAGE_QUERIES = 11


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_post_page_shows_title_date_byline_and_body(client, post):
    response = client.get(post.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="post-title" id="post-title">A post worth reading</h1>' in html
    assert f'<time class="post-date" datetime="{post.published_at:%Y-%m-%d}' in html
    assert '<a class="author-link" href="/author/alice/">' in html
    assert "<em>emphasis</em>" in html


def test_the_date_and_the_byline_read_as_separate_words(client, post):
    html = client.get(post.get_absolute_url()).content.decode()

    assert re.search(r'</time>\s+<span class="byline">by <a', html)


def test_post_page_lists_categories_and_tags(client, author):
    post = PostFactory(
        author=author,
        categories=[CategoryFactory(name="World", slug="world")],
        tags=["elections"],
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<a href="/category/world/" rel="category">World</a>' in html
    assert '<a href="/tag/elections/" rel="tag">elections</a>' in html


def test_post_page_shows_the_featured_image_with_its_description(client, author):
    post = PostFactory(author=author, featured_image_alt="A crowd at dusk")
    post.featured_image.save("crowd.png", ContentFile(image_bytes()), save=True)

    html = client.get(post.get_absolute_url()).content.decode()

    assert re.search(r'<img src="/media/[^"]+" alt="A crowd at dusk">', html)


def test_body_html_is_printed_as_sanitised_on_save(client, author):
    post = PostFactory(author=author, body="Hello <script>alert(1)</script> world")

    html = client.get(post.get_absolute_url()).content.decode()

    assert "alert(1)" not in section(html, 'class="post-body"', "</div>")


def test_link_lists_keep_their_order_and_their_links_order(client, post):
    second = LinkListFactory(post=post, position=2, heading="Second list")
    first = LinkListFactory(post=post, position=1, heading="First list")
    LinkFactory(link_list=first, position=2, title="B link")
    LinkFactory(link_list=first, position=1, title="A link")
    LinkFactory(link_list=second, position=1, title="C link")

    html = client.get(post.get_absolute_url()).content.decode()

    positions = [html.index(text) for text in ("First list", "A link", "B link")]
    assert positions == sorted(positions)
    assert html.index("B link") < html.index("Second list") < html.index("C link")


def test_lists_render_as_numbered_lists_under_their_heading(client, post):
    link_list = LinkListFactory(post=post, heading="Additional reading")
    LinkFactory.create_batch(2, link_list=link_list)

    html = client.get(post.get_absolute_url()).content.decode()

    links = section(html, 'class="link-list"', "</section>")
    assert f'<h2 class="link-list-heading" id="link-list-{link_list.pk}">' in links
    assert links.count("<li>") == 2
    assert '<ol class="link-list-items">' in links


def test_a_list_without_heading_is_still_a_numbered_list(client, post):
    link_list = LinkListFactory(post=post, heading="")
    LinkFactory.create_batch(3, link_list=link_list)

    html = client.get(post.get_absolute_url()).content.decode()

    links = section(html, 'class="link-list"', "</section>")
    assert "<h2" not in links
    assert links.count("<li>") == 3


def test_internal_links_follow_the_linked_posts_title_and_permalink(client, post):
    earlier = PostFactory(author=post.author, title="What happened on Monday")
    LinkFactory(
        link_list=LinkListFactory(post=post), internal=True, target_post=earlier
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'<a href="{earlier.get_absolute_url()}">What happened on Monday</a>' in html


def test_external_links_get_noopener_and_open_in_the_same_tab(client, post):
    LinkFactory(
        link_list=LinkListFactory(post=post),
        url="https://news.example.com/story",
        title="A story elsewhere",
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert (
        '<a href="https://news.example.com/story" rel="noopener">A story elsewhere</a>'
        in html
    )
    assert 'target="_blank"' not in html


def test_links_to_unpublished_posts_are_hidden(client, post):
    link_list = LinkListFactory(post=post)
    draft = PostFactory(author=post.author, draft=True, title="Secret draft")
    scheduled = PostFactory(author=post.author, scheduled=True, title="Not yet")
    LinkFactory(link_list=link_list, internal=True, target_post=draft)
    LinkFactory(link_list=link_list, internal=True, target_post=scheduled)
    LinkFactory(link_list=link_list, title="Still here")

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Secret draft" not in html
    assert "Not yet" not in html
    assert "Still here" in html


def test_a_list_whose_links_are_all_hidden_is_not_shown(client, post):
    link_list = LinkListFactory(post=post, heading="Coming soon")
    LinkFactory(
        link_list=link_list,
        internal=True,
        target_post=PostFactory(author=post.author, draft=True),
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert "Coming soon" not in html


def test_a_single_link_with_lead_in_reads_as_one_paragraph(client, post):
    earlier = PostFactory(author=post.author, title="The previous days")
    link_list = LinkListFactory(
        post=post, lead_in="Read more about what happened in the previous days"
    )
    LinkFactory(link_list=link_list, internal=True, target_post=earlier)

    html = client.get(post.get_absolute_url()).content.decode()

    assert (
        '<p class="link-lead-in">Read more about what happened in the previous days: '
        f'<a href="{earlier.get_absolute_url()}">The previous days</a></p>'
    ) in html
    assert "<ol" not in html


def test_lead_in_ending_in_a_colon_gets_no_second_colon(client, post):
    link_list = LinkListFactory(post=post, lead_in="See also:")
    LinkFactory(link_list=link_list, title="One story")

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<p class="link-lead-in">See also: <a' in html


def test_lead_in_list_with_one_visible_link_left_reads_inline(client, post):
    link_list = LinkListFactory(post=post, lead_in="Read more")
    LinkFactory(link_list=link_list, title="Visible story")
    LinkFactory(
        link_list=link_list,
        internal=True,
        target_post=PostFactory(author=post.author, draft=True),
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<p class="link-lead-in">Read more: <a' in html


def test_lead_in_with_several_links_introduces_a_numbered_list(client, post):
    link_list = LinkListFactory(post=post, lead_in="Earlier coverage")
    LinkFactory.create_batch(2, link_list=link_list)

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<p class="link-list-lead-in">Earlier coverage:</p>' in html
    assert section(html, "<ol", "</ol>").count("<li>") == 2


def test_link_titles_are_escaped(client, post):
    LinkFactory(link_list=LinkListFactory(post=post), title='<b>"Quoted" – «ёлка»</b>')

    html = client.get(post.get_absolute_url()).content.decode()

    # The link lists are a Jinja2 template, which writes " as &#34; (the same text).
    assert "&lt;b&gt;&#34;Quoted&#34; – «ёлка»&lt;/b&gt;" in html


def test_javascript_urls_are_never_linked(client, post):
    LinkFactory(
        link_list=LinkListFactory(post=post),
        url="javascript:alert(1)",
        title="Bad link",
    )

    html = client.get(post.get_absolute_url()).content.decode()

    assert "javascript:" not in html


def test_author_box_says_published_by_with_a_link_to_the_author(client, post):
    profile = post.author.profile

    html = client.get(post.get_absolute_url()).content.decode()

    box = section(html, '<aside class="author-box"', "</aside>")
    assert f'Published by <a href="/author/alice/">{profile.display_name}</a>' in box


def test_author_box_shows_the_bio_as_escaped_paragraphs(client, post):
    profile = post.author.profile
    profile.bio = "Writes <b>about</b> things.\n\nПишет о разном."
    profile.save()

    html = client.get(post.get_absolute_url()).content.decode()

    box = section(html, '<aside class="author-box"', "</aside>")
    assert "<p>Writes &lt;b&gt;about&lt;/b&gt; things.</p>" in box
    assert "<p>Пишет о разном.</p>" in box


def test_author_box_links_the_authors_website(client, post):
    html = client.get(post.get_absolute_url()).content.decode()

    box = section(html, '<aside class="author-box"', "</aside>")
    assert '<a href="https://example.org/" rel="noopener">' in box


def test_author_box_shows_the_avatar(client, post):
    profile = post.author.profile
    profile.avatar.save("me.png", ContentFile(image_bytes()), save=True)

    html = client.get(post.get_absolute_url()).content.decode()

    box = section(html, '<aside class="author-box"', "</aside>")
    assert re.search(r'<img class="author-avatar" src="/media/avatars/me[^"]*"', box)


def test_author_without_avatar_gets_an_initial(client, post):
    profile = post.author.profile
    profile.display_name = "zoë Writer"
    profile.save()

    html = client.get(post.get_absolute_url()).content.decode()

    assert '<span class="author-avatar author-avatar-initial" aria-hidden="true">Z' in (
        html
    )


def test_author_without_profile_is_shown_by_username(client):
    writer = UserFactory(username="plainwriter", is_staff=True)
    post = PostFactory(author=writer)

    html = client.get(post.get_absolute_url()).content.decode()

    assert 'Published by <a href="/author/plainwriter/">plainwriter</a>' in html


def test_previous_and_next_posts_are_linked(client, author):
    now = timezone.now()
    older = PostFactory(author=author, published_at=now - dt.timedelta(days=3))
    PostFactory(author=author, draft=True)
    middle = PostFactory(author=author, published_at=now - dt.timedelta(days=2))
    newer = PostFactory(author=author, published_at=now - dt.timedelta(days=1))
    PostFactory(author=author, scheduled=True)

    html = client.get(middle.get_absolute_url()).content.decode()

    nav = section(html, '<nav class="post-navigation"', "</nav>")
    assert f'<a href="{older.get_absolute_url()}" rel="prev">' in nav
    assert f'<a href="{newer.get_absolute_url()}" rel="next">' in nav


def test_newest_post_has_no_next_link(client, author):
    PostFactory(author=author, published_at=timezone.now() - dt.timedelta(days=2))
    newest = PostFactory(author=author, scheduled=False)
    PostFactory(author=author, scheduled=True)

    html = client.get(newest.get_absolute_url()).content.decode()

    assert 'rel="prev"' in html
    assert 'rel="next"' not in html


def test_discussion_placeholder_follows_the_author_box(client, post):
    html = client.get(post.get_absolute_url()).content.decode()

    assert html.index('class="author-box"') < html.index('id="comments"')


def build_post_with_link_lists(author, links_per_list: int):
    """A post with three lists mixing internal, external and hidden links."""
    post = PostFactory(
        author=author,
        categories=CategoryFactory.create_batch(2),
        tags=["one", "two", "three"],
    )
    published = PostFactory.create_batch(3, author=author)
    hidden = PostFactory(author=author, draft=True)
    for position in range(3):
        link_list = LinkListFactory(post=post, position=position, heading="Reading")
        for index in range(links_per_list):
            if index % 3 == 0:
                LinkFactory(
                    link_list=link_list,
                    internal=True,
                    target_post=published[index % 3],
                )
            elif index % 3 == 1:
                LinkFactory(link_list=link_list)
            else:
                LinkFactory(link_list=link_list, internal=True, target_post=hidden)
    PostFactory(author=author, published_at=post.published_at - dt.timedelta(days=1))
    return post


@pytest.mark.parametrize("links_per_list", [1, 60])
def test_post_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, author, links_per_list
):
    CategoryFactory.create_batch(3)
    post = build_post_with_link_lists(author, links_per_list)
    url = post.get_absolute_url()

    with django_assert_num_queries(POST_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    links = section(response.content.decode(), 'class="post-links"', "<aside")
    assert links.count("<li><a") == 3 * (links_per_list - links_per_list // 3)


def test_preview_of_a_post_with_links_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, author
):
    post = build_post_with_link_lists(author, 30)
    post.status = post.Status.DRAFT
    post.save()
    client.force_login(author)
    url = post.get_absolute_url()
    client.get(url)

    # Session, user, permission checks, then the same queries as for readers
    # less the settings and site, cached by the first request, plus "have I liked".
    with django_assert_num_queries(POST_PAGE_QUERIES + 4 - 2 + 1):
        response = client.get(url)

    assert "Preview — this post is not published" in response.content.decode()


def test_another_authors_post_shows_their_author_box(client, post):
    other = AuthorFactory(username="bob")
    theirs = PostFactory(author=other)

    html = client.get(theirs.get_absolute_url()).content.decode()

    assert 'href="/author/bob/"' in section(
        html, '<aside class="author-box"', "</aside>"
    )
