"""Browser tests: Python Playwright driving Debian's Chromium (no `playwright install`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import korean_font_installed, need

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Sync Playwright runs an event loop in this thread; the ORM calls of the test are still
# plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Module scope: sync Playwright keeps an event loop running in this thread while it is open,
# which the asyncio tests that run after the browser modules cannot share.
@pytest.fixture(scope="module")
def browser():
    need(
        shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
        f"No Chromium at {CHROMIUM}: `apt-get install chromium` (make test does).",
    )
    need(korean_font_installed(), "No Korean font: `apt-get install fonts-nanum` (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# A refusal (4xx: a form to correct, a conflict, a closed vote) is an answer the page shows in
# place; Chromium and htmx still log it as an error. Anything else on the console fails a test.
REFUSALS = ("the server responded with a status of 4", "Response Status Error Code 4")


def watch(page, errors: list, *, expected: tuple[str, ...] = ()) -> None:
    """Collect what must not happen on a page: script errors, and any error on the console
    (what the Content Security Policy refused, htmx's errors, failed loads). `expected`:
    parts of messages a test provokes on purpose (a server it stopped, a database away)."""
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    allowed = REFUSALS + tuple(expected)

    def console(msg):
        if msg.type == "error" and not any(part in msg.text for part in allowed):
            errors.append(msg.text)

    page.on("console", console)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="ko-KR")
    page = context.new_page()
    errors = []
    # Django's live server speaks HTTP only: the board's socket cannot open there (the live
    # tests run daphne).
    watch(page, errors, expected=("Error during WebSocket handshake",))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def screens(browser, artifacts):
    """open(name): a page in a browser context of its own, like one person's laptop. Each is
    watched (script errors, anything the policy refused) and saved as artifacts/<name>.png
    when the test ends."""
    opened = []

    def open_screen(name: str):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
        page = context.new_page()
        errors: list = []
        watch(page, errors)
        opened.append((name, page, errors))
        return page

    yield open_screen
    for name, page, errors in opened:
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        page.context.close()
        assert not errors, (name, errors)


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def log_in(page, live_server, username="facilitator", password="journeymap-demo"):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/maps/")


def card_button(card, name: str):
    """A card's button: the card's buttons come when it is pointed at (static/js/cards.js)."""
    card.hover()
    return card.get_by_role("button", name=name)


def image_drawn(image) -> None:
    """The image has loaded and decoded (a broken one has no natural width). Polled from here:
    the pages' CSP allows no script from a string, which wait_for_function would need."""
    for _ in range(100):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            return
        image.page.wait_for_timeout(100)
    raise AssertionError(f"{image.get_attribute('src')} was not drawn")
