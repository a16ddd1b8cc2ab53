"""The unsorted area (issue 15): write freely, sort later. Cards there have no stage and no
lane; they are sorted into any cell by drag and drop or by keyboard, and can come back."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maps import importing, portable
from maps.models import Card, EmotionCard, Lane
from tests.test_agenda import control

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def write(client, journey_map, text, **extra):
    return client.post(
        reverse("maps:card-add", args=[journey_map.pk]),
        {"lane": "unsorted", "text": text, **extra},
        **HTMX,
    )


def move(client, card, **where):
    return client.post(
        reverse("maps:card-move", args=[card.journey_map_id, card.pk]), where, **HTMX
    )


def unsorted(journey_map):
    cards = journey_map.cards.filter(stage=None).order_by("position")
    return list(cards.values_list("text", "position", "lane"))


def test_a_card_written_freely_has_no_stage_and_lands_in_the_unsorted_area(
    editor_client, journey_map, stages
):
    assert write(editor_client, journey_map, "앱이 느리다").status_code == 200
    response = write(editor_client, journey_map, "상담원이 친절", stage=stages[2].pk)
    assert response.status_code == 200
    # A stage sent along is ignored: an unsorted card has none until it is sorted.
    assert unsorted(journey_map) == [
        ("앱이 느리다", 0, "unsorted"),
        ("상담원이 친절", 1, "unsorted"),
    ]
    html = response.content.decode()
    assert 'hx-swap-oob="beforeend:#cards--unsorted"' in html  # the room appends it there
    assert 'id="add--unsorted"' in html  # a fresh form to keep writing

    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    tray = board[board.index('id="unsorted"') : board.index('class="board-scroll"')]
    assert "앱이 느리다" in tray and "상담원이 친절" in tray
    form = editor_client.get(
        reverse("maps:card-add", args=[journey_map.pk]) + "?lane=unsorted", **HTMX
    )
    assert form.status_code == 200 and 'name="lane" value="unsorted"' in form.content.decode()


def test_a_card_of_a_lane_needs_a_stage(editor_client, journey_map):
    response = editor_client.post(
        reverse("maps:card-add", args=[journey_map.pk]),
        {"lane": "thought", "text": "어디에?"},
        **HTMX,
    )
    assert response.status_code == 422
    assert not Card.objects.exists()


def test_sorting_by_drop_puts_it_in_its_cell_and_closes_the_gap(
    editor_client, journey_map, stages, make_card
):
    for text in ("하나", "둘", "셋"):
        write(editor_client, journey_map, text)
    make_card("이미 있던 접점", stage=stages[1], lane=Lane.TOUCHPOINT)
    two = journey_map.cards.get(text="둘")
    response = move(editor_client, two, stage=stages[1].pk, position=0, lane="touchpoint")
    assert response.status_code == 200
    two.refresh_from_db()
    assert (two.stage, two.lane, two.position, two.version) == (stages[1], "touchpoint", 0, 2)
    assert unsorted(journey_map) == [("하나", 0, "unsorted"), ("셋", 1, "unsorted")]
    html = response.content.decode()
    assert 'id="cards--unsorted"' in html and f'id="cards-{stages[1].pk}-touchpoint"' in html


def test_sorting_by_keyboard_names_a_cell_and_refuses_one_of_another_map(
    editor_client, journey_map, stages
):
    from maps.models import JourneyMap

    write(editor_client, journey_map, "가격 비교")
    card = journey_map.cards.get()
    other = JourneyMap.objects.create_from_preset(title="다른 지도", preset="funnel")
    for to in (f"{other.stages.first().pk}:thought", f"{stages[0].pk}:staff", "1:x:y", "셋:a"):
        assert move(editor_client, card, to=to).status_code == 422, to
        card.refresh_from_db()
        assert card.stage is None
    assert move(editor_client, card, to=f"{stages[3].pk}:opportunity").status_code == 200
    card.refresh_from_db()
    assert (card.stage, card.lane) == (stages[3], Lane.OPPORTUNITY)


def test_a_card_goes_back_to_the_unsorted_area_unless_something_hangs_from_it(
    editor_client, journey_map, make_card
):
    thought = make_card("나중에 정리", lane=Lane.THOUGHT)
    assert move(editor_client, thought, lane="unsorted").status_code == 200
    thought.refresh_from_db()
    assert (thought.stage, thought.lane) == (None, Lane.UNSORTED)

    touchpoint = make_card("콜센터", lane=Lane.TOUCHPOINT, channel="call_centre")
    EmotionCard.objects.create(touchpoint=touchpoint, score=-1)
    response = move(editor_client, touchpoint, lane="unsorted")
    assert response.status_code == 422 and "감정 카드 1장" in response.content.decode()
    touchpoint.refresh_from_db()
    assert touchpoint.lane == Lane.TOUCHPOINT and touchpoint.stage is not None


def test_arrows_in_the_unsorted_area_reorder_it_and_never_leave_it(editor_client, journey_map):
    for text in ("a", "b"):
        write(editor_client, journey_map, text)
    b = journey_map.cards.get(text="b")
    for direction in ("left", "right", "up"):
        assert move(editor_client, b, direction=direction).status_code == 200
    assert unsorted(journey_map) == [("b", 0, "unsorted"), ("a", 1, "unsorted")]


@pytest.mark.parametrize("lane", ["thought", "unsorted"])
def test_a_step_and_another_lane_at_once_is_refused_in_words(
    editor_client, journey_map, stages, lane
):
    write(editor_client, journey_map, "메모")
    card = journey_map.cards.get(text="메모")
    if lane == "unsorted":  # a sorted card asked to step and leave for the unsorted area
        card.stage, card.lane = stages[0], Lane.ACTION
        card.save()
    before = list(journey_map.cards.values_list("stage", "lane", "position"))
    response = move(editor_client, card, direction="up", lane=lane)
    assert response.status_code == 422 and "동시에" in response.content.decode()
    assert list(journey_map.cards.values_list("stage", "lane", "position")) == before


def test_an_unsorted_card_is_edited_shown_and_deleted_like_any_other(editor_client, journey_map):
    write(editor_client, journey_map, "오타 있는 카드")
    card = journey_map.cards.get()
    base = reverse("maps:card-update", args=[journey_map.pk, card.pk])
    assert editor_client.get(base, **HTMX).status_code == 200
    saved = editor_client.post(base, {"text": "고친 카드", "version": "1"}, **HTMX)
    assert saved.status_code == 200
    shown = editor_client.get(reverse("maps:card", args=[journey_map.pk, card.pk]), **HTMX)
    assert shown.status_code == 200 and "고친 카드" in shown.content.decode()
    write(editor_client, journey_map, "남는 카드")
    delete = reverse("maps:card-delete", args=[journey_map.pk, card.pk])
    deleted = editor_client.post(delete, **HTMX)
    assert deleted.status_code == 200 and 'id="cards--unsorted"' in deleted.content.decode()
    assert unsorted(journey_map) == [("남는 카드", 0, "unsorted")]


def test_the_board_costs_the_same_queries_with_any_number_of_unsorted_cards(
    editor_client, journey_map, make_card
):
    def board_queries():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(reverse("maps:board", args=[journey_map.pk]))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    make_card("칸에 있는 카드")
    few, _ = board_queries()
    Card.objects.bulk_create(
        Card(journey_map=journey_map, lane=Lane.UNSORTED, text=f"자유 {n}", position=n)
        for n in range(200)
    )
    many, html = board_queries()
    assert many == few and "자유 199" in html


def test_unsorted_cards_open_with_any_lane_and_are_private_in_private_writing(
    workshop, join, editor_client, sent, django_capture_on_commit_callbacks
):
    member = join(workshop, "팀 A")
    journey_map = workshop.teams.get(name="팀 A").journey_map
    control(editor_client, workshop, "step", step=0)  # topic and persona: no card lane open
    refused = write(member, journey_map, "아직 이른 카드")
    assert refused.status_code == 403
    control(editor_client, workshop, "step", step=1)
    workshop.refresh_from_db()
    workshop.start_private_writing(["touchpoint", "emotion"])
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert write(member, journey_map, "혼자 본 카드").status_code == 200
    card = Card.all_objects.get(text="혼자 본 카드")
    assert card.private_to and card.stage is None
    assert not sent  # nothing went to the room
    mine = member.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert 'data-into="cards--unsorted"' in mine  # shown in place to its writer
    workshop.reveal()
    assert unsorted(journey_map) == [("혼자 본 카드", 0, "unsorted")]


def test_the_json_export_keeps_unsorted_cards_and_imports_them_back(
    editor_client, journey_map, make_card
):
    make_card("칸의 카드", lane=Lane.THOUGHT)
    for text in ("첫 메모", "둘째 메모"):
        write(editor_client, journey_map, text)
    data = portable.dump(journey_map)
    assert data["map"]["unsorted"] == [{"text": "첫 메모"}, {"text": "둘째 메모"}]
    copy = importing.load(json.loads(json.dumps(data)))
    assert portable.dump(copy) == data
    assert unsorted(copy) == [("첫 메모", 0, "unsorted"), ("둘째 메모", 1, "unsorted")]

    data["map"]["stages"][0]["cards"].append({"lane": "unsorted", "text": "잘못 둔 카드"})
    with pytest.raises(importing.ImportProblem, match=r"map\.stages\[0\]\.cards\[1\]"):
        importing.load(data)
