"""Private writing: until the facilitator reveals them, cards written in a private area are
seen by their author alone, in the page, in every push, in the re-read and in the exports."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from maps.curve import CurveData
from maps.models import Card, EmotionCard, Lane

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
FEELING, PAIN = "숨겨둔감정표현", "숨겨둔페인포인트"


@pytest.fixture
def room(workshop, join, editor):
    facilitator = Client()
    facilitator.force_login(editor)
    team_map = workshop.teams.get(name="팀 A").journey_map
    stage = team_map.stages.first()
    touchpoint = Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="상담 전화")
    return {
        "workshop": workshop,
        "map": team_map,
        "stage": stage,
        "touchpoint": touchpoint,
        "facilitator": facilitator,
        "author": join(workshop, "팀 A", "작성자"),
        "teammate": join(workshop, "팀 A", "팀원"),
        "other_team": join(workshop, "팀 B", "다른팀"),
    }


def control(room, action, data=None):
    path = reverse(f"workshops:control-{action}", args=[room["workshop"].pk])
    return room["facilitator"].post(path, data or {}, **HTMX)


def write_privately(room):
    m = room["map"].pk
    emotion = room["author"].post(
        reverse("maps:emotion-add", args=[m]),
        {"touchpoint": room["touchpoint"].pk, "score": "-2", "words": FEELING},
        **HTMX,
    )
    card = room["author"].post(
        reverse("maps:card-add", args=[m]),
        {"stage": room["stage"].pk, "lane": "pain_point", "text": PAIN},
        **HTMX,
    )
    return emotion, card


def everything_others_can_read(room) -> str:
    """Every way a teammate, the facilitator or another team could read the map."""
    m = room["map"].pk
    pages = [
        room["teammate"].get(reverse("maps:board", args=[m])),
        room["teammate"].get(reverse("maps:snapshot", args=[m]), {"since": 0}, **HTMX),
        room["teammate"].get(reverse("maps:card", args=[m, room["touchpoint"].pk])),
        room["teammate"].get(reverse("maps:export-json", args=[m])),
        room["teammate"].get(reverse("maps:export-csv", args=[m])),
        room["facilitator"].get(reverse("maps:board", args=[m])),
        room["facilitator"].get(reverse("workshops:console", args=[room["workshop"].pk])),
        room["facilitator"].get(reverse("workshops:gallery", args=[room["workshop"].pk])),
    ]
    for page in pages:
        assert page.status_code == 200
    return "".join(page.content.decode() for page in pages)


def test_before_the_reveal_only_the_author_sees_private_cards(
    room, sent, django_capture_on_commit_callbacks
):
    assert control(room, "private-start", {"areas": ["emotion", "pain_point"]}).status_code == 200
    room["map"].refresh_from_db()
    seq = room["map"].seq
    with django_capture_on_commit_callbacks(execute=True):
        emotion, card = write_privately(room)
    # The author's answers show them in their own list of private cards ...
    assert emotion.status_code == card.status_code == 200
    assert FEELING in emotion.content.decode() and PAIN in card.content.decode()
    author_page = room["author"].get(reverse("maps:board", args=[room["map"].pk])).content
    assert FEELING in author_page.decode() and PAIN in author_page.decode()
    # ... and nothing went to the room: no push, no sequence number used.
    assert sent == []
    room["map"].refresh_from_db()
    assert room["map"].seq == seq
    others = everything_others_can_read(room)
    assert FEELING not in others and PAIN not in others
    # The hidden score does not move the stage's mean or the curve either.
    assert CurveData.load(room["map"]).stages[0].scores == []
    assert EmotionCard.all_objects.get(words=FEELING).private_to.startswith("p")
    # The facilitator sees that cards are waiting, not what they say.
    console = room["facilitator"].get(reverse("workshops:console", args=[room["workshop"].pk]))
    assert re.search(r'data-testid="hidden-count">🔒[^<\d]*2\D', console.content.decode())


def test_the_reveal_shows_every_private_card_to_everyone_at_once(
    room, sent, django_capture_on_commit_callbacks
):
    control(room, "private-start", {"areas": ["emotion", "pain_point"]})
    write_privately(room)
    with django_capture_on_commit_callbacks(execute=True):
        assert control(room, "reveal").status_code == 200
    # One push per team map; team A's carries both cards and empties everyone's private list.
    team_a = [m for m in sent if m["type"] == "room.push"][0]["html"]
    assert len(sent) == 2 and FEELING in team_a and PAIN in team_a
    assert '<section id="private-mine"' in team_a and "hidden" in team_a
    others = everything_others_can_read(room)
    assert FEELING in others and PAIN in others
    assert CurveData.load(room["map"]).stages[0].scores == [-2]
    room["workshop"].refresh_from_db()
    assert room["workshop"].private_areas == []
    # Written after the reveal: public again, pushed as usual.
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        room["author"].post(
            reverse("maps:card-add", args=[room["map"].pk]),
            {"stage": room["stage"].pk, "lane": "pain_point", "text": "공개된 카드"},
            **HTMX,
        )
    assert len(sent) == 1 and "공개된 카드" in sent[0]["html"]


def test_revealed_cards_take_their_place_at_the_end_of_their_cell(room):
    stage = room["stage"]
    Card.objects.create(stage=stage, lane=Lane.PAIN_POINT, text="먼저 쓴 공개 카드")
    control(room, "private-start", {"areas": ["pain_point"]})
    write_privately(room)
    control(room, "reveal")
    cell = Card.objects.filter(stage=stage, lane=Lane.PAIN_POINT).order_by("position")
    assert [(c.text, c.position) for c in cell] == [("먼저 쓴 공개 카드", 0), (PAIN, 1)]


def test_only_areas_chosen_are_private(room, sent, django_capture_on_commit_callbacks):
    control(room, "private-start", {"areas": ["emotion"]})
    with django_capture_on_commit_callbacks(execute=True):
        write_privately(room)
    # The pain point was public: pushed; the emotion card was not.
    assert len(sent) == 1 and PAIN in sent[0]["html"] and FEELING not in sent[0]["html"]


def test_an_author_takes_back_their_own_private_card_and_nobody_else_can(room):
    control(room, "private-start", {"areas": ["pain_point"]})
    write_privately(room)
    card = Card.all_objects.get(text=PAIN)
    path = reverse("maps:private-delete", args=[room["map"].pk, "card", card.pk])
    for other in ("teammate", "facilitator", "other_team"):
        assert room[other].post(path, **HTMX).status_code == 404
    assert Card.all_objects.filter(pk=card.pk).exists()
    # Neither can anyone else edit, move or delete it through the board's own URLs.
    edit = reverse("maps:card-update", args=[room["map"].pk, card.pk])
    answer = room["teammate"].post(edit, {"text": "바꿈", "version": card.version}, **HTMX)
    assert answer.status_code == 410 and PAIN not in answer.content.decode()
    delete = reverse("maps:card-delete", args=[room["map"].pk, card.pk])
    assert room["teammate"].post(delete, **HTMX).status_code == 404
    response = room["author"].post(path, **HTMX)
    assert response.status_code == 200 and PAIN not in response.content.decode()
    assert not Card.all_objects.filter(pk=card.pk).exists()


def test_private_writing_refuses_bad_input_and_a_second_start(room):
    assert control(room, "private-start", {"areas": ["nonsense"]}).status_code == 422
    assert control(room, "private-start", {}).status_code == 422
    assert control(room, "private-start", {"areas": ["emotion"]}).status_code == 200
    second = control(room, "private-start", {"areas": ["pain_point"]})
    assert second.status_code == 422 and "먼저 공개하세요" in second.content.decode()
    room["workshop"].refresh_from_db()
    assert room["workshop"].private_areas == ["emotion"]


def test_anonymous_writing_without_emotion_cards_is_refused_in_words(room):
    response = control(room, "private-start", {"areas": ["pain_point"], "anonymous": "on"})
    assert response.status_code == 422 and "감정 카드" in response.content.decode()
    room["workshop"].refresh_from_db()
    assert room["workshop"].private_areas == [] and not room["workshop"].private_anonymous


@pytest.mark.parametrize("anonymous", [True, False])
def test_anonymous_private_writing_keeps_no_name_for_good(room, anonymous):
    data = {"areas": ["emotion", "pain_point"]} | ({"anonymous": "on"} if anonymous else {})
    assert control(room, "private-start", data).status_code == 200
    room["workshop"].refresh_from_db()
    assert room["workshop"].private_anonymous is anonymous
    bar = room["teammate"].get(reverse("maps:board", args=[room["map"].pk])).content.decode()
    assert ("이름이 남지 않습니다" in bar) is anonymous
    write_privately(room)
    control(room, "reveal")
    emotion = EmotionCard.objects.get(words=FEELING)
    assert emotion.private_to == ""
    assert (emotion.author_name, emotion.author) == (("", None) if anonymous else ("작성자", None))
    board = room["teammate"].get(reverse("maps:board", args=[room["map"].pk])).content.decode()
    exported = room["facilitator"].get(reverse("maps:export-json", args=[room["map"].pk]))
    assert ('<span class="who">작성자</span>' in board) is not anonymous
    assert ("작성자" in exported.content.decode()) is not anonymous
    # The reveal ends it: the next private writing asks again.
    room["workshop"].refresh_from_db()
    assert room["workshop"].private_anonymous is False


def test_the_author_s_page_holds_each_private_card_for_its_own_place(room):
    control(room, "private-start", {"areas": ["emotion", "pain_point"]})
    write_privately(room)
    page = room["author"].get(reverse("maps:board", args=[room["map"].pk])).content.decode()
    assert "내 카드 2장" in page or "2 cards of yours" in page
    stage, touchpoint = room["stage"].pk, room["touchpoint"].pk
    assert re.search(
        rf'<template data-into="emotions-{touchpoint}">\s*<span[^>]*>.*?{FEELING}', page, re.S
    )
    assert re.search(rf'<template data-into="cards-{stage}-pain_point">.*?{PAIN}', page, re.S)
    # Where they go is on the page: the touchpoint's emotions and the cell's cards.
    assert f'id="emotions-{touchpoint}"' in page and f'id="cards-{stage}-pain_point"' in page
