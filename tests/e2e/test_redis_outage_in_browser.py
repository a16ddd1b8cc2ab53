"""What a person sees when Redis goes away mid-workshop: the live badge says updates are
paused (their own edits still save), the board keeps catching up by re-reading, and the badge
goes back to "live" by itself when Redis returns, with pushes flowing again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maps.models import JourneyMap
from tests.e2e.conftest import watch
from tests.test_multiprocess import add_card_through, editor_session  # noqa: F401
from tests.test_redis_outage import redis_behind_a_proxy  # noqa: F401

pytestmark = [pytest.mark.once, pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PING_EVERY = 25_000  # live.js: the page pings (and, while paused, re-reads) this often


def test_the_badge_says_paused_while_redis_is_away_and_live_again_after(
    redis_behind_a_proxy,  # noqa: F811
    editor_session,  # noqa: F811
    browser,
    artifacts,
):
    server, proxy = redis_behind_a_proxy
    journey_map = JourneyMap.objects.create_from_preset(title="레디스 정전", preset="funnel")
    stage = journey_map.stages.first()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    context.add_cookies([{"name": "sessionid", "value": editor_session, "url": server.url}])
    page = context.new_page()
    errors: list = []
    watch(page, errors)
    # Time flows as usual; fast_forward jumps to the next ping instead of waiting 25 s.
    page.clock.install()
    page.goto(f"{server.url}/maps/{journey_map.pk}/")
    badge = page.locator("#live-status")
    expect(badge).to_have_attribute("data-state", "live")

    proxy.cut()
    page.clock.fast_forward(PING_EVERY)
    expect(badge).to_have_attribute("data-state", "paused", timeout=10_000)
    expect(badge).to_contain_text("실시간 업데이트 일시 중지")

    # Someone else's edit is saved; this page learns of it by re-reading, not by push.
    add_card_through(server, journey_map, editor_session, "레디스 없이 저장된 카드")
    cell = page.locator(f"#cards-{stage.pk}-action")
    expect(cell).not_to_contain_text("레디스 없이 저장된 카드")
    page.clock.fast_forward(PING_EVERY)
    expect(cell).to_contain_text("레디스 없이 저장된 카드", timeout=10_000)
    page.screenshot(path=str(artifacts / "redis-away.png"))

    proxy.restore()
    for _ in range(10):  # each ping asks again; the Redis clients reconnect on their own
        page.clock.fast_forward(PING_EVERY)
        try:
            expect(badge).to_have_attribute("data-state", "live", timeout=4_000)
            break
        except AssertionError:
            continue
    expect(badge).to_have_attribute("data-state", "live")
    add_card_through(server, journey_map, editor_session, "돌아온 뒤의 카드")
    expect(cell).to_contain_text("돌아온 뒤의 카드", timeout=10_000)  # by push: no re-read due
    page.screenshot(path=str(artifacts / "redis-back.png"))
    assert errors == []
    context.close()
