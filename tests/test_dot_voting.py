"""Dot voting: N dots per person, only while the vote is open and only on its lane; the
result ranked live; the top touchpoints flagged as MOTs in one action."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from maps.board import Ranking
from maps.models import Card, Lane
from workshops import broadcast
from workshops.models import Dot
from workshops.protocol import PUSH_MARK

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def vote(workshop, join, editor):
    facilitator = Client()
    facilitator.force_login(editor)
    team_map = workshop.teams.get(name="팀 A").journey_map
    stages = list(team_map.stages.all())
    touchpoints = [
        Card.objects.create(stage=stages[i], lane=Lane.TOUCHPOINT, text=text)
        for i, text in enumerate(["광고", "앱 가입", "상담 전화"])
    ]
    opportunity = Card.objects.create(stage=stages[0], lane=Lane.OPPORTUNITY, text="쉬운 가입")
    return {
        "workshop": workshop,
        "map": team_map,
        "touchpoints": touchpoints,
        "opportunity": opportunity,
        "facilitator": facilitator,
        "people": [join(workshop, "팀 A", f"참가자{i}") for i in range(3)],
    }


def control(vote, action, data=None):
    path = reverse(f"workshops:control-{action}", args=[vote["workshop"].pk])
    return vote["facilitator"].post(path, data or {}, **HTMX)


def dot(vote, client, card, change="add"):
    path = reverse("maps:card-dot", args=[vote["map"].pk, card.pk, change])
    return client.post(path, **HTMX)


def votes(vote) -> list[int]:
    return [Card.objects.get(pk=c.pk).votes for c in vote["touchpoints"]]


def test_nobody_places_more_than_their_dots(vote):
    assert control(vote, "vote-open", {"lane": "touchpoint", "dots": "2"}).status_code == 200
    person, [ad, app, call] = vote["people"][0], vote["touchpoints"]
    assert dot(vote, person, ad).status_code == 200
    answer = dot(vote, person, ad)  # two dots on one card are allowed
    mine = answer.content.decode().split(PUSH_MARK)[0]
    assert answer.status_code == 200 and 'id="my-dots"' in mine
    assert "You have 0 dots left" in mine or "0개" in mine
    refused = dot(vote, person, app)
    assert refused.status_code == 403
    assert "2" in refused.content.decode() and refused["Content-Type"].startswith("text/plain")
    assert votes(vote) == [2, 0, 0]
    # Taking one back frees it to be placed elsewhere.
    assert dot(vote, person, ad, "remove").status_code == 200
    assert dot(vote, person, call).status_code == 200
    assert votes(vote) == [1, 0, 1]
    # A dot that is not there cannot be taken back.
    assert dot(vote, person, app, "remove").status_code == 403
    assert votes(vote) == [1, 0, 1]


def test_a_closed_vote_and_another_lane_refuse_dots(vote):
    person, [ad, *_] = vote["people"][0], vote["touchpoints"]
    assert dot(vote, person, ad).status_code == 403  # no vote opened yet
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "3"})
    assert dot(vote, person, vote["opportunity"]).status_code == 403  # the vote is on touchpoints
    assert dot(vote, person, ad).status_code == 200
    control(vote, "vote-close")
    assert dot(vote, person, ad).status_code == 403
    assert dot(vote, person, ad, "remove").status_code == 403
    assert votes(vote) == [1, 0, 0] and Dot.objects.count() == 1


def test_the_result_is_ranked_and_pushed_with_every_dot(
    vote, monkeypatch, django_capture_on_commit_callbacks
):
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "3"})
    ad, app, call = vote["touchpoints"]
    a, b, c = vote["people"]
    for person, card in [(a, call), (b, call), (c, call), (a, app), (b, app), (c, ad)]:
        assert dot(vote, person, card).status_code == 200
    ranking = Ranking.load(vote["map"], Lane.TOUCHPOINT)
    assert [(card.text, card.votes) for card in ranking.cards] == [
        ("상담 전화", 3), ("앱 가입", 2), ("광고", 1),
    ]  # fmt: skip
    sent = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: sent.append(message))
    with django_capture_on_commit_callbacks(execute=True):
        dot(vote, a, ad)
    [push] = sent
    results = push["html"].split('id="vote-results"')[1]
    # 상담 전화 3; then 광고 and 앱 가입 with 2 each, in board order (광고 is in the first stage).
    assert results.index("상담 전화") < results.index("광고") < results.index("앱 가입")
    page = vote["people"][1].get(reverse("maps:board", args=[vote["map"].pk])).content.decode()
    assert 'data-vote="touchpoint"' in page and 'id="vote-results"' in page


def test_a_new_vote_starts_from_zero_and_keeps_the_old_dots_on_record(vote):
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "1"})
    dot(vote, vote["people"][0], vote["touchpoints"][0])
    control(vote, "vote-close")
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "1"})
    assert votes(vote) == [0, 0, 0] and Dot.objects.count() == 1
    assert dot(vote, vote["people"][0], vote["touchpoints"][1]).status_code == 200
    assert votes(vote) == [0, 1, 0]


def test_the_top_touchpoints_become_mots_in_one_action(vote):
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "3"})
    ad, app, call = vote["touchpoints"]
    a, b, c = vote["people"]
    for person, card in [(a, call), (b, call), (a, app), (c, ad)]:
        dot(vote, person, card)
    control(vote, "vote-close")
    assert control(vote, "mot-top", {"count": "2"}).status_code == 200
    # Second place is a tie (app and ad, one dot each): both are flagged with the first.
    assert [Card.objects.get(pk=c.pk).is_mot for c in (ad, app, call)] == [True, True, True]


def test_flagging_mots_needs_a_touchpoint_vote_and_a_sane_count(vote):
    assert control(vote, "mot-top", {"count": "2"}).status_code == 422
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "3"})
    assert control(vote, "mot-top", {"count": "0"}).status_code == 422
    assert control(vote, "vote-open", {"lane": "persona", "dots": "3"}).status_code == 422
    assert control(vote, "vote-open", {"lane": "touchpoint", "dots": "99"}).status_code == 422
    assert not Card.objects.filter(is_mot=True).exists()


def test_a_voter_cannot_hold_two_dots_in_one_slot(vote):
    """What stops two racing requests of one person from both taking their last dot."""
    control(vote, "vote-open", {"lane": "touchpoint", "dots": "1"})
    workshop, card = vote["workshop"], vote["touchpoints"][0]
    workshop.refresh_from_db()
    Dot.objects.create(workshop=workshop, round=workshop.vote_round, card=card, voter="p1", slot=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dot.objects.create(
            workshop=workshop, round=workshop.vote_round, card=card, voter="p1", slot=1
        )
