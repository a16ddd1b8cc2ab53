"""Writing feels like sticky notes: Enter puts a card on the board and leaves a fresh form for
the next one, which closes when you stop; Shift+Enter is a new line; Enter inside a Korean
composition only ends it; long cards fold to "더 보기"; what you typed survives a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maps.models import Card, JourneyMap, Lane
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board(page, live_server, django_user_model):
    django_user_model.objects.create_user("facilitator", password="journeymap-demo", is_staff=True)
    journey_map = JourneyMap.objects.create_from_preset(title="포스트잇", preset="funnel")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{journey_map.pk}/")
    return journey_map


def test_enter_adds_a_card_and_the_fresh_form_closes_when_you_stop(page, board):
    stage = board.stages.first()
    add = page.locator(f"#add-{stage.pk}-action")
    add.locator("summary").click()
    add.locator("textarea").fill("앱을 연다")
    add.locator("textarea").press("Enter")
    cards = page.locator(f"#cards-{stage.pk}-action")
    expect(cards).to_contain_text("앱을 연다")
    # A fresh, empty form, still open and focused: keep typing for the next card.
    fresh = page.locator(f"#add-{stage.pk}-action")
    expect(fresh).to_have_attribute("open", "")
    expect(fresh.locator("textarea")).to_be_focused()
    page.keyboard.type("상품을 고른다")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("가격을 비교한다")
    page.keyboard.press("Enter")
    expect(cards).to_contain_text("가격을 비교한다")
    assert list(Card.objects.order_by("pk").values_list("text", flat=True)) == [
        "앱을 연다",
        "상품을 고른다\n가격을 비교한다",
    ]
    # Enter on an empty form adds nothing; leaving it closes it, and the lane reads as cards.
    page.keyboard.press("Enter")
    page.locator("h1").click()
    expect(page.locator(f"#add-{stage.pk}-action")).not_to_have_attribute("open", "")
    assert Card.objects.count() == 2


def test_enter_inside_a_korean_composition_only_ends_it(page, board):
    stage = board.stages.first()
    page.locator(f"#add-{stage.pk}-action > summary").click()
    textarea = page.locator(f"#add-{stage.pk}-action textarea")
    textarea.focus()
    cdp = page.context.new_cdp_session(page)
    page.keyboard.type("배송 조")
    cdp.send("Input.imeSetComposition", {"text": "회", "selectionStart": 1, "selectionEnd": 1})
    page.evaluate(
        """() => document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {
            key: "Enter", keyCode: 229, isComposing: true, bubbles: true, cancelable: true}))"""
    )
    page.wait_for_timeout(400)
    assert not Card.objects.exists()
    cdp.send("Input.insertText", {"text": "회"})
    page.keyboard.press("Enter")
    expect(page.locator(f"#cards-{stage.pk}-action")).to_contain_text("배송 조회")
    assert list(Card.objects.values_list("text", flat=True)) == ["배송 조회"]


def test_a_long_card_folds_and_unfolds(page, board):
    stage = board.stages.first()
    long_text = "\n".join(f"{n}번째 줄: 상담원이 같은 질문을 반복했다" for n in range(1, 11))
    card = Card.objects.create(stage=stage, lane=Lane.THOUGHT, text=long_text)
    short = Card.objects.create(stage=stage, lane=Lane.THOUGHT, text="짧은 카드")
    page.reload()
    more = page.locator(f"#card-{card.pk} button.more")
    expect(more).to_have_text("더 보기")
    expect(page.locator(f"#card-{short.pk} button.more")).to_have_count(0)
    text = page.locator(f"#card-{card.pk} .card-text")
    folded = text.bounding_box()["height"]
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(more).to_have_text("접기")
    assert text.bounding_box()["height"] > folded * 1.4


def test_what_you_typed_survives_a_reload_until_it_is_sent(page, board):
    stage = board.stages.first()
    add = page.locator(f"#add-{stage.pk}-pain_point")
    add.locator("summary").click()
    add.locator("textarea").fill("결제 단계가 너무 많다")
    page.reload()
    restored = page.locator(f"#add-{stage.pk}-pain_point")
    expect(restored).to_have_attribute("open", "")
    expect(restored.locator("textarea")).to_have_value("결제 단계가 너무 많다")
    restored.locator("textarea").press("Enter")
    expect(page.locator(f"#cards-{stage.pk}-pain_point")).to_contain_text("결제 단계가 너무 많다")
    page.reload()
    # Sent: no draft is kept, and the form stays closed, as it was never opened.
    expect(page.locator(f"#add-{stage.pk}-pain_point")).not_to_have_attribute("open", "")
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('journeymap-draft:')).length"
    assert page.evaluate(drafts) == 0
    assert Card.objects.count() == 1
