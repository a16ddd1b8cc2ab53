"""A plan's owner, on a phone and without an account, records what came of the plan while the
team's board is open on a laptop: the board shows it without a reload."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from maps.models import ActionPlan, JourneyMap
from tests.conftest import load_demo
from tests.e2e.conftest import watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_owner_records_a_result_while_the_board_is_open(browser, daphne, artifacts):
    load_demo()
    journey_map = JourneyMap.objects.get(team=None)
    plan = ActionPlan.objects.filter(journey_map=journey_map).exclude(status="done").first()
    token = plan.new_owner_token()
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="facilitator"))
    laptop = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ko-KR")
    laptop.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": daphne.url}]
    )
    board, errors = laptop.new_page(), []
    watch(board, errors)
    board.goto(f"{daphne.url}/maps/{journey_map.pk}/")
    expect(board.locator("#live-status")).to_have_attribute("data-state", "live")
    row = board.locator(f"#plan-{plan.pk}")
    expect(row).not_to_contain_text("누적 문의 80건")

    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
    phone, phone_errors = phone_context.new_page(), []
    watch(phone, phone_errors)
    phone.goto(f"{daphne.url}/p/{token}/")
    expect(phone.locator("h1")).to_have_text(plan.what)
    phone.select_option("select[name=status]", "done")
    phone.fill("textarea[name=result]", "누적 문의 80건")
    phone.fill("input[name=result_number]", "80")
    phone.get_by_role("button", name="저장").click()
    expect(phone.locator(".notice")).to_contain_text("저장했습니다")

    # The board heard it: the row now says done, with the result.
    expect(row).to_contain_text("누적 문의 80건", timeout=10_000)
    expect(row.locator(".status")).to_have_text("완료")
    # The owner's session holds no rights: the board is a login page for them.
    phone.goto(f"{daphne.url}/maps/{journey_map.pk}/")
    expect(phone).to_have_url(f"{daphne.url}/login/?next=/maps/{journey_map.pk}/")
    for page, name in ((board, "owner-board"), (phone, "owner-phone")):
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    laptop.close()
    phone_context.close()
    assert not errors and not phone_errors, (errors, phone_errors)
