"""The demo's long post, laid out like the reference page, in a real browser."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from blog.models import Post
from tests.browser.conftest import PHONE, page_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def long_post(migrated_data):
    call_command("load_demo")
    return (
        Post.objects.published()
        .annotate(link_count=Count("link_lists__links"))
        .order_by("-link_count")
        .select_related("author__profile")
        .first()
    )


def expected_lists(post: Post) -> tuple[list[str], list[int]]:
    """The lead-in sentences and the numbered lists' lengths the page should show."""
    lead_ins, counts = [], []
    for link_list in post.link_lists.prefetch_related("links__target_post"):
        visible = [link for link in link_list.links.all() if link.is_visible]
        lead_in = link_list.lead_in.strip().rstrip(":").rstrip()
        if len(visible) == 1 and lead_in:
            lead_ins.append(f"{lead_in}: {visible[0].display_title}")
        elif visible:
            counts.append(len(visible))
    return lead_ins, counts


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_long_post_reads_like_the_reference_page(
    new_page, long_post, save_screenshot, viewport
):
    lead_ins, counts = expected_lists(long_post)
    assert len(counts) == 3 and sum(counts) > 100, "the demo long post has changed"
    page = new_page(viewport)

    page.goto("/")
    page.get_by_role("link", name=long_post.title, exact=True).first.click()
    page.wait_for_url(f"**{long_post.get_absolute_url()}")

    assert page.locator("h1").first.inner_text() == long_post.title
    lists = page.locator(".post-links ol")
    assert lists.count() == 3
    for index, count in enumerate(counts):
        numbered = lists.nth(index)
        assert numbered.is_visible()
        assert numbered.locator(":scope > li").count() == count
        assert numbered.locator(":scope > li").last.is_visible()
    assert page.get_by_role("heading", name="Additional reading").is_visible()

    lead_in = page.locator(".post-links p").filter(has_text=lead_ins[0])
    assert lead_in.is_visible()
    lead_in_box, first_list_box = lead_in.bounding_box(), lists.first.bounding_box()
    assert lead_in_box["y"] < first_list_box["y"]

    author_box = page.locator("aside").filter(has_text="Published by")
    assert author_box.is_visible()
    assert long_post.author.display_name in author_box.inner_text()
    assert author_box.bounding_box()["y"] > lists.last.bounding_box()["y"]

    widths = page_widths(page)
    assert widths["scroll"] <= widths["inner"] + 1
    if viewport == "phone":
        assert widths["scroll"] <= PHONE["width"] + 1
    assert page.errors == []

    save_screenshot(page, f"long-post-{viewport}")
