"""Hostile text in every field, on real screens: nothing runs, everything reads as typed."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from maps.models import Card, Lane
from tests.e2e.conftest import watch
from tests.xss import PAYLOADS, fill_with_payloads

# `once`: what the browser does with the page; both backends render the same HTML.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.once]


def test_no_payload_runs_on_the_board_the_console_or_in_a_push(daphne, browser, workshop, editor):
    journey_map = fill_with_payloads(workshop)
    workshop.gallery_open = True
    workshop.save()
    facilitator = Client()
    facilitator.force_login(editor)
    member = Client()
    member.post(
        f"/j/{workshop.join_token}/",
        {"display_name": PAYLOADS[1][:100], "team": journey_map.team.pk},
    )

    dialogs, errors, pages = [], [], []
    for client in (facilitator, member):
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="ko-KR")
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": daphne.url}]
        )
        page = context.new_page()
        watch(page, errors)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        pages.append(page)
    host, person = pages
    for path in (
        f"/workshops/{workshop.pk}/",
        f"/workshops/{workshop.pk}/gallery/",
        f"/workshops/{workshop.pk}/present/{journey_map.team.pk}/",
        f"/maps/{journey_map.pk}/",
    ):
        host.goto(daphne.url + path)
    person.goto(f"{daphne.url}/maps/{journey_map.pk}/")
    expect(person.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(host.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(person.locator("#map-header h1")).to_have_text(PAYLOADS[1])  # read as typed

    # A payload typed by someone else arrives by push.
    stage = journey_map.stages.first()
    details = person.locator(f"#add-{stage.pk}-thought")
    details.locator("summary").click()
    typed = PAYLOADS[2] + " · " + PAYLOADS[0]
    details.locator("textarea[name=text]").fill(typed)
    details.locator("textarea[name=text]").press("Control+Enter")
    card = host.locator(f"#cards-{stage.pk}-thought .card").last
    expect(card.locator(".card-text")).to_have_text(typed)
    assert Card.objects.filter(lane=Lane.THOUGHT, text=typed).count() == 1
    for page in pages:
        assert page.locator("img[src=x], iframe, svg[onload]").count() == 0
        assert page.evaluate("typeof window.xss") == "undefined"
    assert dialogs == [] and errors == [], (dialogs, errors)
