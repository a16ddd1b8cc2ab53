"""The whole four-step workshop of DOMAIN.md in four browsers: the facilitator's console, two
people of team 1 and one of team 2. Private writing, the reveal, dot voting, MOTs from the
vote, a reading aid, the gallery and the presentation, as people would click them. Each
step leaves a screenshot in artifacts/ (full-workshop-*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from maps.models import Card, EmotionCard
from tests.conftest import load_demo
from tests.e2e.conftest import ARTIFACTS
from workshops.models import Workshop

# `once`: the longest browser test (four browsers, ~30 s); the live and workshop browser tests
# run on both backends.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.once]


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"full-workshop-{name}.png"), full_page=True)


def join(page, url, name, team):
    page.goto(f"{url}/j/{Workshop.objects.get(closed_at=None).join_token}/")
    page.fill("input[name=display_name]", name)
    page.check(f"input[name=team][value='{team.pk}']")
    page.get_by_role("button", name=re.compile("참여|Join")).click()
    page.wait_for_url(f"{url}/maps/{team.journey_map_id}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")


def control(host, action, **fields):
    """Press one console control and wait for the agenda panel to come back."""
    form = host.locator(f"form[action$='/control/{action}/']")
    if "step" in fields:  # the agenda has a form per step, with a hidden step number
        form = form.filter(has=host.locator(f"input[name=step][value='{fields.pop('step')}']"))
    form = form.first
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    with host.expect_response(re.compile(f"/control/{action}/")):
        form.locator("button[type=submit]").click()
    expect(host.locator("#agenda")).to_be_visible()


def add_card(page, stage, lane, text):
    details = page.locator(f"#add-{stage.pk}-{lane}")
    if not details.evaluate("e => e.open"):
        details.locator("summary").click()
    details.locator("textarea[name=text]").fill(text)
    with page.expect_response(re.compile("/cards/add/")):
        details.locator("textarea[name=text]").press("Control+Enter")


def add_emotion(page, card, score, words):
    details = page.locator(f"#emotion-tp-{card.pk}")
    details.locator("summary").click()
    details.locator("input[name=words]").fill(words)
    with page.expect_response(re.compile("/emotions/add/")):
        details.locator(f"button[name=score][value='{score}']").click()


def test_a_facilitator_runs_the_four_steps_for_two_teams(daphne, screens, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    load_demo()
    open_screen = screens
    url = daphne.url
    workshop = Workshop.objects.get(closed_at=None)
    team_1, team_2 = workshop.teams.all()
    stages_1 = list(team_1.journey_map.stages.all())
    stages_2 = list(team_2.journey_map.stages.all())

    host = open_screen("full-workshop-console")
    host.goto(f"{url}/login/")
    host.fill("input[name=username]", "facilitator")
    host.fill("input[name=password]", "journeymap-demo")
    host.click("button.primary")
    host.goto(f"{url}/workshops/{workshop.pk}/")
    minji, seoyeon, junho = (
        open_screen(f"full-workshop-{n}") for n in ("minji", "seoyeon", "junho")
    )
    join(minji, url, "김민지", team_1)
    join(seoyeon, url, "이서연", team_1)
    join(junho, url, "박준호", team_2)
    expect(host.locator(f"[data-testid=team-{team_1.pk}]")).to_contain_text("이서연")

    # Step 1 · topic and persona: only the set-up is open.
    control(host, "start")
    expect(minji.locator("[data-testid=current-step]")).to_contain_text("1")
    minji.locator(".persona > .btn").click()
    minji.fill("#map-header input[name=name]", "김투자 (35세, 직장인)")
    minji.fill("#map-header textarea[name=goals]", "노후 자금을 안전하게 불리고 싶다")
    minji.locator("#map-header button[type=submit]").click()
    expect(seoyeon.locator(".persona")).to_contain_text("김투자")
    junho.locator(".title-row > .btn").click()
    junho.fill("#map-header input[name=start_point]", "에너지 투자 상품을 처음 알게 됨")
    junho.fill("#map-header input[name=end_point]", "첫 투자 후 수익을 확인함")
    junho.locator("#map-header button[type=submit]").click()
    expect(junho.locator(".route")).to_contain_text("첫 투자 후")
    expect(minji.locator(f"#add-{stages_1[0].pk}-touchpoint")).to_be_hidden()  # not yet
    shot(minji, "1-persona")

    # Step 2 · actions, touchpoints, emotions, with the emotion cards written privately.
    control(host, "step", step="1")
    control(host, "private-start")
    expect(minji.locator(".room-private")).to_be_visible()
    expect(minji.locator("#private-mine")).to_be_visible()
    add_card(minji, stages_1[0], "action", "유튜브 광고에서 상품을 본다")
    add_card(minji, stages_1[0], "touchpoint", "유튜브 광고")
    add_card(seoyeon, stages_1[1], "touchpoint", "모바일 앱 가입")
    expect(minji.locator(f"#cards-{stages_1[1].pk}-touchpoint")).to_contain_text("모바일 앱 가입")
    ad = Card.objects.get(text="유튜브 광고")
    app = Card.objects.get(text="모바일 앱 가입")
    expect(seoyeon.locator(f"#emotion-tp-{ad.pk}")).to_be_visible()
    add_emotion(minji, ad, "1", "궁금하다")
    add_emotion(seoyeon, ad, "-1", "광고가 과장 같아 믿기 어렵다")
    add_emotion(seoyeon, app, "-2", "본인인증이 세 번이나 실패")
    # Each sees their own on the touchpoint, marked private, and nobody else's.
    mine = minji.locator(f"#card-{ad.pk} [data-testid=private-emotion]")
    expect(mine).to_contain_text("궁금하다")
    expect(seoyeon.locator(f"#card-{app.pk} [data-testid=private-emotion]")).to_contain_text(
        "본인인증이 세 번이나 실패"
    )
    expect(seoyeon.locator(f"#card-{ad.pk} [data-testid=private-emotion]")).to_contain_text(
        "광고가 과장 같아"
    )
    # Nobody sees the others' feelings before the reveal, not even the facilitator.
    assert "궁금하다" not in seoyeon.content() and "본인인증" not in minji.content()
    waiting = host.locator(f"[data-testid=team-{team_1.pk}] [data-testid=hidden-count]")
    expect(waiting).to_contain_text("3", timeout=12_000)  # the overview refreshes every 5 s
    shot(seoyeon, "2-private")
    add_card(junho, stages_2[0], "touchpoint", "상담 챗봇")
    bot = Card.objects.get(text="상담 챗봇")
    add_emotion(junho, bot, "-1", "답이 엉뚱하다")
    control(host, "reveal")
    for page in (minji, seoyeon):
        expect(page.locator(f"#card-{app.pk}")).to_contain_text("본인인증이 세 번이나 실패")
        expect(page.locator(f"#card-{ad.pk}")).to_contain_text("궁금하다")
        expect(page.locator("#private-mine")).to_be_hidden()
        expect(page.locator(".private-mirror")).to_have_count(0)
    expect(junho.locator(f"#card-{bot.pk}")).to_contain_text("답이 엉뚱하다")
    assert EmotionCard.all_objects.exclude(private_to="").count() == 0
    shot(minji, "2-revealed")

    # Step 3 · choose MOTs by dot voting, read the map, write opportunities and plans.
    control(host, "step", step="2")
    control(host, "vote-open", lane="touchpoint", dots="2")
    expect(minji.locator("#my-dots")).to_contain_text("2")
    minji.locator(f"#card-{app.pk} .dot-add").click()
    expect(minji.locator("#my-dots")).to_contain_text("1")
    minji.locator(f"#card-{app.pk} .dot-add").click()
    expect(minji.locator("#my-dots")).to_contain_text("0")
    minji.locator(f"#card-{ad.pk} .dot-add").click()  # a third dot: refused, said why
    expect(minji.locator(".toast")).to_contain_text("2")
    seoyeon.locator(f"#card-{ad.pk} .dot-add").click()
    expect(seoyeon.locator("#vote-results li").first).to_contain_text("모바일 앱 가입")
    expect(minji.locator("#vote-results")).to_contain_text("유튜브 광고")  # ranked live
    expect(minji.locator(f"#card-{app.pk} [data-testid=votes]")).to_have_text("● 2")
    shot(minji, "3-vote")
    control(host, "vote-close")
    control(host, "mot-top", count="1")
    expect(seoyeon.locator(f"#card-{app.pk} .mot-toggle")).to_have_attribute("aria-pressed", "true")
    expect(seoyeon.locator(f"#card-{ad.pk} .mot-toggle")).to_have_attribute("aria-pressed", "false")
    assert Card.objects.get(pk=app.pk).is_mot

    seoyeon.get_by_role("button", name=re.compile("단계별로 읽기|Read down a stage")).click()
    expect(seoyeon.locator(".focus-prompt")).to_contain_text(stages_1[0].name)
    seoyeon.keyboard.press("ArrowRight")
    expect(seoyeon.locator(".focus-prompt")).to_contain_text(stages_1[1].name)
    expect(seoyeon.locator(f"#stage-{stages_1[0].pk}")).to_have_css("opacity", "0.22")
    expect(seoyeon.locator(f"#stage-{stages_1[1].pk}")).to_have_css("opacity", "1")
    shot(seoyeon, "3-read-down-a-stage")
    seoyeon.keyboard.press("Escape")
    expect(seoyeon.locator(".focus-prompt")).to_be_hidden()

    add_card(seoyeon, stages_1[1], "opportunity", "본인인증을 간편인증 한 번으로")
    opportunity = Card.objects.get(text="본인인증을 간편인증 한 번으로")
    plan = seoyeon.locator(f"#plan-add-{opportunity.pk}")
    plan.locator("summary").click()
    plan.locator("input[name=what]").fill("간편인증 도입 검토")
    plan.locator("input[name=owner]").fill("디지털채널팀 이서연")
    plan.locator("input[name=due_date]").fill("2026-12-31")
    plan.locator("button[type=submit]").click()
    expect(minji.locator("#plans")).to_contain_text("디지털채널팀 이서연")

    # Step 4 · sharing: the gallery, then everyone on team 1's map, full screen.
    control(host, "step", step="3")
    expect(minji.locator(f"#add-{stages_1[0].pk}-action")).to_be_hidden()  # read and discuss
    control(host, "gallery-open")
    host.locator("#go-where").select_option(f"team:{team_1.pk}")
    control(host, "go")
    present = f"{url}/workshops/{workshop.pk}/present/{team_1.pk}/"
    for page in (minji, seoyeon, junho):
        page.wait_for_url(present)
    expect(junho.locator("body")).to_contain_text("간편인증 도입 검토")
    # Those watching see the MOTs there are, not an outlined toggle on every touchpoint.
    unmarked = junho.locator(".mot-toggle[aria-pressed=false]")
    assert unmarked.count() > 0
    for toggle in unmarked.all():
        expect(toggle).to_be_hidden()
    expect(junho.locator(".mot-toggle[aria-pressed=true]").first).to_be_visible()
    shot(junho, "4-presenting")
    # Presenting is over: everyone back to their own team's map, from a page with no board.
    host.locator("#go-where").select_option("own")
    control(host, "go")
    minji.wait_for_url(f"{url}/maps/{team_1.journey_map_id}/")
    junho.wait_for_url(f"{url}/maps/{team_2.journey_map_id}/")
    pdf = host.request.get(f"{url}/workshops/{workshop.pk}/export.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
