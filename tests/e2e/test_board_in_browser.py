from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maps.models import Card, JourneyMap, Lane
from tests.conftest import load_demo
from tests.e2e.conftest import card_button, image_drawn, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_map():
    load_demo()
    return JourneyMap.objects.get(team=None)


def test_a_facilitator_adds_a_korean_touchpoint_flags_it_mot_and_it_survives_reload(
    page, live_server, demo_map, artifacts
):
    log_in(page, live_server)
    page.get_by_role("link", name=demo_map.title).click()
    expect(page.get_by_role("heading", name=demo_map.title)).to_be_visible()

    stage = demo_map.stages.get(name="고려")
    add = page.locator(f"#add-{stage.pk}-touchpoint")
    add.locator("summary").click()
    add.locator("textarea[name=text]").fill("카카오톡 상담 채널")
    add.locator("select[name=channel]").select_option("chat")
    add.get_by_role("button", name="추가").click()

    card = page.locator(f"#stage-{stage.pk} article.card", has_text="카카오톡 상담 채널")
    expect(card).to_be_visible()
    card.get_by_role("button", name="★ MOT").click()
    expect(page.locator("article.card.mot", has_text="카카오톡 상담 채널")).to_be_visible()

    page.reload()
    card = page.locator("article.card", has_text="카카오톡 상담 채널")
    expect(card).to_have_class("card lane-touchpoint mot")
    expect(card.get_by_role("button", name="★ MOT")).to_have_attribute("aria-pressed", "true")
    saved = Card.objects.get(text="카카오톡 상담 채널")
    assert (saved.lane, saved.stage, saved.channel, saved.is_mot) == (
        Lane.TOUCHPOINT,
        stage,
        "chat",
        True,
    )
    page.screenshot(path=str(artifacts / "board-after-mot.png"), full_page=True)

    # A MOT takes an action plan of its own, and the emotion cards can show who wrote them.
    card.locator("details.add-plan summary").click()
    card.locator("details.add-plan input[name=what]").fill("카카오톡 상담 대기 시간 안내")
    card.locator("details.add-plan input[name=owner]").fill("CS 팀장")
    card.locator("details.add-plan button[type=submit]").click()
    expect(page.locator("#plans")).to_contain_text("★ MOT · 카카오톡 상담 채널")
    named = page.locator(".emotion .who", has_text="김민지").first
    expect(named).to_be_hidden()
    page.get_by_role("button", name="감정 카드 쓴 사람 보기").click()
    expect(named).to_be_visible()
    page.reload()
    expect(page.locator(".emotion .who", has_text="김민지").first).to_be_visible()


def test_an_empty_card_shows_the_error_in_place(page, live_server, demo_map):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    stage = demo_map.stages.first()
    add = page.locator(f"#add-{stage.pk}-thought")
    add.locator("summary").click()
    # The browser's own check would stop an empty textarea; spaces pass it and reach the server.
    add.locator("textarea[name=text]").fill("   ")
    add.get_by_role("button", name="추가").click()
    expect(page.locator(f"#add-{stage.pk}-thought [role=alert]")).to_have_text(
        "카드에 내용을 적어 주세요."
    )
    assert demo_map.cards.filter(lane=Lane.THOUGHT, stage=stage).count() == 1


def test_cards_move_by_keyboard_and_the_editor_closes_with_escape(page, live_server, demo_map):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    card = demo_map.cards.get(text="이런 투자는 처음인데 믿을 만할까?")
    card_button(page.locator(f"#card-{card.pk}"), "다음 단계로").focus()
    page.keyboard.press("Enter")
    second = demo_map.stages.get(position=1)
    expect(page.locator(f"#stage-{second.pk}")).to_contain_text("이런 투자는 처음인데")
    card.refresh_from_db()
    assert card.stage == second

    card_button(page.locator(f"#card-{card.pk}"), "카드 편집").click()
    editor = page.locator(f"form#card-{card.pk}")
    expect(editor.locator("textarea")).to_be_focused()
    editor.locator("textarea").fill("바뀌면 안 되는 글")
    page.keyboard.press("Escape")
    expect(page.locator(f"article#card-{card.pk}")).to_contain_text("이런 투자는 처음인데")
    card.refresh_from_db()
    assert card.text == "이런 투자는 처음인데 믿을 만할까?"


