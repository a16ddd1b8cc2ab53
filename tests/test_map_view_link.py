"""A map's own read-only link: a manager reads and exports that map and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from maps.models import Card, JourneyMap, Lane

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shared(workshop):
    team_a, team_b = workshop.teams.all()
    manager = Client()
    token = team_a.journey_map.view_token
    response = manager.get(f"/v/m/{token}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("maps:board", args=[team_a.journey_map_id])
    return manager, team_a.journey_map, team_b.journey_map


def test_every_map_has_its_own_unguessable_link(workshop, journey_map):
    tokens = [m.view_token for m in JourneyMap.objects.all()]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert all(len(token) >= 43 for token in tokens)  # 256 bits, url-safe base64


def test_the_link_reads_and_exports_that_map_only(shared, workshop):
    manager, shared_map, other_map = shared
    board = manager.get(reverse("maps:board", args=[shared_map.pk]))
    assert board.status_code == 200 and "role-viewer" in board.content.decode()
    assert manager.get(reverse("maps:export-json", args=[shared_map.pk])).status_code == 200
    assert manager.get(reverse("maps:export-csv", args=[shared_map.pk])).status_code == 200
    for path in (
        reverse("maps:board", args=[other_map.pk]),
        reverse("workshops:maps", args=[workshop.pk]),
        reverse("workshops:gallery", args=[workshop.pk]),
        reverse("workshops:console", args=[workshop.pk]),
    ):
        assert manager.get(path).status_code == 404, path


def test_the_link_cannot_write(shared):
    manager, shared_map, _other = shared
    stage = shared_map.stages.first()
    response = manager.post(
        reverse("maps:card-add", args=[shared_map.pk]),
        {"stage": stage.pk, "lane": Lane.ACTION, "text": "몰래 쓰기"},
        **HTMX,
    )
    assert response.status_code == 403
    assert not Card.all_objects.exists()


def test_a_map_outside_any_workshop_can_be_shared_too(journey_map):
    manager = Client()
    manager.get(f"/v/m/{journey_map.view_token}/")
    page = manager.get(reverse("maps:board", args=[journey_map.pk]))
    assert page.status_code == 200 and journey_map.title in page.content.decode()


def test_a_wrong_token_finds_nothing(journey_map):
    assert Client().get("/v/m/not-a-token/").status_code == 404
    assert Client().get(f"/v/m/{journey_map.view_token}x/").status_code == 404


def test_only_facilitators_see_the_link_on_the_board(workshop, join, editor_client):
    team_map = workshop.teams.first().journey_map
    link = f"/v/m/{team_map.view_token}/"
    assert link in editor_client.get(reverse("maps:board", args=[team_map.pk])).content.decode()
    participant = join(workshop, "팀 A", "참가자")
    page = participant.get(reverse("maps:board", args=[team_map.pk])).content.decode()
    assert team_map.view_token not in page
