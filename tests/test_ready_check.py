"""The ready check: a participant says "다 했어요" for the step running now, every room bar and
the console count it per team, and the next step starts everyone at not ready."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from workshops.models import Participant

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def room(workshop, join, editor):
    facilitator = Client()
    facilitator.force_login(editor)
    return {
        "workshop": workshop,
        "facilitator": facilitator,
        "a1": join(workshop, "팀 A", "에이1"),
        "a2": join(workshop, "팀 A", "에이2"),
        "b1": join(workshop, "팀 B", "비1"),
    }


def control(room, name, data=None):
    url = reverse(f"workshops:control-{name}", args=[room["workshop"].pk])
    return room["facilitator"].post(url, data or {}, **HTMX)


def say_ready(client, workshop, ready=True):
    url = reverse("workshops:ready", args=[workshop.pk])
    return client.post(url, {"ready": "1" if ready else "0"}, **HTMX)


def test_ready_is_counted_per_team_and_pushed(room, sent, django_capture_on_commit_callbacks):
    workshop = room["workshop"]
    assert say_ready(room["a1"], workshop).status_code == 422  # no step yet
    assert not Participant.objects.exclude(ready_step=None).exists()
    control(room, "start")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = say_ready(room["a1"], workshop)
    assert answer.status_code == 200 and "되돌리기" in answer.content.decode()
    assert Participant.objects.get(display_name="에이1").ready_step == 0
    assert len(sent) == 2  # the room bar, to each team's room
    assert all("팀 A 1/2" in m["html"] and "팀 B 0/1" in m["html"] for m in sent)
    map_a = workshop.teams.get(name="팀 A").journey_map
    page = room["a2"].get(reverse("maps:board", args=[map_a.pk])).content.decode()
    assert "팀 A 1/2" in page and "다 했어요" in page
    facilitator_page = room["facilitator"].get(reverse("maps:board", args=[map_a.pk]))
    assert 'name="ready"' not in facilitator_page.content.decode()
    console = room["facilitator"].get(reverse("workshops:console", args=[workshop.pk]))
    assert "팀 A 1/2" in console.content.decode()
    say_ready(room["a1"], workshop, ready=False)
    assert Participant.objects.get(display_name="에이1").ready_step is None


def test_the_next_step_starts_everyone_at_not_ready(room, sent, django_capture_on_commit_callbacks):
    workshop = room["workshop"]
    control(room, "start")
    say_ready(room["a1"], workshop)
    say_ready(room["b1"], workshop)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        control(room, "step", {"step": 1})
    assert all("팀 A 0/2" in m["html"] and "팀 B 0/1" in m["html"] for m in sent)
    assert all('id="my-ready"' in m["html"] and "다 했어요" in m["html"] for m in sent)
    workshop.refresh_from_db()
    assert not Participant.objects.filter(ready_step=workshop.step_index).exists()


def test_only_a_participant_of_the_workshop_says_ready(room, workshop, join, editor):
    from workshops.models import Workshop

    control(room, "start")
    other = Workshop.create(
        title="다른", date=workshop.date, teams=["팀 C"], preset="funnel", facilitator=editor
    )
    stranger = join(other, "팀 C", "씨")
    assert say_ready(stranger, workshop).status_code == 404
    assert say_ready(room["facilitator"], workshop).status_code == 404
    assert say_ready(Client(), workshop).status_code == 404
    assert not Participant.objects.exclude(ready_step=None).exists()
