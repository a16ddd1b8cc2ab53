"""The board driven by keyboard alone: Tab to reach, Enter to press, typing to write. Only
`keyboard` calls after the page opens; no clicks, no focus() from the test."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from maps.models import Card, Lane
from tests.e2e.conftest import watch

# `once`: what the browser does with the page; both backends render the same HTML.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.once]


def tab_to(page, selector: str, limit: int = 600) -> None:
    """Press Tab until the element matching `selector` has the focus, as a person would."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_participant_adds_edits_moves_flags_and_votes_by_keyboard(daphne, browser, workshop):
    team = workshop.teams.get(name="팀 A")
    journey_map = team.journey_map
    first, second = list(journey_map.stages.all())[:2]
    touchpoint = Card.objects.create(stage=first, lane=Lane.TOUCHPOINT, text="콜센터")
    workshop.open_vote(Lane.TOUCHPOINT, 2)
    member = Client()
    member.post(f"/j/{workshop.join_token}/", {"display_name": "키보드", "team": team.pk})
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    context.add_cookies(
        [{"name": "sessionid", "value": member.cookies["sessionid"].value, "url": daphne.url}]
    )
    page = context.new_page()
    errors = []
    watch(page, errors)
    page.goto(f"{daphne.url}/maps/{journey_map.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")

    # Add: open the cell's add form, type, Ctrl+Enter.
    tab_to(page, f"#add-{first.pk}-action > summary")
    page.keyboard.press("Enter")
    # Opening puts the cursor in the text. (Tabbing meanwhile raced the form's arrival: a Tab
    # before it left the fresh, empty form, which then closed.)
    expect(page.locator(f"#add-{first.pk}-action textarea")).to_be_focused()
    page.keyboard.type("키보드로 쓴 카드")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#cards-{first.pk}-action")).to_contain_text("키보드로 쓴 카드")
    card = Card.objects.get(text="키보드로 쓴 카드")

    # Edit: the card's edit button, the text, Ctrl+Enter saves.
    tab_to(page, f"#card-{card.pk} button[aria-label='카드 편집']")
    page.keyboard.press("Enter")
    expect(page.locator(f"form#card-{card.pk} textarea")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("키보드로 고친 카드")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"article#card-{card.pk}")).to_contain_text("키보드로 고친 카드")

    # Move it to the next stage.
    tab_to(page, f"#card-{card.pk} button[aria-label='다음 단계로']")
    page.keyboard.press("Enter")
    expect(page.locator(f"#cards-{second.pk}-action")).to_contain_text("키보드로 고친 카드")

    # Flag the touchpoint as a moment of truth.
    tab_to(page, f"#card-{touchpoint.pk} .mot-toggle")
    page.keyboard.press("Enter")
    expect(page.locator(f"#card-{touchpoint.pk} .mot-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )

    # Put a dot on it in the open vote.
    tab_to(page, f"#card-{touchpoint.pk} .dot-add")
    page.keyboard.press("Enter")
    expect(page.locator(f"#votes-{touchpoint.pk}")).to_have_text("● 1")
    expect(page.locator("#my-dots")).to_contain_text("1")

    card.refresh_from_db()
    touchpoint.refresh_from_db()
    assert (card.text, card.stage_id) == ("키보드로 고친 카드", second.pk)
    assert touchpoint.is_mot and touchpoint.votes == 1
    assert errors == []
    context.close()


def test_ctrl_enter_during_a_korean_composition_does_not_send(daphne, browser, editor):
    """Chrome DevTools' IME composition: Ctrl+Enter while 한글 is still being composed only
    ends the composition; the card is sent by the next Ctrl+Enter, with every syllable."""
    from maps.models import JourneyMap

    journey_map = JourneyMap.objects.create_from_preset(title="IME", preset="funnel")
    stage = journey_map.stages.first()
    client = Client()
    client.force_login(editor)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": daphne.url}]
    )
    page = context.new_page()
    errors = []
    watch(page, errors)
    page.goto(f"{daphne.url}/maps/{journey_map.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    page.locator(f"#add-{stage.pk}-action > summary").click()
    textarea = page.locator(f"#add-{stage.pk}-action textarea")
    textarea.focus()
    cdp = context.new_cdp_session(page)
    page.keyboard.type("결제 단")
    cdp.send("Input.imeSetComposition", {"text": "계", "selectionStart": 1, "selectionEnd": 1})
    # Mid-composition, Ctrl+Enter as an IME sends it: keyCode 229, isComposing.
    page.evaluate(
        """() => document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {
            key: "Enter", ctrlKey: true, keyCode: 229, isComposing: true, bubbles: true}))"""
    )
    page.wait_for_timeout(500)
    assert not Card.objects.filter(journey_map=journey_map).exists()
    cdp.send("Input.insertText", {"text": "계"})  # the composition ends
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#cards-{stage.pk}-action")).to_contain_text("결제 단계")
    assert list(Card.objects.values_list("text", flat=True)) == ["결제 단계"]
    context.close()
    assert not errors, errors
