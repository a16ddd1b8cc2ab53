"""Felt by whom: a participant's role and company on their emotion cards, the curve split by
them, the gaps between roles, a second scoring round and how far it narrowed the spread,
each team's stages against the room's mean, and anonymous cards."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from maps import importing, portable
from maps.curve import CurveData, Emotion, StageData, counted
from maps.models import Card, EmotionCard, JourneyMap, Lane
from maps.perspectives import narrowing, role_gaps, split
from workshops.models import Participant

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def joined(workshop, team: str, name: str, role: str = "", company: str = "") -> Client:
    client = Client()
    data = {"display_name": name, "organisation": company, "role": role}
    data["team"] = workshop.teams.get(name=team).pk
    response = client.post(f"/j/{workshop.join_token}/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def room(workshop, editor):
    facilitator = Client()
    facilitator.force_login(editor)
    team_map = workshop.teams.get(name="팀 A").journey_map
    stage = team_map.stages.first()
    payment = Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="앱 결제 화면")
    return {
        "workshop": workshop,
        "map": team_map,
        "stage": stage,
        "payment": payment,
        "facilitator": facilitator,
        "cs": joined(workshop, "팀 A", "상담원", "cs", "가나카드"),
        "marketer": joined(workshop, "팀 A", "마케터", "marketing", "다라광고"),
    }


def feel(client, journey_map, touchpoint, score: int, **extra):
    response = client.post(
        reverse("maps:emotion-add", args=[journey_map.pk]),
        {"touchpoint": touchpoint.pk, "score": str(score), **extra},
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()[:300]
    return EmotionCard.objects.latest("id")


def control(room, name: str, data=None):
    path = reverse(f"workshops:control-{name}", args=[room["workshop"].pk])
    return room["facilitator"].post(path, data or {}, **HTMX)


def board(client, journey_map) -> str:
    response = client.get(reverse("maps:board", args=[journey_map.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_role_given_on_joining_goes_on_every_emotion_card(room):
    assert set(Participant.objects.values_list("role", "organisation")) == {
        ("cs", "가나카드"),
        ("marketing", "다라광고"),
    }
    emotion = feel(room["cs"], room["map"], room["payment"], -2)
    assert (emotion.author_name, emotion.author_role, emotion.author_company) == (
        "상담원",
        "cs",
        "가나카드",
    )
    assert emotion.round == 1
    # The join form offers the roles and says why; not giving one is fine.
    page = Client().get(f"/j/{room['workshop'].join_token}/").content.decode()
    assert 'name="role"' in page and "마케팅" in page and "CS / CX" in page
    quiet = joined(room["workshop"], "팀 A", "조용한 사람")
    assert feel(quiet, room["map"], room["payment"], 0).author_role == ""


def test_an_unknown_role_on_joining_is_refused_and_nobody_joins(workshop):
    team = workshop.teams.get(name="팀 A")
    before = Participant.objects.count()
    response = Client().post(
        f"/j/{workshop.join_token}/", {"display_name": "누구", "role": "ceo", "team": team.pk}
    )
    assert response.status_code in (200, 422)
    assert Participant.objects.count() == before


def test_anonymous_cards_keep_the_role_only_when_the_facilitator_allows(
    room, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hidden = feel(room["cs"], room["map"], room["payment"], -1, anonymous="1")
    assert sent[-1]["by"] == ""  # the push to every socket does not name the author either
    assert (hidden.author_name, hidden.author_id, hidden.author_role) == ("", None, "")
    assert hidden.author_company == ""
    response = control(room, "perspectives", {"anonymous_keeps_role": "on"})
    assert response.status_code == 200
    kept = feel(room["cs"], room["map"], room["payment"], -1, anonymous="1")
    assert (kept.author_name, kept.author_role, kept.author_company) == ("", "cs", "가나카드")
    # The board never shows the hidden name.
    assert 'title="CS / CX' in board(room["cs"], room["map"])


def test_the_curve_splits_by_role_and_names_the_gap(room, sent, django_capture_on_commit_callbacks):
    for score in (-2, -2):
        feel(room["cs"], room["map"], room["payment"], score)
    with django_capture_on_commit_callbacks(execute=True):
        feel(room["marketer"], room["map"], room["payment"], 1)
    data = CurveData.load(room["map"])
    lines = split(data, "role")
    assert [label for label, _d in lines] == ["CS / CX", "마케팅"]
    assert [d.stages[0].mean for _l, d in lines] == [-2.0, 1.0]
    [gap] = role_gaps(data)
    assert (gap.where, gap.gap) == ("앱 결제 화면", 3.0)
    page = board(room["cs"], room["map"])
    assert re.search(r"앱 결제 화면</a>: CS / CX −2\.0, 마케팅 \+1\.0", page)
    # The split chart: an SVG titled with its lines, by role and by company.
    for by, labels in (("role", ["CS / CX", "마케팅"]), ("company", ["가나카드", "다라광고"])):
        url = reverse("maps:curve-split", args=[room["map"].pk, by, "svg"])
        assert url in page
        response = room["cs"].get(url + "?v=1")
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        title = re.search(r"<dc:title>(.*?)</dc:title>", response.content.decode()).group(1)
        assert all(label in title for label in labels)
    # The push of the last card carries the gap too: every screen reads the same.
    assert "CS / CX −2.0, 마케팅 +1.0" in sent[-1]["html"]


def test_only_those_who_may_read_the_map_get_its_split(room, editor):
    feel(room["cs"], room["map"], room["payment"], -2)
    feel(room["marketer"], room["map"], room["payment"], 1)
    url = reverse("maps:curve-split", args=[room["map"].pk, "role", "png"])
    assert room["facilitator"].get(url).status_code == 200
    other_team = joined(room["workshop"], "팀 B", "옆 팀", "sales")
    assert other_team.get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_a_split_with_one_role_or_an_unknown_split_is_not_found(room):
    feel(room["cs"], room["map"], room["payment"], -2)
    for by, fmt in (("role", "svg"), ("author", "svg"), ("role", "gif")):
        url = reverse("maps:curve-split", args=[room["map"].pk, by, fmt])
        assert room["cs"].get(url).status_code == 404
    assert "maps:curve-split" not in board(room["cs"], room["map"])


def test_a_second_scoring_round_replaces_where_it_is_written_and_shows_the_narrowing(
    room, sent, django_capture_on_commit_callbacks
):
    other = Card.objects.create(stage=room["stage"], lane=Lane.TOUCHPOINT, text="배송 안내")
    feel(room["cs"], room["map"], room["payment"], -2)
    feel(room["marketer"], room["map"], room["payment"], 2)
    feel(room["cs"], room["map"], other, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert control(room, "rescore").status_code == 200
    assert len(sent) == 2  # the new room bar to each team, once
    assert "2차 채점" in sent[-1]["html"]
    room["map"].refresh_from_db()
    assert room["map"].scoring_round == 2
    assert feel(room["cs"], room["map"], room["payment"], -1).round == 2
    feel(room["marketer"], room["map"], room["payment"], -1)
    data = CurveData.load(room["map"])
    stage = data.stages[0]
    # On the payment screen only round 2 counts; the delivery note kept its round-1 card.
    assert sorted(e.score for e in stage.emotions) == [-1, -1, 1]
    assert sorted(e.score for e in stage.earlier) == [-2, 2]
    [n] = narrowing(data)
    assert (n.where, n.before, n.after, n.cards_before, n.cards_after) == (
        "앱 결제 화면",
        2.0,
        0.0,
        2,
        2,
    )
    page = board(room["cs"], room["map"])
    assert "앱 결제 화면: 2.0 → 0.0" in page
    assert page.count("emotion score-2 replaced") == 1 and "emotion score2 replaced" in page
    # The stage header counts what the curve counts.
    header = re.search(r'data-testid="stage-mean">([^<]+)<', page).group(1)
    assert header == "−0.3"


def test_scoring_rounds_stop_at_the_limit(room):
    assert control(room, "rescore").status_code == 200
    assert control(room, "rescore").status_code == 200
    response = control(room, "rescore")
    assert response.status_code == 422 and "3" in response.content.decode()
    room["workshop"].refresh_from_db()
    assert room["workshop"].scoring_round == 3
    assert set(JourneyMap.objects.values_list("scoring_round", flat=True)) == {3}


def test_each_team_sees_the_room_mean_without_the_other_teams_cards(room):
    other = joined(room["workshop"], "팀 B", "다른 회사", "sales", "마바상사")
    map_b = room["workshop"].teams.get(name="팀 B").journey_map
    stage_b = map_b.stages.first()
    assert stage_b.name == room["stage"].name  # the same preset: the stages line up
    card_b = Card.objects.create(stage=stage_b, lane=Lane.TOUCHPOINT, text="비밀스러운접점")
    feel(other, map_b, card_b, 2, words="다른팀의속마음")
    feel(room["cs"], room["map"], room["payment"], -2)
    assert "방 전체" not in board(room["cs"], room["map"])
    control(room, "perspectives", {"show_room_mean": "on"})
    page = board(room["cs"], room["map"])
    table = re.search(r'<table class="room-means">.*?</table>', page, re.S).group(0)
    assert room["stage"].name in table and "−2.0" in table and "0.0" in table
    assert "비밀스러운접점" not in page and "다른팀의속마음" not in page


def test_the_json_export_keeps_role_company_and_round(room):
    feel(room["cs"], room["map"], room["payment"], -2)
    control(room, "rescore")
    feel(room["cs"], room["map"], room["payment"], -1, anonymous="1")
    data = portable.dump(room["map"])
    emotions = data["map"]["stages"][0]["cards"][0]["emotions"]
    assert [(e["author_role"], e["author_company"], e["round"]) for e in emotions] == [
        ("cs", "가나카드", 1),
        ("", "", 2),
    ]
    copy = importing.load(json.loads(json.dumps(data)))
    assert copy.scoring_round == 2
    assert portable.dump(copy)["map"] == data["map"]
    data["map"]["stages"][0]["cards"][0]["emotions"][0]["round"] = 101
    count = EmotionCard.objects.count()
    with pytest.raises(importing.ImportProblem, match="1부터 100"):
        importing.load(data)
    assert EmotionCard.objects.count() == count


def test_counted_keeps_the_latest_round_per_place():
    emotions = [Emotion(-2, 1), Emotion(2, 1), Emotion(0, 1, round=2), Emotion(1, None)]
    now, earlier = counted(emotions)
    assert [e.score for e in now] == [0, 1]
    assert [e.score for e in earlier] == [-2, 2]
    stage = StageData.of("탐색", emotions)
    assert stage.mean == 0.5 and stage.spread == 0.5


def test_gaps_need_two_roles_a_point_apart():
    near = [Emotion(-1, 1, "cs"), Emotion(-1, 1, "marketing")]
    one_role = [Emotion(-2, 2, "cs"), Emotion(2, 2, "cs"), Emotion(2, 2, "")]
    data = CurveData((StageData.of("결제", near + one_role),))
    assert role_gaps(data) == []
    assert split(data, "role") != [] and split(data, "company") == []


def test_a_workshop_round_never_takes_a_reviewed_map_back(room):
    room["map"].scoring_round = 3  # reviewed twice on its own
    room["map"].save()
    control(room, "rescore")
    room["map"].refresh_from_db()
    other = room["workshop"].teams.get(name="팀 B").journey_map
    assert (room["map"].scoring_round, other.scoring_round) == (4, 2)


def test_the_narrowing_waits_for_two_cards_and_paper_counts_what_the_curve_counts(room):
    from maps import pdf

    feel(room["cs"], room["map"], room["payment"], -2)
    feel(room["marketer"], room["map"], room["payment"], 2)
    control(room, "rescore")
    feel(room["cs"], room["map"], room["payment"], -1)
    assert narrowing(CurveData.load(room["map"])) == []  # one card has no spread yet
    html = pdf.print_html(room["map"])
    assert "−1.0 · 1장" in html and "3장" not in html  # the touchpoint's line: round 2 only
