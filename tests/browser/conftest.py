"""Browser tests: a real Chromium, driven by Playwright, against the live server.

Run them with `pytest -m browser`. The system's Chromium is used (never a downloaded
build); screenshots land in VAR_DIR/screenshots for people to look at.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.conftest import reseed_data_migrations

# Playwright's sync API runs an event loop in this thread, which makes Django refuse
# ORM calls from tests ("async unsafe"); they are plain synchronous calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def migrated_data(live_server):
    """Put back what data migrations seed (the roles) after earlier tests' flushes.

    Live-server tests are transactional: every such test ends by emptying the
    tables, migration data included. The seeding functions use get_or_create, so
    running them again is harmless.
    """
    reseed_data_migrations()


@pytest.fixture(autouse=True)
def _serve_media(settings):
    """Uploaded images load in the browser as they would behind a web server."""
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture
def new_page(browser, live_server):
    """Open a page at a named viewport ("desktop" or "phone"); closed after the test.

    Uncaught JavaScript errors are collected on `page.errors`.
    """
    contexts = []

    def open_page(viewport: str = "desktop"):
        phone = viewport == "phone"
        context = browser.new_context(
            viewport=VIEWPORTS[viewport],
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            base_url=live_server.url,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280×900) on the live server."""
    return new_page("desktop")


@pytest.fixture
def phone_page(new_page):
    """A phone-sized page (375×812, touch, 2× pixels) on the live server."""
    return new_page("phone")


def set_viewport(page, viewport: str) -> None:
    """Resize an open page to a named viewport."""
    page.set_viewport_size(VIEWPORTS[viewport])


def screenshot_dir() -> Path:
    directory = Path(django_settings.VAR_DIR) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def save_screenshot():
    """save_screenshot(page, "name") writes VAR_DIR/screenshots/name.png (full page)."""

    def save(page, name: str) -> Path:
        path = screenshot_dir() / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def page_widths(page) -> dict[str, int]:
    """The document's scroll width and the window's inner width, in CSS pixels."""
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " inner: window.innerWidth})"
    )
