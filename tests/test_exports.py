"""What managers take away: the PDF (checked with poppler's pdftotext and pdffonts), the
action plans as CSV for Excel and as a calendar."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import threading
import time
import urllib.request
from datetime import date
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from maps import pdf
from maps.models import ActionPlan, Card, EmotionCard, Lane, Persona
from tests.servers import ARTIFACTS
from workshops import printshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_map(journey_map, stages, make_card):
    journey_map.persona = Persona.objects.create(name="김정훈", profile="50대 안정 추구형 투자자")
    journey_map.topic, journey_map.start_point, journey_map.end_point = (
        "재투자율 높이기",
        "첫 투자를 했다",
        "세 번째 투자를 한다",
    )
    journey_map.save()
    tp = make_card("앱 결제 화면", stage=stages[2], lane=Lane.TOUCHPOINT, is_mot=True)
    EmotionCard.objects.create(journey_map=journey_map, stage=stages[2], touchpoint=tp, score=-2)
    EmotionCard.objects.create(journey_map=journey_map, stage=stages[0], score=1)
    opportunity = make_card("결제 단계 줄이기", stage=stages[2], lane=Lane.OPPORTUNITY, votes=3)
    ActionPlan.objects.create(
        journey_map=journey_map,
        opportunity=opportunity,
        what="결제 간소화 시안",
        owner="UX 디자이너",
        due_date=date(2026, 12, 29),
    )
    ActionPlan.objects.create(
        journey_map=journey_map,
        opportunity=opportunity,
        what='=HYPERLINK("http://evil.example","클릭")',
        owner="@마케팅",
        due_date=None,
    )
    return journey_map


def pdf_text(content: bytes, tmp_path) -> tuple[str, str, int]:
    path = tmp_path / "map.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    return text.stdout, fonts.stdout, pages


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_the_pdf_has_the_map_in_korean_with_the_font_embedded(
    editor_client, full_map, stages, poppler, tmp_path
):
    response = editor_client.get(reverse("maps:export-pdf", args=[full_map.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"filename*=utf-8''{quote('고객 여정-여정 지도.pdf')}" in response["Content-Disposition"]
    text, fonts, pages = pdf_text(response.content, tmp_path)
    for expected in ["고객 여정", "김정훈", "첫 투자를 했다", "앱 결제 화면", "UX 디자이너", "MOT"]:
        assert expected in text, expected
    for stage in stages:
        assert stage.name in text
    # pdftotext reads Korean even when the glyphs are missing: the font must be embedded.
    nanum = [line for line in fonts.splitlines() if "NanumGothic" in line]
    assert nanum and all(" yes yes yes " in line for line in nanum)
    assert pages >= 2  # the cover, then the grid
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "export.pdf").write_bytes(response.content)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "2",
            "-l",
            "2",
            str(ARTIFACTS / "export.pdf"),
            str(ARTIFACTS / "export-page"),
        ],
        check=True,
    )
    assert list(ARTIFACTS.glob("export-page-*2.png"))


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_a_300_card_map_paginates_with_no_card_missing(
    editor_client, journey_map, stages, poppler, tmp_path
):
    texts = []
    for n in range(300):
        stage, lane = stages[n % len(stages)], [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT][n % 3]
        text = f"카드{n:03d} 고객이 가격을 비교한다"
        Card.objects.create(journey_map=journey_map, stage=stage, lane=lane, text=text, position=n)
        texts.append(f"카드{n:03d}")
    content = editor_client.get(reverse("maps:export-pdf", args=[journey_map.pk])).content
    text, _fonts, pages = pdf_text(content, tmp_path)
    assert pages >= 4
    missing = [t for t in texts if t not in text]
    assert missing == []
    # The stage header row repeats on every grid page.
    grid_pages = [page for page in text.split("\f") if re.search(r"카드\d{3}", page)]
    assert all(stages[0].name in page for page in grid_pages)


@pytest.mark.parametrize("engine", ["chromium", "weasyprint"])
def test_a_map_with_nothing_in_it_still_prints(journey_map, poppler, tmp_path, engine):
    """On either engine: WeasyPrint is what a server without Chromium uses."""
    journey_map.stages.all().delete()
    worker = printshop.Worker()
    with override_settings(PDF_ENGINE=engine):
        try:
            content = worker.render(printshop.Job("empty", pdf.print_html(journey_map)))
        finally:
            worker.stop()
    text, _fonts, pages = pdf_text(content, tmp_path)
    assert "고객 여정" in text and pages >= 1


def test_a_pdf_being_made_does_not_hold_up_other_requests(daphne, journey_map, stages):
    """Through a real daphne: while a big map's PDF is laid out (seconds), the board still
    answers, before the PDF does."""
    user = get_user_model().objects.create_user("pdf", is_staff=True)
    browser = Client()
    browser.force_login(user)
    cookie = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}
    Card.objects.bulk_create(
        Card(journey_map=journey_map, stage=stages[n % 4], lane=Lane.ACTION, text=f"큰 지도 {n}")
        for n in range(800)
    )
    finished = []

    def fetch(name, path):
        request = urllib.request.Request(daphne.url + path, headers=cookie)
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 200
            response.read()
        finished.append(name)

    export = threading.Thread(
        target=fetch, args=("pdf", reverse("maps:export-pdf", args=[journey_map.pk]))
    )
    export.start()
    time.sleep(0.5)  # the export is under way
    fetch("healthz", "/healthz")
    fetch("map list", reverse("maps:list"))
    export.join()
    assert finished == ["healthz", "map list", "pdf"]


def test_the_pdf_needs_a_login_and_a_real_map(editor_client, journey_map):
    response = Client().get(reverse("maps:export-pdf", args=[journey_map.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert editor_client.get(reverse("maps:export-pdf", args=[9999])).status_code == 404


def test_action_plans_as_csv_open_in_excel_and_run_no_formula(editor_client, full_map):
    response = editor_client.get(reverse("maps:export-csv", args=[full_map.pk]))
    assert response.status_code == 200
    assert quote("고객 여정-액션 플랜.csv") in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "할 일", "개선 기회 또는 MOT", "단계", "담당자", "실행일", "상태", "결과", "결과 수치",
        "빠진 것",
    ]  # fmt: skip
    by_what = {row[0]: row for row in rows[1:]}
    assert by_what["결제 간소화 시안"][3:5] == ["UX 디자이너", "2026-12-29"]
    assert by_what["결제 간소화 시안"][8] == ""  # nothing missing
    # A cell that would start a formula is made text.
    assert '\'=HYPERLINK("http://evil.example","클릭")' in by_what
    assert by_what['\'=HYPERLINK("http://evil.example","클릭")'][3] == "'@마케팅"


def test_action_plans_as_a_calendar_parse_back(editor_client, full_map):
    import icalendar

    response = editor_client.get(reverse("maps:export-ics", args=[full_map.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")  # the plan without a due date has no event
    assert str(event["SUMMARY"]) == "결제 간소화 시안"
    assert event["DTSTART"].dt == date(2026, 12, 29)
    assert event["DTEND"].dt == date(2026, 12, 30)
    assert "UX 디자이너" in str(event["DESCRIPTION"])
    assert "결제 단계 줄이기" in str(event["DESCRIPTION"])


def test_long_korean_lines_fold_without_splitting_a_character():
    from maps.exports import _fold

    line = "SUMMARY:" + "가" * 60
    folded = _fold(line)
    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(p[1:] if i else p for i, p in enumerate(folded)) == line


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_the_workshop_pdf_has_every_team_s_map_in_one_file(
    editor_client, workshop, join, poppler, tmp_path
):
    from maps.models import Card, EmotionCard, Lane

    join(workshop, "팀 A", "김민지")
    for name, text in (("팀 A", "앱 결제 화면"), ("팀 B", "상담 채팅 창")):
        stage = workshop.teams.get(name=name).journey_map.stages.first()
        touchpoint = Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text=text)
        EmotionCard.objects.create(touchpoint=touchpoint, score=-1)
    response = editor_client.get(reverse("workshops:export-pdf", args=[workshop.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert quote("워크숍-워크숍.pdf") in response["Content-Disposition"]
    text, fonts, pages = pdf_text(response.content, tmp_path)
    for expected in ["워크숍", "팀 A", "팀 B", "김민지", "앱 결제 화면", "상담 채팅 창"]:
        assert expected in text, expected
    assert any("NanumGothic" in line and " yes yes yes " in line for line in fonts.splitlines())
    (ARTIFACTS / "workshop.pdf").write_bytes(response.content)
    # A cover, then for each team its own cover, grid and insights.
    assert pages >= 1 + 2 * 3
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(ARTIFACTS / "workshop.pdf"),
         str(ARTIFACTS / "workshop-page")],
        check=True,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)  # the PDF reads committed rows
def test_the_first_page_is_an_overview_a_manager_can_read_alone(
    editor_client, full_map, poppler, tmp_path
):
    import subprocess

    response = editor_client.get(reverse("maps:export-pdf", args=[full_map.pk]))
    path = tmp_path / "map.pdf"
    path.write_bytes(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True
    ).stdout
    # The MOT, who does what by when, and how to read the marks, before any grid.
    assert "진실의 순간" in first and "앱 결제 화면" in first
    assert "UX 디자이너" in first and "2026-12-29" in first
    assert "읽는 법" in first
