"""Charts and PDFs are heavy reads anyone with read access could repeat: what is drawn is
cached by what it shows, and each person gets a limited number a minute."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from maps import charts
from maps.models import EmotionCard
from workshops import ratelimit
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def gallery(editor):
    workshop = Workshop.create(
        title="갤러리",
        date=datetime.date.today(),
        teams=[f"{n}팀" for n in range(1, 5)],
        preset="funnel",
        facilitator=editor,
    )
    for team in workshop.teams.all():
        EmotionCard.objects.create(stage=team.journey_map.stages.first(), score=1)
    return workshop


def counting_draws(monkeypatch) -> list:
    drawn = []
    real = charts.draw_compare
    monkeypatch.setattr(charts, "draw_compare", lambda *a, **k: drawn.append(1) or real(*a, **k))
    return drawn


def test_the_gallery_chart_is_drawn_once_while_nothing_changes(editor_client, gallery, monkeypatch):
    from django.core.cache import caches

    caches["curves"].clear()
    drawn = counting_draws(monkeypatch)
    url = reverse("workshops:gallery", args=[gallery.pk])
    for _ in range(3):
        assert editor_client.get(url).status_code == 200
    assert len(drawn) == 1
    team = gallery.teams.first()
    EmotionCard.objects.create(stage=team.journey_map.stages.first(), score=-2)
    assert editor_client.get(url).status_code == 200
    assert len(drawn) == 2


def test_the_compare_chart_is_drawn_once_per_choice(editor_client, journey_map, monkeypatch):
    from django.core.cache import caches

    caches["curves"].clear()
    EmotionCard.objects.create(stage=journey_map.stages.first(), score=2)
    editor_client.post(reverse("maps:version-save", args=[journey_map.pk]), {"label": "봄"})
    version = journey_map.versions.get()
    drawn = counting_draws(monkeypatch)
    url = reverse("maps:compare-svg", args=[journey_map.pk]) + f"?with=version:{version.pk}"
    for _ in range(3):
        assert editor_client.get(url).status_code == 200
    assert len(drawn) == 1


@pytest.mark.django_db(transaction=True)  # the PDF worker reads committed rows
def test_pdf_exports_are_limited_per_person(
    editor_client, journey_map, settings, client, join, monkeypatch
):
    """Each PDF of a new state of the map counts; the same state again is the made file."""
    settings.EXPORTS_PER_MINUTE = 2
    # One window for the whole test: a minute's boundary between two PDFs would reset it.
    monkeypatch.setattr(ratelimit, "_bucket", lambda key, window: f"rl:{key}:one-window")
    url = reverse("maps:export-pdf", args=[journey_map.pk])
    answers = []
    for _ in range(3):
        answers.append(editor_client.get(url).status_code)
        journey_map.bump()  # someone edits the map meanwhile
    assert answers == [200, 200, 429]
    refused = editor_client.get(url, headers={"HX-Request": "true"})
    assert refused.status_code == 429 and "잠시 뒤에 다시" in refused.content.decode()


def test_a_person_past_the_chart_limit_does_not_stop_another(
    editor_client, gallery, settings, join
):
    settings.CHARTS_PER_MINUTE = 2
    gallery.gallery_open = True
    gallery.save()
    url = reverse("workshops:gallery", args=[gallery.pk])
    assert [editor_client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    participant = join(gallery, "1팀")
    assert participant.get(url).status_code == 200
