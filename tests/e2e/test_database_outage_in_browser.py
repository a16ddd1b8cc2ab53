"""What a person sees when the database goes away mid-workshop: the card they add stays on
screen marked "not saved", and is sent again by itself until the database is back; it
lands once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import watch
from tests.test_database_outage import behind_a_proxy, cards_named  # noqa: F401

pytestmark = [pytest.mark.once, pytest.mark.browser]


def test_an_edit_made_while_the_database_is_away_is_resent_and_lands_once(
    behind_a_proxy,  # noqa: F811
    browser,
    artifacts,
):
    server, proxy, name, map_id, stage_id, session = behind_a_proxy
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
    page = context.new_page()
    errors = []
    # The database goes away on purpose: its 503s are what the page then handles.
    watch(page, errors, expected=("status of 503", "Error Code 503"))
    page.goto(f"{server.url}/maps/{map_id}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    proxy.cut()
    details = page.locator(f"#add-{stage_id}-action")
    details.locator("summary").click()
    details.locator("textarea[name=text]").fill("DB가 없을 때 쓴 카드")
    details.locator("textarea[name=text]").press("Control+Enter")
    note = details.locator(".unsent")
    expect(note).to_contain_text("저장되지 않았습니다")
    page.screenshot(path=str(artifacts / "database-away.png"))

    proxy.restore()
    cell = page.locator(f"#cards-{stage_id}-action")
    expect(cell).to_contain_text("DB가 없을 때 쓴 카드", timeout=15_000)
    expect(details.locator(".unsent")).to_have_count(0)
    assert cards_named(name, "DB가 없을 때 쓴 카드") == 1
    assert errors == []
    context.close()
