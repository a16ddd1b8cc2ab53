"""The gallery (every team's map, and their curves on one chart), the presentation of one
team's map for the sharing step, and sending everyone somewhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maps.models import Card, EmotionCard, Lane

pytestmark = pytest.mark.django_db

HTMX = {"headers": {"HX-Request": "true"}}


def control(client, workshop, action, **data):
    return client.post(reverse(f"workshops:control-{action}", args=[workshop.pk]), data, **HTMX)


def team_map(workshop, name):
    return workshop.teams.get(name=name).journey_map


def test_participants_read_other_teams_only_while_the_gallery_is_open(
    workshop, join, editor_client
):
    member = join(workshop, "팀 A")
    map_b = team_map(workshop, "팀 B")
    gallery = reverse("workshops:gallery", args=[workshop.pk])
    assert member.get(gallery).status_code == 404
    assert member.get(reverse("maps:board", args=[map_b.pk])).status_code == 404

    control(editor_client, workshop, "gallery-open")
    page = member.get(gallery).content.decode()
    assert "팀 A" in page and "팀 B" in page
    board = member.get(reverse("maps:board", args=[map_b.pk])).content.decode()
    assert "role-guest" in board
    # Reading is not writing.
    stage = map_b.stages.first()
    refused = member.post(
        reverse("maps:card-add", args=[map_b.pk]),
        {"stage": stage.pk, "lane": Lane.ACTION, "text": "남의 지도"},
        **HTMX,
    )
    assert refused.status_code == 403
    assert not Card.objects.filter(text="남의 지도").exists()

    control(editor_client, workshop, "gallery-close")
    assert member.get(gallery).status_code == 404
    assert member.get(reverse("maps:board", args=[map_b.pk])).status_code == 404


def test_the_gallery_draws_every_team_s_curve_on_one_chart(workshop, editor_client):
    for name, score in (("팀 A", -2), ("팀 B", 1)):
        stage = team_map(workshop, name).stages.first()
        touchpoint = Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="앱")
        EmotionCard.objects.create(touchpoint=touchpoint, score=score)
    page = editor_client.get(reverse("workshops:gallery", args=[workshop.pk])).content.decode()
    chart = page.split('class="curve-chart"')[1].split("</svg>")[0]
    assert "팀 A" in chart and "팀 B" in chart  # the legend names both teams


def test_the_presentation_steps_through_the_teams_read_only(workshop, editor_client):
    a, b = workshop.teams.all()
    page = editor_client.get(reverse("workshops:present", args=[workshop.pk, a.pk]))
    html = page.content.decode()
    assert "role-viewer presenting" in html
    assert reverse("workshops:present", args=[workshop.pk, b.pk]) in html
    assert "(1/2)" in html
    other = editor_client.get(reverse("workshops:present", args=[workshop.pk, 999999]))
    assert other.status_code == 404


def test_a_team_of_another_workshop_is_not_presented_here(workshop, editor_client, editor):
    from workshops.models import Workshop

    other = Workshop.create(
        title="다른", date=workshop.date, teams=["팀 C"], preset="blank", facilitator=editor
    )
    url = reverse("workshops:present", args=[workshop.pk, other.teams.get().pk])
    assert editor_client.get(url).status_code == 404


def test_bring_everyone_here_sends_each_room_the_right_address(
    workshop, editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    from workshops import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: sent.append((map_id, message)))
    with django_capture_on_commit_callbacks(execute=True):
        control(editor_client, workshop, "go", where="own")
    gone = {map_id: m["url"] for map_id, m in sent if m["type"] == "room.go"}
    assert gone == {
        t.journey_map_id: reverse("maps:board", args=[t.journey_map_id])
        for t in workshop.teams.all()
    }
    sent.clear()
    b = workshop.teams.get(name="팀 B")
    with django_capture_on_commit_callbacks(execute=True):
        control(editor_client, workshop, "go", where=f"team:{b.pk}")
    urls = {m["url"] for _id, m in sent if m["type"] == "room.go"}
    assert urls == {reverse("workshops:present", args=[workshop.pk, b.pk])}


@pytest.mark.parametrize("where", ["", "team:999999", "team:x", "http://evil.example/", "gallery2"])
def test_a_bad_destination_is_refused(workshop, editor_client, where, monkeypatch):
    from workshops import broadcast

    sent = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: sent.append(message))
    response = control(editor_client, workshop, "go", where=where)
    assert response.status_code == 422
    assert sent == []
