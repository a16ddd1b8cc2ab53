"""Lanes a map chooses (issue 15): the catalogue's goal, needs, strengths, evidence and
department lanes, in their places on the board, the PDF, the spreadsheet and the JSON; a lane
turned off that holds cards says how many first."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from maps import importing, map_sheet, pdf, portable
from maps.board import Board
from maps.models import Card, Lane
from tests.test_agenda import control

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def set_lanes(client, journey_map, *lanes, **extra):
    url = reverse("maps:lanes-update", args=[journey_map.pk])
    return client.post(url, {"lanes": list(lanes), **extra}, **HTMX)


def labels(html: str) -> list[str]:
    """The board's lane labels, in order."""
    grid = html[html.index('id="board-grid"') :]
    return re.findall(r'<div class="lane-label lane-(\w+)', grid)


def test_added_lanes_take_their_places_on_every_screen(editor_client, journey_map):
    response = set_lanes(editor_client, journey_map, "strength", "goal")
    assert response.status_code == 200
    journey_map.refresh_from_db()
    assert journey_map.extra_lanes == ["goal", "strength"]
    pushed = response.content.decode()
    assert 'id="board-grid"' in pushed and 'id="lanes"' in pushed  # the room redraws
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    order = ["goal", "action", "touchpoint", "emotion", "thought", "pain_point", "strength"]
    assert labels(board) == [*order, "opportunity"]
    assert "고객 목표" in board and "강점" in board


def test_cards_are_written_and_moved_into_an_added_lane(editor_client, journey_map, stages):
    set_lanes(editor_client, journey_map, "strength")
    add = reverse("maps:card-add", args=[journey_map.pk])
    written = editor_client.post(
        add, {"stage": stages[0].pk, "lane": "strength", "text": "상담원이 친절"}, **HTMX
    )
    assert written.status_code == 200
    thought = Card.objects.create(stage=stages[1], lane=Lane.THOUGHT, text="앱이 빠르다")
    move = reverse("maps:card-move", args=[journey_map.pk, thought.pk])
    assert editor_client.post(move, {"lane": "strength"}, **HTMX).status_code == 200
    assert sorted(journey_map.cards.filter(lane="strength").values_list("text", flat=True)) == [
        "상담원이 친절",
        "앱이 빠르다",
    ]
    # Not a lane of a map without it.
    refused = editor_client.post(
        add, {"stage": stages[0].pk, "lane": "evidence", "text": "고객의 말"}, **HTMX
    )
    assert refused.status_code == 422


def test_turning_off_a_lane_with_cards_says_how_many_first_and_hides_them(
    editor_client, journey_map, stages
):
    set_lanes(editor_client, journey_map, "strength", "evidence")
    for n in range(2):
        Card.objects.create(stage=stages[n], lane=Lane.STRENGTH, text=f"강점 {n}")
    warned = set_lanes(editor_client, journey_map, "evidence")
    assert warned.status_code == 422
    message = warned.content.decode()
    assert "강점" in message and "2" in message and 'name="confirm"' in message
    journey_map.refresh_from_db()
    assert journey_map.extra_lanes == ["strength", "evidence"]

    assert set_lanes(editor_client, journey_map, "evidence", confirm="on").status_code == 200
    journey_map.refresh_from_db()
    assert journey_map.extra_lanes == ["evidence"]
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert "강점 0" not in board and Card.objects.filter(lane=Lane.STRENGTH).count() == 2
    hidden = Card.objects.get(text="강점 0")  # asked for by its address: not on the board
    url = reverse("maps:card", args=[journey_map.pk, hidden.pk])
    assert editor_client.get(url, **HTMX).status_code == 404
    set_lanes(editor_client, journey_map, "evidence", "strength")  # back, with its cards
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert "강점 0" in board and "강점 1" in board


def test_a_lane_outside_the_catalogue_is_refused(editor_client, journey_map):
    assert set_lanes(editor_client, journey_map, "staff").status_code == 422
    assert set_lanes(editor_client, journey_map, "아무거나").status_code == 422
    journey_map.refresh_from_db()
    assert journey_map.extra_lanes == []


