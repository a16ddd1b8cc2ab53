"""A phone works for a participant: the page never scrolls sideways, one stage at a time with
its lane labels in view, a row of stage names to jump between them, and a card and an emotion
card added with the thumb. A 1280 × 720 laptop shows at least four stages with their labels."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from maps.models import Card, EmotionCard, Lane, OpportunityScore, Stage
from tests.conftest import load_demo
from tests.e2e.conftest import log_in, watch
from workshops.models import Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_as_member(browser, live_server, team, **device):
    member = Client()
    member.post(f"/j/{team.workshop.join_token}/", {"display_name": "폰사용자", "team": team.pk})
    context = browser.new_context(locale="ko-KR", **device)
    context.add_cookies(
        [{"name": "sessionid", "value": member.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list = []
    watch(page, errors, expected=("Error during WebSocket handshake",))
    page.goto(f"{live_server.url}/maps/{team.journey_map_id}/")
    return page, errors


def test_a_phone_shows_one_stage_at_a_time_and_adds_with_the_thumb(browser, live_server, artifacts):
    load_demo()
    team = Workshop.objects.get(closed_at=None).teams.first()
    stages = list(team.journey_map.stages.all())
    # A scored opportunity: its ranking (a wide table) must not widen the page either.
    chance = Card.objects.create(
        stage=stages[0], lane=Lane.OPPORTUNITY, text="첫 투자 후 3일 안에 안내 전화를 드린다"
    )
    OpportunityScore.objects.create(
        journey_map=team.journey_map,
        card=chance,
        scorer="u0",
        customer_value=4,
        business_value=3,
        effort=2,
    )
    page, errors = open_as_member(
        browser,
        live_server,
        team,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    expect(page.locator("#priorities table")).to_contain_text("안내 전화")
    switch = page.locator("#stage-switch button")
    expect(switch).to_have_count(len(stages))
    expect(switch.nth(2)).to_have_text(stages[2].name)

    switch.nth(2).tap()
    column = page.locator(f"#stage-{stages[2].pk}")
    expect(switch.nth(2)).to_have_attribute("aria-current", "true")
    box = column.bounding_box()
    assert box["x"] >= 60 and box["x"] + box["width"] <= 390  # the whole stage, right of the labels
    labels = page.locator(".lane-labels").bounding_box()
    assert labels["x"] < 30 and labels["x"] + labels["width"] <= box["x"]  # labels still in view
    # …and on top: what is at the left edge, level with the stage's touchpoints, is their label.
    cell = page.locator(f"#stage-{stages[2].pk} .cell[data-lane=touchpoint]")
    cell.scroll_into_view_if_needed()
    row = cell.bounding_box()
    on_top = f"document.elementFromPoint(40, {row['y'] + 10}).className"
    assert "lane-touchpoint" in page.evaluate(on_top)

    add = page.locator(f"#add-{stages[2].pk}-action")
    summary = add.locator("summary")
    assert summary.bounding_box()["height"] >= 44
    summary.tap()
    add.locator("textarea").fill("휴대폰으로 쓴 카드")
    add.locator("button[type=submit]").tap()
    expect(page.locator(f"#cards-{stages[2].pk}-action")).to_contain_text("휴대폰으로 쓴 카드")

    touchpoint = Card.objects.create(stage=stages[2], lane=Lane.TOUCHPOINT, text="앱 결제 화면")
    page.reload()
    page.locator("#stage-switch button").nth(2).tap()
    feel = page.locator(f"#emotion-tp-{touchpoint.pk}")
    feel.locator("summary").tap()
    score = feel.locator("button[name=score][value='-1']")
    assert score.bounding_box()["width"] >= 44 and score.bounding_box()["height"] >= 44
    score.tap()
    expect(page.locator(f"#card-{touchpoint.pk} .emotion")).to_have_count(1)
    assert EmotionCard.objects.get(touchpoint=touchpoint).score == -1
    # A tap on a card brings its buttons (there is no pointing at a card on a phone).
    written = page.locator(f"#cards-{stages[2].pk}-action article").first
    written.locator(".card-text").tap()
    expect(written.get_by_role("button", name="다음 단계로")).to_be_visible()
    written.get_by_role("button", name="다음 단계로").tap()
    expect(page.locator(f"#cards-{stages[3].pk}-action")).to_contain_text("휴대폰으로 쓴 카드")
    page.screenshot(path=str(artifacts / "phone-board.png"))
    page.context.close()
    assert not errors, errors


def test_a_laptop_shows_four_stages_with_their_lane_labels(browser, live_server):
    load_demo()
    team = Workshop.objects.get(closed_at=None).teams.first()
    page, errors = open_as_member(
        browser, live_server, team, viewport={"width": 1280, "height": 720}
    )
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    expect(page.locator("#stage-switch")).to_have_count(0)
    columns = page.locator(".stage-column")
    assert columns.count() >= 4
    for i in range(4):
        box = columns.nth(i).bounding_box()
        assert box["x"] + box["width"] <= 1280
    assert page.locator(".lane-labels").bounding_box()["x"] < 40
    page.context.close()
    assert not errors, errors


@pytest.mark.parametrize(
    "device",
    [
        {"viewport": {"width": 1280, "height": 720}},
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    ],
    ids=["laptop", "phone"],
)
def test_the_presentation_fits_the_width_of_a_laptop_and_a_phone(browser, live_server, device):
    """A laptop: the map (seven stages) zoomed to the screen's width, its empty "add a
    stage" column left out. A phone reads it as its board: one stage at a time with the row
    of stage names, the bar wrapped, no keyboard hint. Neither scrolls sideways."""
    load_demo()
    workshop = Workshop.objects.get(closed_at=None)
    team = workshop.teams.first()
    for n in range(3):
        Stage.objects.create(journey_map=team.journey_map, name=f"추가 단계 {n}", position=10 + n)
    phone = bool(device.get("has_touch"))
    context = browser.new_context(locale="ko-KR", **device)
    page = context.new_page()
    errors: list = []
    watch(page, errors)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/present/{team.pk}/")
    width = device["viewport"]["width"]
    expect(page.locator(".stage-column")).to_have_count(team.journey_map.stages.count())
    assert page.evaluate("document.documentElement.scrollWidth") == width
    if phone:
        switch = page.locator("#stage-switch button")
        expect(switch).to_have_count(7)
        switch.last.click()
        expect(page.locator(".stage-column").last).to_be_in_viewport()
    else:
        last = page.locator(".stage-column").last.bounding_box()
        assert last["x"] + last["width"] <= width
    expect(page.locator(".present-keys")).to_be_visible(visible=not phone)
    context.close()
    assert not errors, errors


def test_the_facilitator_s_console_reads_on_a_phone(browser, live_server):
    """One column on a narrow screen, the header's buttons wrapping: nothing off to the side."""
    load_demo()
    workshop = Workshop.objects.get(closed_at=None)
    context = browser.new_context(
        locale="ko-KR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    errors: list = []
    watch(page, errors)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/workshops/{workshop.pk}/")
    expect(page.locator(".join-code")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    context.close()
    assert not errors, errors