def test_a_card_is_dragged_to_another_stage_and_lane_or_sent_to_a_lane_by_keyboard(
    page, live_server, demo_map
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    card = demo_map.cards.get(text="꾸준히 들어오니 안심이 된다")
    first = demo_map.stages.get(position=0)
    page.locator(f"#card-{card.pk}").drag_to(page.locator(f"#cell-{first.pk}-thought .cards"))
    expect(page.locator(f"#cell-{first.pk}-thought")).to_contain_text("꾸준히 들어오니")
    card.refresh_from_db()
    assert card.stage == first

    # Into another lane: a thought that was really a pain point.
    page.locator(f"#card-{card.pk}").drag_to(page.locator(f"#cell-{first.pk}-pain_point"))
    expect(page.locator(f"#cell-{first.pk}-pain_point")).to_contain_text("꾸준히 들어오니")
    expect(page.locator(f"#cell-{first.pk}-thought")).not_to_contain_text("꾸준히 들어오니")
    card.refresh_from_db()
    assert (card.stage, card.lane) == (first, Lane.PAIN_POINT)

    # By keyboard: the card's lane menu (without its own lane) sends it to the touchpoints.
    moved = page.locator(f"#card-{card.pk}")
    moved.focus()
    menu = moved.get_by_role("combobox", name="다른 레인으로 옮기기")
    assert "페인 포인트" not in menu.inner_text()  # its own lane is not offered
    menu.focus()
    menu.select_option("touchpoint")
    cell = page.locator(f"#cell-{first.pk}-touchpoint")
    expect(cell.locator(f"#card-{card.pk}")).to_have_class("card lane-touchpoint")
    card.refresh_from_db()
    assert card.lane == Lane.TOUCHPOINT

    # A touchpoint with emotion cards cannot become a thought: the toast names them.
    felt = demo_map.cards.filter(lane=Lane.TOUCHPOINT, emotion_cards__isnull=False).first()
    count = felt.emotion_cards.count()
    tools = page.locator(f"#card-{felt.pk}")
    tools.hover()
    tools.get_by_role("combobox", name="다른 레인으로 옮기기").select_option("thought")
    expect(page.locator("#toasts")).to_contain_text(f"감정 카드 {count}장")
    expect(tools.get_by_role("combobox", name="다른 레인으로 옮기기")).to_have_value("")
    felt.refresh_from_db()
    assert felt.lane == Lane.TOUCHPOINT


def test_cards_are_written_freely_then_sorted_by_drag_and_by_keyboard(page, live_server, demo_map):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    tray = page.locator("#cell--unsorted")
    expect(tray).to_contain_text("먼저 여기에 자유롭게 쓰고")  # the empty area says what it is for
    for text in ("수수료가 얼마인지 모르겠다", "카카오톡 알림"):
        form = page.locator("#add--unsorted")
        if not form.evaluate("details => details.open"):
            form.locator("summary").click()
        textarea = form.locator("textarea")
        textarea.fill(text)
        textarea.press("Enter")
        expect(tray.locator(".card", has_text=text)).to_be_visible()
    fee = demo_map.cards.get(text="수수료가 얼마인지 모르겠다")
    alert = demo_map.cards.get(text="카카오톡 알림")
    assert fee.stage is None and alert.stage is None

    first, second = demo_map.stages.all()[:2]
    # (To a cell in view: Playwright's drag does not scroll the way a person's does.)
    page.locator(f"#card-{fee.pk}").drag_to(page.locator(f"#cell-{first.pk}-action"))
    expect(page.locator(f"#cell-{first.pk}-action")).to_contain_text("수수료가 얼마인지")
    expect(tray).not_to_contain_text("수수료가 얼마인지")

    # By keyboard: the card's "place in…" menu names every stage and lane.
    card = page.locator(f"#card-{alert.pk}")
    card.focus()
    menu = card.get_by_role("combobox", name="단계와 레인에 놓기")
    menu.focus()
    menu.select_option(f"{second.pk}:touchpoint")
    placed = page.locator(f"#cell-{second.pk}-touchpoint #card-{alert.pk}")
    expect(placed).to_have_class("card lane-touchpoint")
    fee.refresh_from_db()
    alert.refresh_from_db()
    assert (fee.stage, fee.lane) == (first, Lane.ACTION)
    assert (alert.stage, alert.lane) == (second, Lane.TOUCHPOINT)
    expect(tray.locator(".card")).to_have_count(0)


def test_two_duplicates_are_merged_and_the_merge_is_undone_with_ctrl_z(page, live_server, demo_map):
    stage = demo_map.stages.first()
    a = Card.objects.create(stage=stage, lane=Lane.THOUGHT, text="수수료가 궁금하다", position=9)
    b = Card.objects.create(stage=stage, lane=Lane.THOUGHT, text="수수료 얼마?", position=10)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    for card in (a, b):
        card_button(page.locator(f"#card-{card.pk}"), "합칠 카드로 고르기").click()
    bar = page.locator("#merge-bar")
    expect(bar).to_contain_text("2장 고름")
    bar.get_by_role("button", name="합치기").click()
    expect(page.locator(f"#card-{b.pk}")).to_have_count(0)
    expect(page.locator(f"#card-{a.pk}")).to_contain_text("2장 합침")
    expect(bar).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text("카드 2장을 합쳤습니다")
    page.keyboard.press("Control+z")
    expect(page.locator(f"#card-{b.pk}")).to_contain_text("수수료 얼마?")
    expect(page.locator(f"#card-{a.pk}")).not_to_contain_text("합침")
    a.refresh_from_db()
    assert a.joined == [] and Card.objects.filter(pk=b.pk).exists()


def test_an_opportunity_is_scored_ranked_and_turned_into_a_plan(page, live_server, demo_map):
    from maps.models import OpportunityScore

    card, other = demo_map.cards.filter(lane=Lane.OPPORTUNITY)[:2]
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    expect(page.locator("#priorities")).to_contain_text("아직 점수를 매긴 개선 기회가 없습니다")
    OpportunityScore.objects.create(
        journey_map=demo_map,
        card=other,
        scorer="u0",
        customer_value=2,
        business_value=2,
        effort=5,
    )
    card_button(page.locator(f"#card-{card.pk}"), "이 개선 기회에 점수 매기기: 가치와 노력").click()
    form = page.locator(f"form#card-{card.pk}")
    for name, value in (("customer_value", "5"), ("business_value", "3"), ("effort", "2")):
        form.locator(f"input[name={name}][value='{value}']").check()
    form.get_by_role("button", name="점수 저장").click()
    expect(page.locator(f"article#card-{card.pk}")).to_contain_text(
        "고객 5.0 · 사업 3.0 · 노력 2.0"
    )
    ranking = page.locator("#priorities")
    expect(ranking.locator("table")).to_contain_text(card.text[:10])
    image_drawn(ranking.locator("img"))
    expect(ranking.locator("tbody tr")).to_have_count(2)  # the other, scored meanwhile, below
    ranking.get_by_role("button", name="계획으로 만들기").first.click()
    what = page.locator(f"#plan-add-{card.pk} [name=what]")
    expect(what).to_be_focused()
    expect(what).to_have_value(card.text)
    # Several at once: each chosen opportunity's plan form opens, written with its words.
    ranking.locator("[data-plan-pick]").nth(1).check()
    ranking.get_by_role("button", name="고른 기회를 계획으로 만들기").click()
    expect(page.locator(f"#plan-add-{other.pk} [name=what]")).to_have_value(other.text)


def test_the_curve_redraws_after_an_emotion_card_and_the_pdf_downloads(
    page, live_server, demo_map, artifacts
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    chart = page.locator("#curve img.curve-chart").first  # the stage curve; by touchpoint next
    expect(chart).to_be_visible()
    image_drawn(chart)
    stage = demo_map.stages.get(name="구매")
    before = chart.get_attribute("alt")
    assert "구매" in before

    form = page.locator(f"#emotion-st-{stage.pk}")
    form.locator("summary").click()
    form.locator("input[name=words]").fill("드디어 끝났다")
    form.get_by_role("button", name="+2").click()
    # The curve comes back in the same answer (and in the push to the rest of the room): a
    # new address, so the browser draws the new curve.
    expect(chart).not_to_have_attribute("alt", before)
    assert "구매: 카드 6장" in chart.get_attribute("alt")
    image_drawn(chart)
    page.locator("#curve").screenshot(path=str(artifacts / "curve-panel.png"))

    export = page.locator("a[href$='/export.pdf']")
    # Record what the link says while the PDF is being made (it may take well under a second).
    page.evaluate(
        """link => {
            window.busyLabels = [];
            const seen = () => {
                if (link.getAttribute("aria-busy") === "true") {
                    window.busyLabels.push(link.textContent);
                }
            };
            new MutationObserver(seen).observe(
                link, {attributes: true, childList: true, characterData: true, subtree: true}
            );
        }""",
        export.element_handle(),
    )
    with page.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert "PDF 만드는 중…" in page.evaluate("window.busyLabels")
    # The title's ":" is not allowed in file names on Windows.
    assert (
        download.suggested_filename
        == "에너지 투자 플랫폼 첫 투자에서 세 번째 투자까지-여정 지도.pdf"
    )
    path = artifacts / "browser-export.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    expect(export).to_have_text("PDF 내보내기")


def test_an_open_editor_keeps_focus_and_text_when_the_board_is_re_read(page, live_server, demo_map):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/maps/{demo_map.pk}/")
    card = demo_map.cards.get(text="이런 투자는 처음인데 믿을 만할까?")
    card_button(page.locator(f"#card-{card.pk}"), "카드 편집").click()
    textarea = page.locator(f"form#card-{card.pk} textarea")
    expect(textarea).to_be_focused()
    textarea.fill("쓰는 중인 글")

    # Someone else changes the map; this page re-reads the whole board (as after a gap).
    other = demo_map.cards.get(text="두 번째, 세 번째 투자를 한다")
    other.text = "다른 사람이 고친 글"
    other.save()
    page.evaluate("window.journeymapLive.resync()")
    expect(page.locator("article.card", has_text="다른 사람이 고친 글")).to_be_visible()
    expect(textarea).to_be_focused()
    expect(textarea).to_have_value("쓰는 중인 글")
    page.keyboard.press("Escape")  # still reaches the editor
    expect(page.locator(f"article#card-{card.pk}")).to_contain_text("이런 투자는 처음인데")