def test_added_lanes_open_with_the_writing_steps_and_only_setup_chooses_them(
    workshop, join, editor_client
):
    member = join(workshop, "팀 A")
    journey_map = workshop.teams.get(name="팀 A").journey_map
    journey_map.extra_lanes = ["goal"]
    journey_map.save()
    stage = journey_map.stages.first()
    add = reverse("maps:card-add", args=[journey_map.pk])
    control(editor_client, workshop, "step", step=0)
    assert set_lanes(member, journey_map, "goal", "needs").status_code == 200  # setup is open
    refused = member.post(add, {"stage": stage.pk, "lane": "goal", "text": "목표"}, **HTMX)
    assert refused.status_code == 403
    control(editor_client, workshop, "step", step=1)
    written = member.post(add, {"stage": stage.pk, "lane": "goal", "text": "목표"}, **HTMX)
    assert written.status_code == 200
    assert set_lanes(member, journey_map, "goal").status_code == 403  # setup is closed now


def test_the_pdf_the_sheet_and_the_json_follow_the_map_s_lanes(journey_map, stages):
    journey_map.extra_lanes = ["department"]
    journey_map.save()
    Card.objects.create(stage=stages[0], lane=Lane.DEPARTMENT, text="고객지원팀")
    html = pdf.print_html(journey_map)
    assert "담당 부서" in html and "고객지원팀" in html
    rows = list(map_sheet.rows(Board.load(journey_map)))
    assert [rows[0][1], rows[0][3]] == ["담당 부서", "고객지원팀"]
    data = portable.dump(journey_map)
    assert data["map"]["extra_lanes"] == ["department"]
    copy = importing.load(json.loads(json.dumps(data)))
    assert copy.extra_lanes == ["department"] and portable.dump(copy) == data
    del data["map"]["extra_lanes"]
    with pytest.raises(importing.ImportProblem, match="extra_lanes"):
        importing.load(data)


def test_strengths_are_read_off_the_map_beside_the_weaknesses(
    editor_client, journey_map, stages, sent, django_capture_on_commit_callbacks
):
    from maps.models import EmotionCard

    set_lanes(editor_client, journey_map, "strength")
    good = Card.objects.create(stage=stages[3], lane=Lane.TOUCHPOINT, text="이자 입금 알림")
    EmotionCard.objects.create(touchpoint=good, score=2)
    bad = Card.objects.create(stage=stages[1], lane=Lane.TOUCHPOINT, text="본인 인증")
    EmotionCard.objects.create(touchpoint=bad, score=-2)
    add = reverse("maps:card-add", args=[journey_map.pk])
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            add, {"stage": stages[3].pk, "lane": "strength", "text": "꾸준한 알림"}, **HTMX
        )
    # The panel comes with the strength card: every screen's insights list it.
    panel = sent[-1]["html"][sent[-1]["html"].index('id="curve"') :]
    assert "꾸준한 알림" in panel and stages[3].name in panel
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    insights = board[board.index('class="insights"') :]
    assert "가장 좋은 지점" in insights and "꾸준한 알림" in insights
    journey_map.refresh_from_db()
    overview = pdf.print_html(journey_map)
    overview = overview[overview.index('class="overview"') : overview.index('class="legend"')]
    assert "키울 강점" in overview and "꾸준한 알림" in overview and "이자 입금 알림" in overview
    assert f"가장 좋게 느낀 단계: {stages[3].name}" in overview


def test_a_blueprint_draws_its_line_of_visibility_on_screen_and_on_paper(editor_client):
    from maps.models import JourneyMap, MapType

    blueprint = JourneyMap.objects.create_from_preset(title="청사진", preset="funnel")
    blueprint.map_type = MapType.BLUEPRINT
    blueprint.save()
    board = editor_client.get(reverse("maps:board", args=[blueprint.pk])).content.decode()
    assert labels(board)[0] == "physical" and labels(board)[-4:] == [
        "staff",
        "system",
        "support",
        "policy",
    ]
    assert "가시선" in board and "물리적 증거" in board and "지원 프로세스" in board
    paper = pdf.print_html(blueprint)
    assert "가시선: 고객은 이 아래를 보지 못합니다" in paper


