"""Two people on one board, each in their own browser context, through a real daphne."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from maps.models import Card, JourneyMap
from tests.conftest import load_demo
from tests.e2e.conftest import card_button, image_drawn, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def room(browser, daphne, django_user_model, artifacts):
    load_demo()
    minji = django_user_model.objects.create_user("minji", is_staff=True, first_name="김민지")
    journey_map = JourneyMap.objects.get(team=None)
    pages = []
    # Signed in by session cookie: the login form has its own tests, and a real password hash
    # per person costs a second or two of each test here.
    for user in (django_user_model.objects.get(username="facilitator"), minji):
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": daphne.url}]
        )
        page = context.new_page()
        errors = []
        # Two tests cut the connection on purpose (a server restart, the browser offline):
        # the page says so and recovers, which they assert. (An image being fetched when the
        # server stops is reset.)
        offline = (
            "ERR_CONNECTION_REFUSED",
            "ERR_CONNECTION_RESET",
            "ERR_INTERNET_DISCONNECTED",
            "htmx:sendError",
        )
        watch(page, errors, expected=(*offline, "htmx:afterRequest"))
        page.goto(f"{daphne.url}/maps/{journey_map.pk}/")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
        pages.append((page, errors))
    yield journey_map, pages[0][0], pages[1][0]
    for index, (page, errors) in enumerate(pages):
        page.screenshot(path=str(artifacts / f"live-{'AB'[index]}.png"), full_page=True)
        page.context.close()
        assert not errors, errors


def add_card(page, stage, lane, text):
    details = page.locator(f"#add-{stage.pk}-{lane}")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    details.locator("textarea[name=text]").fill(text)
    details.get_by_role("button", name="추가").click()


def test_edits_reach_the_other_screen_and_conflicts_lose_nothing(room):
    journey_map, a, b = room
    consider = journey_map.stages.get(name="고려")
    buy = journey_map.stages.get(name="구매")

    # Both see each other in the room.
    expect(a.locator("#presence")).to_contain_text("김민지")
    expect(b.locator("#presence")).to_contain_text("데모 퍼실리테이터")

    # A adds a Korean touchpoint; B sees it without reloading.
    add_card(a, consider, "touchpoint", "카카오톡 상담 채널 <img src=x onerror=alert(1)>")
    on_b = b.locator(f"#cards-{consider.pk}-touchpoint article", has_text="카카오톡 상담 채널")
    expect(on_b).to_be_visible()
    expect(on_b.locator("img")).to_have_count(0)  # the markup is text, not an element
    expect(on_b).to_contain_text("<img src=x onerror=alert(1)>")
    on_a = a.locator(f"#cards-{consider.pk}-touchpoint article", has_text="카카오톡 상담 채널")
    expect(on_a.locator("img")).to_have_count(0)
    card = Card.objects.get(text__startswith="카카오톡")

    # B moves it to the next stage; A sees it move.
    card_button(on_b, "다음 단계로").click()
    expect(a.locator(f"#cards-{buy.pk}-touchpoint")).to_contain_text("카카오톡 상담 채널")
    expect(a.locator(f"#cards-{consider.pk}-touchpoint")).not_to_contain_text("카카오톡")

    # A opens the editor; B sees who is editing the card, opens it too; A saves first.
    card_button(a.locator(f"#card-{card.pk}"), "카드 편집").click()
    expect(b.locator(f"#card-{card.pk} .editing-by")).to_have_text("데모 퍼실리테이터 님 편집 중")
    card_button(b.locator(f"#card-{card.pk}"), "카드 편집").click()
    a.locator(f"form#card-{card.pk} textarea").fill("A의 수정: 상담 채널")
    b.locator(f"form#card-{card.pk} textarea").fill("B의 수정: 챗봇 채널")
    a.locator(f"form#card-{card.pk}").get_by_role("button", name="저장").click()
    expect(a.locator(f"article#card-{card.pk}")).to_contain_text("A의 수정")
    # B's open editor survived A's push; B's save is refused with a plain message.
    expect(b.locator(f"form#card-{card.pk} textarea")).to_have_value("B의 수정: 챗봇 채널")
    b.locator(f"form#card-{card.pk}").get_by_role("button", name="저장").click()
    conflict = b.locator(f"form#card-{card.pk} .conflict")
    expect(conflict).to_contain_text("데모 퍼실리테이터")
    expect(conflict).to_contain_text("A의 수정: 상담 채널")
    expect(b.locator(f"form#card-{card.pk} textarea")).to_have_value("B의 수정: 챗봇 채널")
    card.refresh_from_db()
    assert card.text == "A의 수정: 상담 채널"
    # Nothing is left looking busy once the requests are done.
    expect(a.locator("body")).not_to_have_class("busy")
    expect(b.locator("body")).not_to_have_class("busy")


def test_an_offline_edit_stays_visible_with_retry_and_lands_once(room):
    journey_map, a, b = room
    aware = journey_map.stages.get(name="인지")
    a.context.set_offline(True)
    add_card(a, aware, "thought", "오프라인에서 쓴 생각")
    expect(a.locator(f"#add-{aware.pk}-thought .unsent")).to_be_visible()
    # Meanwhile B keeps working.
    add_card(b, aware, "action", "B가 그 사이에 추가한 행동")
    a.context.set_offline(False)
    a.locator(f"#add-{aware.pk}-thought .unsent").get_by_role("button", name="다시 시도").click()
    expect(a.locator(f"#cards-{aware.pk}-thought")).to_contain_text("오프라인에서 쓴 생각")
    expect(b.locator(f"#cards-{aware.pk}-thought")).to_contain_text("오프라인에서 쓴 생각")
    expect(a.locator(f"#cards-{aware.pk}-action")).to_contain_text("B가 그 사이에 추가한 행동")
    assert Card.objects.filter(text="오프라인에서 쓴 생각").count() == 1


def test_a_page_gone_offline_says_so_at_once_and_catches_up_when_back(room):
    """The socket can look open for a minute after the network went: the badge follows the
    browser's own knowledge, and what was missed arrives on return."""
    journey_map, a, b = room
    stage = journey_map.stages.get(name="고려")
    a.context.set_offline(True)
    expect(a.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    add_card(b, stage, "thought", "A가 오프라인일 때 쓴 생각")
    expect(b.locator(f"#cards-{stage.pk}-thought")).to_contain_text("A가 오프라인일 때 쓴 생각")
    a.context.set_offline(False)
    expect(a.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(a.locator(f"#cards-{stage.pk}-thought")).to_contain_text("A가 오프라인일 때 쓴 생각")


def test_after_a_server_restart_the_page_reconnects_and_catches_up(room, daphne):
    journey_map, a, _b = room
    stage = journey_map.stages.get(name="유지 및 추천")
    daphne.stop()
    expect(a.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    # A change lands while nobody can hear about it (e.g. from a management command).
    from maps.models import Lane

    Card.objects.create(stage=stage, lane=Lane.THOUGHT, text="서버가 꺼진 동안 생긴 카드")
    daphne.start()
    expect(a.locator("#live-status")).to_have_attribute("data-state", "live", timeout=40_000)
    # The page re-reads the whole board from a server just started: on a busy machine that
    # takes more than the default five seconds.
    card = a.locator(f"#cards-{stage.pk}-thought")
    expect(card).to_contain_text("서버가 꺼진 동안 생긴 카드", timeout=20_000)
    image_drawn(a.locator("#curve img.curve-chart").first)  # not left broken by the restart


def test_a_form_pushed_from_someone_else_can_be_used(room):
    """B writes an emotion card on the touchpoint A just added, through the form that came
    with A's push (rendered for A's browser, with A's CSRF token)."""
    journey_map, a, b = room
    consider = journey_map.stages.get(name="고려")
    add_card(a, consider, "touchpoint", "앱 푸시 알림")
    on_b = b.locator(f"#cards-{consider.pk}-touchpoint article", has_text="앱 푸시 알림")
    expect(on_b).to_be_visible()
    card = Card.objects.get(text="앱 푸시 알림")
    form = on_b.locator(f"#emotion-tp-{card.pk}")
    form.locator("summary").click()
    form.locator("input[name=words]").fill("알림이 너무 잦다")
    form.get_by_role("button", name="−2").click()
    expect(a.locator(f"#card-{card.pk}")).to_contain_text("알림이 너무 잦다")
    expect(on_b).to_contain_text("알림이 너무 잦다")
    assert card.emotion_cards.get().score == -2
