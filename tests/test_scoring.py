"""Scoring opportunities (issue 15): customer value, business value and effort, 1–5, by each
person; the means on the card, the ranking by value for effort, the matrix, the PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maps import pdf, scoring
from maps.models import Card, Lane, OpportunityScore

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def score(client, card, customer, business, effort):
    url = reverse("maps:card-score", args=[card.journey_map_id, card.pk])
    data = {"customer_value": customer, "business_value": business, "effort": effort}
    return client.post(url, data, **HTMX)


@pytest.fixture
def chances(stages, make_card):
    return (
        make_card("알림톡으로 입금 안내", stage=stages[3], lane=Lane.OPPORTUNITY, votes=3),
        make_card("결제 단계 줄이기", stage=stages[2], lane=Lane.OPPORTUNITY, votes=1),
    )


def test_each_person_scores_and_the_card_shows_the_means(
    editor_client, client, django_user_model, journey_map, chances
):
    easy, _hard = chances
    form = editor_client.get(
        reverse("maps:card-score", args=[journey_map.pk, easy.pk]), **HTMX
    ).content.decode()
    assert 'name="effort"' in form and "고객에게 얼마나 중요한가" in form
    assert score(editor_client, easy, 5, 4, 1).status_code == 200
    assert score(editor_client, easy, 4, 4, 2).status_code == 200  # again: replaces mine
    client.force_login(django_user_model.objects.create_user("other", is_staff=True))
    response = score(client, easy, 2, 2, 4)
    assert response.status_code == 200
    assert OpportunityScore.objects.filter(card=easy).count() == 2
    html = response.content.decode()
    assert "고객 3.0 · 사업 3.0 · 노력 3.0 (2명)" in html  # the card, pushed
    assert 'id="priorities"' in html  # and the ranking


@pytest.mark.parametrize("bad", [0, 6, "", "셋", "2.5"])
def test_a_score_outside_1_to_5_is_refused_and_saves_nothing(editor_client, chances, bad):
    response = score(editor_client, chances[0], bad, 3, 3)
    assert response.status_code == 422
    assert not OpportunityScore.objects.exists()


def test_only_opportunities_are_scored(editor_client, journey_map, make_card):
    thought = make_card("생각", lane=Lane.THOUGHT)
    assert score(editor_client, thought, 3, 3, 3).status_code == 404


def test_the_ranking_puts_value_for_effort_first_and_the_matrix_draws_it(
    editor_client, journey_map, chances
):
    easy, hard = chances
    score(editor_client, easy, 4, 4, 1)  # value 4, effort 1: 4.0
    score(editor_client, hard, 5, 5, 5)  # value 5, effort 5: 1.0
    ranked = scoring.priorities(journey_map)
    assert [p.card.text for p in ranked] == ["알림톡으로 입금 안내", "결제 단계 줄이기"]
    assert ranked[0].scored.value_for_effort == 4.0
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    panel = board[board.index('id="priorities"') :]
    assert panel.index("알림톡으로 입금 안내") < panel.index("결제 단계 줄이기")
    assert f'data-plan-for="{easy.pk}"' in panel  # "turn into a plan"
    image = editor_client.get(reverse("maps:priorities-svg", args=[journey_map.pk]) + "?v=1")
    assert image.status_code == 200 and image["Content-Type"].startswith("image/svg")
    assert b"<title>" in image.content and "알림톡" in image.content.decode()


def test_the_pdf_has_the_ranking_and_the_matrix(editor_client, journey_map, chances):
    score(editor_client, chances[0], 3, 5, 2)
    journey_map.refresh_from_db()
    html = pdf.print_html(journey_map)
    assert "가치 대비 노력" in html and "알림톡으로 입금 안내" in html and "<svg" in html


def test_while_scores_are_hidden_cards_say_how_many_scored_and_no_means_leak(
    editor_client, journey_map, chances
):
    journey_map.scores_hidden = True
    journey_map.save()
    response = score(editor_client, chances[0], 5, 5, 1)
    html = response.content.decode()
    assert "1명 채점, 공개 후에 보입니다" in html and "고객 5.0" not in html
    board = editor_client.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert "고객 5.0" not in board and "점수를 비공개로 매기는 중입니다" in board
    assert (
        editor_client.get(reverse("maps:priorities-svg", args=[journey_map.pk])).status_code == 404
    )
    paper = pdf.print_html(journey_map)
    assert "고객 5.0" not in paper and "가치 대비 노력" not in paper


def test_the_board_and_its_pushes_cost_the_same_queries_with_scores(
    editor_client, journey_map, stages, chances, django_user_model
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def board_queries():
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(reverse("maps:board", args=[journey_map.pk]))
        return len(queries)

    score(editor_client, chances[0], 3, 3, 3)
    few = board_queries()
    for n in range(30):
        card = Card.objects.create(stage=stages[n % 4], lane=Lane.OPPORTUNITY, text=f"기회 {n}")
        OpportunityScore.objects.create(
            journey_map=journey_map,
            card=card,
            scorer="u1",
            customer_value=3,
            business_value=2,
            effort=1 + n % 5,
        )
    assert board_queries() == few


def test_the_facilitator_runs_private_scoring_and_reveals_the_means(workshop, join, editor_client):
    journey_map = workshop.teams.get(name="팀 A").journey_map
    stage = journey_map.stages.first()
    chance = Card.objects.create(stage=stage, lane=Lane.OPPORTUNITY, text="챗봇 안내")
    control = reverse("workshops:control-scores-private", args=[workshop.pk])
    assert editor_client.post(control, **HTMX).status_code == 200
    journey_map.refresh_from_db()
    assert journey_map.scores_hidden
    for name, points in (("가", (5, 4, 2)), ("나", (3, 2, 4))):
        member = join(workshop, "팀 A", name)
        assert score(member, chance, *points).status_code == 200
    board = member.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert "2명 채점, 공개 후에 보입니다" in board and "고객 4.0" not in board
    console = editor_client.get(reverse("workshops:console", args=[workshop.pk])).content
    assert "팀 A: 2명이 1개 채점" in console.decode()
    # The team cards, which the console re-reads every few seconds, count it too.
    teams = editor_client.get(reverse("workshops:teams", args=[workshop.pk])).content.decode()
    assert "2명이 개선 기회 1개를 채점했습니다" in teams
    reveal = reverse("workshops:control-scores-reveal", args=[workshop.pk])
    assert editor_client.post(reveal, **HTMX).status_code == 200
    board = member.get(reverse("maps:board", args=[journey_map.pk])).content.decode()
    assert "고객 4.0 · 사업 3.0 · 노력 3.0 (2명)" in board