def test_a_day_in_the_life_has_time_of_day_stages_and_a_lane_outside_the_business(
    editor_client,
):
    from maps.models import JourneyMap, MapType

    day = JourneyMap.objects.create_from_preset(title="하루", preset="day")
    assert [s.name for s in day.stages.all()][:3] == ["아침", "출근길", "일과"]
    day.map_type = MapType.DAY_IN_LIFE
    day.save()
    assert Lane.OUTSIDE in day.lanes
    Card.objects.create(stage=day.stages.first(), lane=Lane.OUTSIDE, text="아이 등원")
    # Becoming a current-state map would hide that card: refused, naming the lane.
    url = reverse("maps:details-update", args=[day.pk])
    response = editor_client.post(url, {"title": "하루", "map_type": "current"}, **HTMX)
    assert response.status_code == 422 and "우리 밖의 일" in response.content.decode()
    day.refresh_from_db()
    assert day.map_type == MapType.DAY_IN_LIFE


def test_a_future_state_map_starts_from_the_current_one_and_compares_with_it(
    editor_client, journey_map, stages
):
    from maps.models import ActionPlan, EmotionCard, JourneyMap, MapType

    touchpoint = Card.objects.create(
        stage=stages[1], lane=Lane.TOUCHPOINT, text="상담 대기", is_mot=True, votes=2
    )
    EmotionCard.objects.create(touchpoint=touchpoint, score=-2)
    chance = Card.objects.create(stage=stages[1], lane=Lane.OPPORTUNITY, text="콜백 예약")
    ActionPlan.objects.create(opportunity=chance, what="콜백 도입", owner="이")
    response = editor_client.post(reverse("maps:future-state", args=[journey_map.pk]))
    future = JourneyMap.objects.exclude(pk=journey_map.pk).get()
    assert response.status_code == 302 and response["Location"] == future.get_absolute_url()
    assert (future.map_type, future.continues) == (MapType.FUTURE, journey_map)
    assert future.title.endswith("미래 상태")
    copied = future.cards.get(text="상담 대기")
    assert copied.is_mot and copied.votes == 0 and not copied.emotion_cards.exists()
    assert not future.action_plans.exists()  # the current map's plans stay where they are
    assert ActionPlan.objects.count() == 1
    board = editor_client.get(future.get_absolute_url()).content.decode()
    compare = f"/maps/{future.pk}/compare/?with=map:{journey_map.pk}"
    assert compare in board
    page = editor_client.get(compare)
    assert page.status_code == 200 and journey_map.title in page.content.decode()
    # Only from a current-state map.
    assert editor_client.post(reverse("maps:future-state", args=[future.pk])).status_code == 404


def test_a_map_names_lanes_of_its_own(editor_client, journey_map, stages):
    response = set_lanes(editor_client, journey_map, custom1="경쟁사 비교", custom2="  ")
    assert response.status_code == 200
    journey_map.refresh_from_db()
    assert journey_map.custom_lanes == {"custom1": "경쟁사 비교"}
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert labels(board)[-1] == "custom1" and "경쟁사 비교" in board
    Card.objects.create(stage=stages[0], lane=Lane.CUSTOM1, text="A사는 무료 배송")
    warned = set_lanes(editor_client, journey_map)  # the name cleared: the lane goes
    assert warned.status_code == 422 and "경쟁사 비교" in warned.content.decode()
    data = portable.dump(journey_map)
    assert data["map"]["custom_lanes"] == {"custom1": "경쟁사 비교"}
    copy = importing.load(json.loads(json.dumps(data)))
    assert copy.lane_name(Lane.CUSTOM1) == "경쟁사 비교" and portable.dump(copy) == data
    rows = list(map_sheet.rows(Board.load(copy)))
    assert rows[0][1] == "경쟁사 비교"
    for bad in ({"custom9": "x"}, {"custom1": ""}, {"custom1": "가" * 41}, ["custom1"]):
        data["map"]["custom_lanes"] = bad
        with pytest.raises(importing.ImportProblem, match="custom_lanes"):
            importing.load(data)
    too_long = set_lanes(editor_client, journey_map, custom1="가" * 41, confirm="on")
    assert too_long.status_code == 422
