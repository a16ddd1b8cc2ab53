"""A workshop in three browsers: the facilitator's console and two participants who join
without an account, one by typing the code and one by the link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import load_demo
from workshops.models import Participant, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def clock_seconds(page) -> int:
    minutes, seconds = page.locator("[data-testid=clock]").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def test_the_facilitator_starts_step_2_and_every_participant_sees_it(daphne, screens, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    load_demo()
    workshop = Workshop.objects.get(closed_at=None)
    team_1, team_2 = workshop.teams.all()

    host = screens("workshop-console")
    host.goto(f"{daphne.url}/login/")
    host.fill("input[name=username]", "facilitator")
    host.fill("input[name=password]", "journeymap-demo")
    host.click("button.primary")
    host.goto(f"{daphne.url}/workshops/{workshop.pk}/")
    code = host.locator("[data-testid=join-code]").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{3} [A-Z2-9]{3}", code)

    # One participant types the code on the landing page, in lower case.
    minji = screens("workshop-participant-code")
    minji.goto(f"{daphne.url}/")
    minji.fill("input[name=code]", code.lower())
    minji.keyboard.press("Enter")
    minji.fill("input[name=display_name]", "김민지")
    minji.fill("input[name=organisation]", "마케팅팀")
    minji.check(f"input[name=team][value='{team_1.pk}']")
    minji.get_by_role("button", name=re.compile("참여|Join")).click()
    minji.wait_for_url(f"{daphne.url}/maps/{team_1.journey_map_id}/")
    expect(minji.locator("[data-testid=me]")).to_have_text("김민지")
    expect(minji.locator("#live-status")).to_have_attribute("data-state", "live")

    # The other opens the link (or the QR code) and lets the app pick the team.
    junho = screens("workshop-participant-link")
    junho.goto(f"{daphne.url}/j/{workshop.join_token}/")
    junho.fill("input[name=display_name]", "박준호")
    junho.get_by_role("button", name=re.compile("참여|Join")).click()
    junho.wait_for_url(f"{daphne.url}/maps/{team_2.journey_map_id}/")
    expect(junho.locator("#live-status")).to_have_attribute("data-state", "live")
    assert Participant.objects.count() == 2

    # The console lists both in their teams (it refreshes itself).
    expect(host.locator(f"[data-testid=team-{team_1.pk}]")).to_contain_text("김민지")
    expect(host.locator(f"[data-testid=team-{team_2.pk}]")).to_contain_text("박준호")

    # Step 2, straight from the agenda.
    host.locator("form[action$='/control/step/']:has(input[name=step][value='1'])").first.locator(
        "button"
    ).click()
    for page in (minji, junho):
        expect(page.locator("[data-testid=current-step]")).to_contain_text("2")
        expect(page.locator("[data-testid=clock]")).to_have_text(re.compile(r"^2[45]:\d\d$"))
    first = clock_seconds(minji)
    minji.wait_for_timeout(2200)
    assert clock_seconds(minji) <= first - 2  # it counts down
    assert abs(clock_seconds(minji) - clock_seconds(junho)) <= 1  # and agrees across screens

    # Step 2 opens actions and touchpoints, not opportunities.
    stage = team_1.journey_map.stages.first()
    expect(minji.locator(f"#add-{stage.pk}-action")).to_be_visible()
    expect(minji.locator(f"#add-{stage.pk}-opportunity")).to_be_hidden()
    details = minji.locator(f"#add-{stage.pk}-action")
    details.locator("summary").click()
    details.locator("textarea[name=text]").fill("앱에서 상품을 비교한다")
    details.locator("textarea[name=text]").press("Control+Enter")
    expect(minji.locator(f"#cards-{stage.pk}-action")).to_contain_text("앱에서 상품을 비교한다")

    # Locking the board takes the controls away on every participant's screen at once.
    host.locator("form[action$='/control/lock/'] button").click()
    expect(minji.locator(f"#add-{stage.pk}-action")).to_be_hidden()
    expect(junho.locator(".room-lock")).to_be_visible()

    # Sharing: open the gallery and bring everyone to team 2's map, full screen.
    # Each control re-renders the agenda panel: wait for one before the next.
    host.locator("form[action$='/control/unlock/'] button").click()
    expect(host.locator("form[action$='/control/lock/'] button")).to_be_visible()
    host.locator("form[action$='/control/gallery-open/'] button").click()
    expect(host.locator("form[action$='/control/gallery-close/'] button")).to_be_visible()
    host.locator("#go-where").select_option(f"team:{team_2.pk}")
    host.locator("form.go-form button[type=submit]").click()
    present = f"{daphne.url}/workshops/{workshop.pk}/present/{team_2.pk}/"
    for page in (minji, junho):
        page.wait_for_url(present)
        expect(page.locator(".present-nav")).to_contain_text(team_2.name)
    # A presentation only reads: no edit or export buttons, the map zoomed to fill the screen
    # (a four-stage map grows on a 1400-pixel screen), + and 0 change the size and give it back.
    expect(junho.locator(".exports")).to_be_hidden()
    expect(junho.locator(".add-card").first).to_be_hidden()
    stage = junho.locator("#present-stage")
    fitted = float(stage.evaluate("el => el.style.zoom"))
    assert fitted > 1
    junho.keyboard.press("+")
    assert float(stage.evaluate("el => el.style.zoom")) > fitted
    junho.keyboard.press("0")
    assert float(stage.evaluate("el => el.style.zoom")) == fitted
    junho.keyboard.press("ArrowLeft")
    junho.wait_for_url(f"{daphne.url}/workshops/{workshop.pk}/present/{team_1.pk}/")
