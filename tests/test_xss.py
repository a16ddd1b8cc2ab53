"""XSS: hostile text in every field, read back through every page, push, export and PDF.
Escaping must hold on its own; the Content Security Policy is a second wall, not the first."""

from __future__ import annotations

import csv
import io
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

from maps.models import Card
from tests.xss import PAYLOADS, dangerous_elements, fill_with_payloads
from workshops import fragments

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(workshop, editor):
    journey_map = fill_with_payloads(workshop)
    facilitator = Client()
    facilitator.force_login(editor)
    workshop.gallery_open = True
    workshop.save()
    return workshop, journey_map, facilitator


def test_pages_show_hostile_text_as_text(hostile, join):
    workshop, journey_map, facilitator = hostile
    member = join(workshop, "팀 A", "참가자")
    pages = {
        "board": facilitator.get(reverse("maps:board", args=[journey_map.pk])),
        "board as participant": member.get(reverse("maps:board", args=[journey_map.pk])),
        "console": facilitator.get(reverse("workshops:console", args=[workshop.pk])),
        "gallery": member.get(reverse("workshops:gallery", args=[workshop.pk])),
        "present": facilitator.get(
            reverse("workshops:present", args=[workshop.pk, journey_map.team.pk])
        ),
        "maps": facilitator.get(reverse("workshops:maps", args=[workshop.pk])),
        "map list": facilitator.get(reverse("maps:list")),
        "compare": facilitator.get(reverse("maps:compare", args=[journey_map.pk])),
        "join": Client().get(reverse("workshops:join", args=[workshop.join_token])),
        "curve svg": facilitator.get(reverse("maps:curve-svg", args=[journey_map.pk])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.content.decode()
        assert dangerous_elements(html) == [], name
    board = pages["board"].content.decode()
    assert "&lt;script&gt;alert(&#x27;xss-1&#x27;)&lt;/script&gt;" in board  # shown, escaped


def test_pushes_show_hostile_text_as_text(hostile):
    _workshop, journey_map, _facilitator = hostile
    html = fragments.render(journey_map, header=True, grid=True, plans=True, ranking="touchpoint")
    assert "xss-2" in html and dangerous_elements(html) == []


def test_edits_echo_hostile_text_as_text(hostile):
    """What comes back from a write (the editor's answer and the push) as well."""
    _workshop, journey_map, facilitator = hostile
    card = Card.objects.filter(journey_map=journey_map).first()
    for payload in PAYLOADS:
        answer = facilitator.post(
            reverse("maps:card-update", args=[journey_map.pk, card.pk]),
            {"text": payload, "version": Card.objects.get(pk=card.pk).version},
            HTTP_HX_REQUEST="true",
        )
        assert answer.status_code == 200
        assert dangerous_elements(answer.content.decode()) == []
    conflict = facilitator.post(
        reverse("maps:card-update", args=[journey_map.pk, card.pk]),
        {"text": PAYLOADS[5], "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert conflict.status_code == 409 and dangerous_elements(conflict.content.decode()) == []


def test_the_csv_never_starts_a_cell_with_a_formula(hostile):
    _workshop, journey_map, facilitator = hostile
    response = facilitator.get(reverse("maps:export-csv", args=[journey_map.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")), cell


@pytest.mark.django_db(transaction=True)  # the PDF worker reads committed rows
def test_the_pdf_prints_hostile_text_as_text(hostile, tmp_path):
    _workshop, journey_map, facilitator = hostile
    response = facilitator.get(reverse("maps:export-pdf", args=[journey_map.pk]))
    assert response.status_code == 200
    path = tmp_path / "map.pdf"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The markup is printed as the characters people typed, not interpreted.
    assert "<script>alert('xss-1')</script>" in text.replace("\n", "")


def test_the_checker_finds_what_it_looks_for():
    """The check above is only worth something if it would see an unescaped payload."""
    assert dangerous_elements(PAYLOADS[0]) == ["<script> not ours"]
    assert "<img onerror>" in dangerous_elements(PAYLOADS[1])
    assert "<svg onload>" in dangerous_elements('"><svg onload=alert(1)>')
    assert "<a href=javascript:>" in dangerous_elements(PAYLOADS[9])
    assert dangerous_elements('<script src="/static/js/live.js"></script>') == []
