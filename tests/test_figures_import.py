"""Figures from a spreadsheet: the template, an .xlsx or .csv back, a preview that saves
nothing, and applying it in one transaction and one push. Bad files are refused with the row
and column named, and the map stays as it was."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maps.models import Card, Lane, TouchpointFigures

pytestmark = pytest.mark.django_db


@pytest.fixture
def touchpoints(journey_map, stages):
    return [
        Card.objects.create(stage=stages[0], lane=Lane.TOUCHPOINT, text="SNS 광고"),
        Card.objects.create(stage=stages[2], lane=Lane.TOUCHPOINT, text="앱 결제 화면"),
        Card.objects.create(stage=stages[2], lane=Lane.TOUCHPOINT, text='=HYPERLINK("x")'),
    ]


def url(name, journey_map):
    return reverse(f"maps:{name}", args=[journey_map.pk])


def template_book(editor_client, journey_map):
    response = editor_client.get(url("figures-template", journey_map))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def upload(editor_client, journey_map, name, content):
    return editor_client.post(
        url("figures-import", journey_map), {"file": SimpleUploadedFile(name, content)}
    )


def signed_preview(response) -> str:
    return re.search(r'name="preview" value="([^"]+)"', response.content.decode()).group(1)


def test_the_template_lists_the_touchpoints_safely(editor_client, journey_map, touchpoints):
    sheet = template_book(editor_client, journey_map).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("ID", "단계", "접점")
    assert [(r[0], r[2]) for r in rows[1:]] == [
        (touchpoints[0].pk, "SNS 광고"),
        (touchpoints[1].pk, "앱 결제 화면"),
        (touchpoints[2].pk, '\'=HYPERLINK("x")'),  # text, never a formula
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_xlsx_is_previewed_without_saving_then_applied_once(
    editor_client, journey_map, touchpoints, django_capture_on_commit_callbacks, monkeypatch
):
    from workshops import broadcast

    book = template_book(editor_client, journey_map)
    sheet = book.active
    sheet["I2"] = 7  # complaints of SNS 광고
    sheet["I3"] = 41
    sheet["J3"] = "본인 인증 반복, 결제 오류"
    sheet["F3"] = "58%"  # satisfaction, with its sign
    sheet["M3"] = "2026-11-30"
    out = io.BytesIO()
    book.save(out)
    preview = upload(editor_client, journey_map, "수치.xlsx", out.getvalue())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "앱 결제 화면" in page and "41" in page and "58" in page
    assert not TouchpointFigures.objects.exists()  # a preview saves nothing

    sent = []
    monkeypatch.setattr(broadcast, "send", lambda map_id, message: sent.append(message))
    with django_capture_on_commit_callbacks(execute=True):
        applied = editor_client.post(
            url("figures-import", journey_map), {"preview": signed_preview(preview)}
        )
    assert applied.status_code == 302
    payment = TouchpointFigures.objects.get(touchpoint=touchpoints[1])
    assert (payment.complaints, str(payment.satisfaction), str(payment.measured_on)) == (
        41,
        "58.0",
        "2026-11-30",
    )
    assert TouchpointFigures.objects.get(touchpoint=touchpoints[0]).complaints == 7
    assert [m["type"] for m in sent] == ["room.push"]  # one push for the whole file
    pushed = sent[0]["html"]  # the changed touchpoints with their figures line, and the curve
    assert f'id="card-{touchpoints[1].pk}"' in pushed and "불만 41" in pushed
    assert 'id="curve"' in pushed and f'id="card-{touchpoints[2].pk}"' not in pushed

    # The same file again changes nothing, and says so instead of offering to save it.
    again = upload(editor_client, journey_map, "수치.xlsx", out.getvalue()).content.decode()
    assert "지표를 바꾸는 행이 없습니다" in again and 'name="preview"' not in again
    assert "그 밖의 2개 행은 접점이 이미 가진 값과 같습니다" in again


def test_a_korean_csv_from_excel_matches_touchpoints_by_text(
    editor_client, journey_map, touchpoints
):
    csv = "접점,불만 건수,이탈률(%)\r\nSNS 광고,3,12.5\r\n앱 결제 화면,18,27\r\n없는 접점,1,1\r\n"
    preview = upload(editor_client, journey_map, "cs.csv", csv.encode("cp949"))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "없는 접점" in page  # named as a row that matched nothing
    editor_client.post(url("figures-import", journey_map), {"preview": signed_preview(preview)})
    assert TouchpointFigures.objects.get(touchpoint=touchpoints[1]).drop_off == 27


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("접점,불만 건수,색깔\nSNS 광고,3,빨강\n", "C"),  # an unknown column, by its letter
        ("접점,불만 건수\nSNS 광고,많음\n", "Row 2, column B"),  # not a number
        ("접점,이탈률(%)\nSNS 광고,140\n", "Row 2, column B"),  # out of range
        ("접점,측정일\nSNS 광고,어제\n", "Row 2, column B"),  # not a date
        ("접점,불만 건수\nSNS 광고,3\nSNS 광고,4\n", "Row 3"),  # the same touchpoint twice
        ("불만 건수\n3\n", "ID"),  # nothing names the touchpoint
    ],
)
def test_a_bad_file_is_refused_with_the_row_and_column_and_nothing_changes(
    editor_client, journey_map, touchpoints, content, said
):
    response = editor_client.post(
        url("figures-import", journey_map),
        {"file": SimpleUploadedFile("bad.csv", content.encode())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert said in response.content.decode()
    assert 'name="preview"' not in response.content.decode()
    assert not TouchpointFigures.objects.exists()


def test_a_text_that_names_two_touchpoints_needs_the_id(editor_client, journey_map, stages):
    for stage in stages[:2]:
        Card.objects.create(stage=stage, lane=Lane.TOUCHPOINT, text="상담 채팅")
    response = upload(editor_client, journey_map, "x.csv", "접점,불만 건수\n상담 채팅,3\n".encode())
    assert response.status_code == 422 and not TouchpointFigures.objects.exists()


def test_not_a_spreadsheet_is_refused_in_words(editor_client, journey_map, touchpoints):
    response = upload(editor_client, journey_map, "x.xlsx", b"PK\x03\x04 not really")
    assert response.status_code == 422 and 'role="alert"' in response.content.decode()


def test_a_tampered_or_stale_preview_applies_nothing(editor_client, journey_map, touchpoints):
    preview = upload(editor_client, journey_map, "a.csv", "접점,불만 건수\nSNS 광고,3\n".encode())
    signed = signed_preview(preview)
    tampered = editor_client.post(url("figures-import", journey_map), {"preview": signed + "x"})
    assert tampered.status_code == 422
    touchpoints[0].delete()
    stale = editor_client.post(url("figures-import", journey_map), {"preview": signed})
    assert stale.status_code == 409 and not TouchpointFigures.objects.exists()


def test_an_apply_that_fails_half_way_leaves_the_map_as_it_was(
    editor_client, journey_map, touchpoints, monkeypatch
):
    TouchpointFigures.objects.create(touchpoint=touchpoints[0], complaints=1)
    csv = "접점,불만 건수\nSNS 광고,3\n앱 결제 화면,18\n"
    preview = upload(editor_client, journey_map, "a.csv", csv.encode())

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away after the updates")

    monkeypatch.setattr(TouchpointFigures.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        editor_client.post(url("figures-import", journey_map), {"preview": signed_preview(preview)})
    assert TouchpointFigures.objects.get(touchpoint=touchpoints[0]).complaints == 1
    assert TouchpointFigures.objects.count() == 1


def test_a_reader_cannot_import(journey_map, touchpoints, client):
    preview = client.post(url("figures-import", journey_map), {"file": SimpleUploadedFile(
        "a.csv", "접점,불만 건수\nSNS 광고,3\n".encode())})  # fmt: skip
    assert preview.status_code == 302 and "/login/" in preview["Location"]


def _book(rows, formats=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_percentage_cell_reads_as_the_percentage_people_see(
    editor_client, journey_map, touchpoints
):
    raw = _book(
        [["접점", "이탈률(%)", "만족도"], ["SNS 광고", 0.18, 0.62]], {"B2": "0%", "C2": "0.0%"}
    )
    preview = upload(editor_client, journey_map, "pct.xlsx", raw)
    assert preview.status_code == 200
    editor_client.post(url("figures-import", journey_map), {"preview": signed_preview(preview)})
    saved = TouchpointFigures.objects.get(touchpoint=touchpoints[0])
    assert (saved.drop_off, saved.satisfaction) == (18, 62)


@pytest.mark.parametrize(
    "rows, problem",
    [
        ([["접점", "만족도", "척도"], ["SNS 광고", 80, "mean5"]], "1부터 5 사이"),
        (
            [["접점", "기간 시작", "기간 끝"], ["SNS 광고", "2026-12-01", "2026-11-01"]],
            "시작보다 앞",
        ),
        ([["접점", "응답 시간(시간)"], ["SNS 광고", "1E+30"]], "범위 안의 숫자"),
    ],
)
def test_values_the_model_refuses_are_named_in_the_preview(
    editor_client, journey_map, touchpoints, rows, problem
):
    response = upload(editor_client, journey_map, "bad.xlsx", _book(rows))
    assert response.status_code == 422
    page = response.content.decode()
    assert problem in page and "2행" in page and 'name="preview"' not in page
    assert not TouchpointFigures.objects.exists()


def test_a_scale_switched_on_saved_figures_is_checked_with_them(
    editor_client, journey_map, touchpoints
):
    TouchpointFigures.objects.create(touchpoint=touchpoints[0], satisfaction=62)
    raw = _book([["접점", "척도"], ["SNS 광고", "mean5"]])  # 62 would become "62 of 5"
    response = upload(editor_client, journey_map, "scale.xlsx", raw)
    assert response.status_code == 422 and "1부터 5 사이" in response.content.decode()


def test_a_sheet_that_claims_a_million_rows_is_read_within_the_limit(
    editor_client, journey_map, touchpoints
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["접점", "불만 건수"])
    sheet.append(["SNS 광고", 3])
    sheet.cell(row=1_048_576, column=16_384, value="끝")
    out = io.BytesIO()
    book.save(out)
    assert len(out.getvalue()) < 10_000
    response = upload(editor_client, journey_map, "huge.xlsx", out.getvalue())
    assert response.status_code in (200, 422)
    assert "SNS 광고" in response.content.decode()


def test_a_damaged_workbook_is_refused_in_words(editor_client, journey_map, touchpoints):
    raw = bytearray(_book([["접점", "불만 건수"], ["SNS 광고", 3]]))
    raw[len(raw) // 2 : len(raw) // 2 + 200] = b"\x00" * 200
    response = upload(editor_client, journey_map, "broken.xlsx", bytes(raw))
    assert response.status_code == 422 and "Excel이 열 수 있는" in response.content.decode()
