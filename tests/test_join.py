"""Joining a workshop: by link or code, no account; codes are easy to read aloud, expire, and
guessing them is slowed down."""

from __future__ import annotations

import datetime
import math
import time

import pytest
from django.test import Client
from django.urls import reverse

from workshops.models import CODE_ALPHABET, CODE_LENGTH, Participant, Workshop
from workshops.views import joining

pytestmark = pytest.mark.django_db


def test_links_carry_at_least_128_bits_and_codes_avoid_confusable_characters(workshop):
    # token_urlsafe(32): 43 characters of 6 bits each.
    assert len(workshop.join_token) * 6 >= 256 and len(workshop.view_token) >= 43
    assert not set("0O1I") & set(CODE_ALPHABET)
    codes = {Workshop.create(title="w", date=workshop.date, teams=["t"], preset="blank",
                             facilitator=None).join_code for _ in range(20)}  # fmt: skip
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert len(codes) == 20
    assert math.log2(len(CODE_ALPHABET) ** CODE_LENGTH) == 30


def test_typing_the_code_leads_to_the_join_form_and_then_to_the_team_map(workshop):
    client = Client()
    typed = workshop.join_code.lower()[:3] + "-" + workshop.join_code.lower()[3:]
    response = client.post(reverse("workshops:join-code"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:join", args=[workshop.join_token])
    page = client.get(response["Location"]).content.decode()
    assert "팀 A" in page and "팀 B" in page
    team_b = workshop.teams.get(name="팀 B")
    response = client.post(
        response["Location"],
        {"display_name": "  김 민지 ", "organisation": "마케팅팀", "team": team_b.pk},
    )
    assert response["Location"] == reverse("maps:board", args=[team_b.journey_map_id])
    participant = Participant.objects.get()
    assert (participant.display_name, participant.organisation, participant.team) == (
        "김 민지",
        "마케팅팀",
        team_b,
    )
    board = client.get(response["Location"]).content.decode()
    assert "김 민지" in board and "팀 B" in board


def test_without_a_team_choice_the_smallest_team_gets_the_newcomer(workshop, join):
    join(workshop, "팀 A", "첫째")
    client = Client()
    client.post(reverse("workshops:join", args=[workshop.join_token]), {"display_name": "둘째"})
    assert Participant.objects.get(display_name="둘째").team.name == "팀 B"


def test_a_blank_name_is_refused_with_a_message(workshop):
    response = Client().post(
        reverse("workshops:join", args=[workshop.join_token]), {"display_name": "   "}
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not Participant.objects.exists()


def test_a_wrong_code_says_so(workshop):
    response = Client().post(reverse("workshops:join-code"), {"code": "ZZZZZZ"})
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()


def test_guessing_codes_is_rate_limited_even_with_the_right_code(workshop, settings):
    client = Client()
    for _ in range(joining.CLIENT_FAILURES):
        client.post(reverse("workshops:join-code"), {"code": "ZZZZZZ"})
    response = client.post(reverse("workshops:join-code"), {"code": workshop.join_code})
    assert response.status_code == 429
    assert "10" in response.content.decode() or "ten" in response.content.decode()
    # Another address is not blocked by this one.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert (
        other.post(reverse("workshops:join-code"), {"code": workshop.join_code}).status_code == 302
    )


def test_right_codes_do_not_count_against_an_address(workshop):
    """A room of people behind one office address, all typing the right code."""
    for _ in range(joining.CLIENT_FAILURES * 2):
        response = Client().post(reverse("workshops:join-code"), {"code": workshop.join_code})
        assert response.status_code == 302


def test_while_guessing_comes_from_everywhere_a_newcomer_still_gets_in(workshop, monkeypatch):
    monkeypatch.setattr(joining, "GLOBAL_FAILURES", 5)
    guessers = [Client(REMOTE_ADDR=f"10.0.1.{i}") for i in range(3)]
    for _ in range(2):
        for guesser in guessers:
            guesser.post(reverse("workshops:join-code"), {"code": "ZZZZZZ"})
    newcomer = Client(REMOTE_ADDR="10.0.2.1")
    response = newcomer.post(reverse("workshops:join-code"), {"code": workshop.join_code})
    assert response.status_code == 302
    # The guessers get a few more tries each, then none, with a message that says why.
    refused = [
        guessers[0].post(reverse("workshops:join-code"), {"code": "YYYYYY"}).status_code
        for _ in range(3)
    ]
    assert refused == [422, 429, 429]
    page = guessers[0].post(reverse("workshops:join-code"), {"code": workshop.join_code})
    assert page.status_code == 429
    assert "join link" in page.content.decode() or "링크" in page.content.decode()


def test_parallel_guesses_from_one_address_stop_at_the_limit(workshop, transactional_db):
    """Counting and deciding are one step: 60 tries at once get exactly 20 answers."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def guess(_):
        try:
            return Client().post(reverse("workshops:join-code"), {"code": "ZZZZZZ"}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(guess, range(60)))
    assert codes.count(422) == joining.CLIENT_FAILURES
    assert codes.count(429) == 60 - joining.CLIENT_FAILURES


def test_old_failures_stop_counting(workshop, monkeypatch):
    client = Client()
    for _ in range(joining.CLIENT_FAILURES):
        client.post(reverse("workshops:join-code"), {"code": "ZZZZZZ"})
    # Ten minutes later: a new window.
    later = time.time() + joining.WINDOW
    monkeypatch.setattr("workshops.ratelimit.time.time", lambda: later)
    response = client.post(reverse("workshops:join-code"), {"code": workshop.join_code})
    assert response.status_code == 302


def test_codes_and_links_do_not_work_once_the_workshop_is_closed(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(closed_at=datetime.datetime.now(datetime.UTC))
    response = Client().post(reverse("workshops:join-code"), {"code": workshop.join_code})
    assert response.status_code == 422
    response = Client().get(reverse("workshops:join", args=[workshop.join_token]))
    assert response.status_code == 410


def test_codes_and_links_expire_some_days_after_the_workshop(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(
        date=datetime.date.today() - datetime.timedelta(days=4)
    )
    response = Client().post(reverse("workshops:join-code"), {"code": workshop.join_code})
    assert response.status_code == 422
    assert Client().get(reverse("workshops:join", args=[workshop.join_token])).status_code == 410


def test_rotating_replaces_link_and_code_and_keeps_people_in(workshop, join, editor_client):
    member = join(workshop, "팀 A", "남는 사람")
    old_token, old_code = workshop.join_token, workshop.join_code
    editor_client.post(reverse("workshops:control-rotate", args=[workshop.pk]))
    workshop.refresh_from_db()
    assert (workshop.join_token, workshop.join_code) != (old_token, old_code)
    assert Client().get(reverse("workshops:join", args=[old_token])).status_code == 404
    response = Client().post(reverse("workshops:join-code"), {"code": old_code})
    assert response.status_code == 422
    team_map = workshop.teams.get(name="팀 A").journey_map
    assert member.get(reverse("maps:board", args=[team_map.pk])).status_code == 200


def test_a_removed_participant_cannot_join_again_from_the_same_browser(workshop, join):
    client = join(workshop, "팀 A", "나간 사람")
    Participant.objects.update(removed_at=datetime.datetime.now(datetime.UTC))
    response = client.get(reverse("workshops:join", args=[workshop.join_token]))
    assert response.status_code == 403
    assert Participant.objects.count() == 1


def test_unknown_tokens_are_404(db):
    assert Client().get("/j/nope/").status_code == 404
    assert Client().get("/v/nope/").status_code == 404


def test_the_home_page_sends_each_visitor_to_the_right_place(workshop, join, editor_client):
    assert Client().get("/")["Location"] == reverse("workshops:join-code")
    assert editor_client.get("/")["Location"] == reverse("maps:list")
    member = join(workshop, "팀 B")
    team_map = workshop.teams.get(name="팀 B").journey_map
    assert member.get("/")["Location"] == reverse("maps:board", args=[team_map.pk])
