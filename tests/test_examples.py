"""Starting points: the example library (read-only, copied to one's own maps with its dates
moved to today) and workshops whose team maps start from an example or another map."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maps import examples, importing
from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def test_every_example_is_a_valid_map_export_with_what_the_sources_describe():
    library = {e.slug: e for e in examples.catalogue()}
    assert list(library) == ["loan", "shop", "energy"]
    for example in library.values():
        importing.check(examples.as_of_today(example))  # raises if anything is off
    loan = library["loan"]
    assert len(loan.touchpoints) == 11
    assert loan.map["start_point"].startswith("대출 광고") and "최종 확인" in loan.map["end_point"]
    mots = {card["text"] for card in library["shop"].mots}
    assert mots == {"쇼핑몰 첫 화면", "구매 후기 읽기", "상품 수령"}
    assert library["energy"].map["title"].startswith("에너지 투자")


def test_a_copy_is_the_facilitator_s_map_with_its_dates_moved_to_today(
    editor_client, editor, monkeypatch
):
    example = examples.get("loan")
    written = datetime.date.fromisoformat(example.data["written"])
    today = written + datetime.timedelta(days=31)
    monkeypatch.setattr(timezone, "localdate", lambda *a: today)
    response = editor_client.post(reverse("maps:example-copy", args=["loan"]))
    journey_map = JourneyMap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("maps:board", args=[journey_map.pk])
    assert journey_map.created_by == editor and journey_map.title == example.map["title"]
    assert journey_map.cards.filter(lane=Lane.TOUCHPOINT).count() == 11
    assert EmotionCard.objects.count() == sum(len(c["emotions"]) for c in example.cards) + sum(
        len(s["emotions"]) for s in example.map["stages"]
    )
    due = sorted(ActionPlan.objects.values_list("due_date", flat=True))
    written_due = sorted(
        datetime.date.fromisoformat(p["due_date"]) for p in example.plans if p["due_date"]
    )
    assert due == [d + datetime.timedelta(days=31) for d in written_due]
    # The example itself is unchanged: a second copy is a second map.
    editor_client.post(reverse("maps:example-copy", args=["loan"]))
    assert JourneyMap.objects.count() == 2


def test_the_library_and_an_example_read_only(editor_client):
    html = editor_client.get(reverse("maps:examples")).content.decode()
    for example in examples.catalogue():
        assert example.map["title"] in html
    page = editor_client.get(reverse("maps:example", args=["shop"])).content.decode()
    assert "상품 수령" in page and "MOT" in page and "출고 지연" in page
    assert 'action="/maps/examples/shop/copy/"' in page
    assert "hx-post" not in page  # nothing on it edits anything
    assert not JourneyMap.objects.exists()


def test_the_library_is_for_facilitators_and_unknown_examples_are_not_found(
    editor_client, workshop, join
):
    assert editor_client.get(reverse("maps:example", args=["nothing"])).status_code == 404
    assert editor_client.post(reverse("maps:example-copy", args=["nothing"])).status_code == 404
    assert editor_client.get(reverse("maps:example-copy", args=["loan"])).status_code == 405
    member = join(workshop, "팀 A")
    before = JourneyMap.objects.count()
    for client, refused in ((member, {404}), (Client(), {302, 401})):
        assert client.get(reverse("maps:examples")).status_code in refused
        assert client.get(reverse("maps:example", args=["loan"])).status_code in refused
        assert client.post(reverse("maps:example-copy", args=["loan"])).status_code in refused
    assert JourneyMap.objects.count() == before


def create(client, **fields):
    data = {"title": "출발점 워크숍", "date": "2026-12-03", "teams": "1팀\n2팀", "preset": "aida"}
    return client.post(reverse("workshops:list"), data | fields)


def test_a_workshop_starts_every_team_from_an_example_without_its_cards(editor_client):
    response = create(editor_client, start_from="example:shop")
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    example = examples.get("shop")
    for team in workshop.teams.select_related("journey_map__persona"):
        journey_map = team.journey_map
        assert journey_map.title == f"출발점 워크숍 · {team.name}"
        assert [s.name for s in journey_map.stages.all()] == [
            s["name"] for s in example.map["stages"]
        ]
        assert journey_map.persona.name == example.map["persona"]["name"]
        assert journey_map.start_point == example.map["start_point"]
        assert not journey_map.cards.exists() and not journey_map.emotion_cards.exists()
    # Two teams, two personas: one team's edit never changes the other's.
    personas = {t.journey_map.persona_id for t in workshop.teams.all()}
    assert len(personas) == 2


def test_a_workshop_starts_from_another_map_with_its_cards_and_a_map_type(editor_client):
    source = examples.copy(examples.get("loan"))
    response = create(
        editor_client, start_from=f"map:{source.pk}", with_cards="on", map_type="future"
    )
    assert response.status_code == 302
    workshop = Workshop.objects.get()
    for team in workshop.teams.all():
        journey_map = team.journey_map
        assert journey_map.map_type == "future"
        assert journey_map.cards.count() == source.cards.count()
        # Who felt what stays with the old room; plans come along as last time's plans.
        copied = journey_map.emotion_cards.all()
        assert copied.count() == source.emotion_cards.count()
        assert not copied.exclude(author_name="").exists()
        assert not copied.exclude(author_role="").exists()
        assert not journey_map.action_plans.exists()
    assert Card.objects.filter(journey_map=source).count() == source.cards.count()
    assert source.emotion_cards.exclude(author_name="").exists()  # the copy had names to drop


def test_a_preset_workshop_takes_the_map_type(editor_client):
    assert create(editor_client, map_type="blueprint").status_code == 302
    assert {t.journey_map.map_type for t in Workshop.objects.get().teams.all()} == {"blueprint"}


def test_a_start_that_cannot_be_copied_is_refused_in_words(editor_client):
    blueprint = JourneyMap.objects.create_from_preset(
        title="청사진", preset="funnel", map_type="blueprint"
    )
    Card.objects.create(stage=blueprint.stages.first(), lane=Lane.STAFF, text="직원 응대")
    response = create(
        editor_client, start_from=f"map:{blueprint.pk}", with_cards="on", map_type="current"
    )
    assert response.status_code == 422
    assert not Workshop.objects.exists()
    for junk in ("map:999999", "example:nothing", "map:abc", "x" * 300):
        assert create(editor_client, start_from=junk).status_code == 422
    assert not Workshop.objects.exists()


def test_a_workshop_started_from_a_map_shows_its_open_plans_as_last_time_s(
    editor_client, join, django_assert_max_num_queries
):
    source = examples.copy(examples.get("loan"))
    open_plans = list(source.action_plans.exclude(status="done").values_list("what", flat=True))
    ActionPlan.objects.filter(journey_map=source, what=open_plans[0]).update(status="done")
    assert create(editor_client, start_from=f"map:{source.pk}").status_code == 302
    workshop = Workshop.objects.get()
    team = workshop.teams.first()
    assert team.journey_map.continues == source
    member = join(workshop, team.name)
    board = member.get(reverse("maps:board", args=[team.journey_map_id])).content.decode()
    section = board.split('id="last-plans"')[1].split("</section>")[0]
    assert open_plans[0] not in section  # done since
    for what in open_plans[1:]:
        assert what in section
    assert reverse("maps:plans", args=[source.pk]) not in section  # not a participant's map
    assert (
        reverse("maps:plans", args=[source.pk])
        in editor_client.get(reverse("maps:board", args=[team.journey_map_id])).content.decode()
    )
    # The same rows: an owner's update there shows here.
    ActionPlan.objects.filter(journey_map=source, what=open_plans[1]).update(status="doing")
    board = member.get(reverse("maps:board", args=[team.journey_map_id])).content.decode()
    assert "진행 중" in board.split('id="last-plans"')[1] or "Doing" in board
    # A manager's read-only link reads the board, not the old map's owners.
    viewer = Client()
    assert viewer.get(f"/v/{workshop.view_token}/").status_code == 302
    board = viewer.get(reverse("maps:board", args=[team.journey_map_id]))
    assert board.status_code == 200 and 'id="last-plans"' not in board.content.decode()
    # A map that carries nothing on shows no such section.
    fresh = create(editor_client, title="새 출발")
    assert fresh.status_code == 302
    other = Workshop.objects.get(title="새 출발").teams.first().journey_map
    assert (
        'id="last-plans"'
        not in editor_client.get(reverse("maps:board", args=[other.pk])).content.decode()
    )
