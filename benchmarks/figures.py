"""Touchpoint figures at size: a 2,000-row spreadsheet into a map of 300 touchpoints (the
preview, then applying it), and the curve by touchpoint for those 300.

The spreadsheet is what a CS tool exports for every product: 2,000 rows, 300 of them this
map's touchpoints (by ID), the rest left out as unmatched. Each figure is beside a baseline
measured in the same run, on the same data:

- preview (.xlsx and .csv) against openpyxl / the csv module reading the same file alone
  (what any import must pay);
- apply (one POST: one transaction, one push) against saving the figures of one touchpoint
  from its card form;
- the touchpoint curve drawn anew against the stage curve of the same map drawn anew.

Reported: min and median of REPEAT runs, the ratios, the queries of the apply and the pushes
it sent. Results: benchmarks/results/figures.json.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.setdefault("JOURNEYMAP_VAR_DIR", tempfile.mkdtemp(prefix="journeymap-bench-"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ["WRITES_PER_MINUTE"] = "100000"

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from maps import charts, touchpoint_chart  # noqa: E402
from maps.curve import CurveData  # noqa: E402
from maps.models import Card, EmotionCard, JourneyMap, Lane, TouchpointFigures  # noqa: E402
from workshops import broadcast  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
TOUCHPOINTS, ROWS = 300, 2000
HEADER = ["ID", "접점", "응답 시간(시간)", "응답 목표(시간)", "만족도", "불만 건수", "이탈률(%)"]


def make_map() -> JourneyMap:
    journey_map = JourneyMap.objects.create_from_preset(title="지표 벤치마크", preset="funnel")
    stages = list(journey_map.stages.all())
    Card.objects.bulk_create(
        Card(
            journey_map=journey_map,
            stage=stages[i % len(stages)],
            lane=Lane.TOUCHPOINT,
            text=f"상담 채널 {i} — 결제 문의 응대",
            position=i // len(stages),
        )
        for i in range(TOUCHPOINTS)
    )
    EmotionCard.objects.bulk_create(
        EmotionCard(journey_map=journey_map, stage_id=t.stage_id, touchpoint=t, score=i % 5 - 2)
        for t in journey_map.cards.all()
        for i in range(t.pk % 4 + 1)
    )
    return journey_map


def rows(journey_map: JourneyMap) -> list[list]:
    ids = list(journey_map.cards.values_list("pk", flat=True))
    found = []
    for n in range(ROWS):
        if n < len(ids):
            found.append([ids[n], "", 12 + n % 40, 24, 40 + n % 60, n % 50, n % 30])
        else:  # another product's touchpoint: left out as unmatched
            found.append(["", f"다른 상품 접점 {n}", 10, 24, 70, 3, 5])
    return found


def xlsx(table: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(table: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(table)
    return out.getvalue().encode("utf-8-sig")


def timed(run, repeat: int = REPEAT) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict:
    return {"min_ms": round(min(times), 1), "median_ms": round(statistics.median(times), 1)}


def ratio(a: dict, b: dict) -> float:
    return round(a["median_ms"] / b["median_ms"], 1)


def main() -> None:
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", password="bench-password-1")
    client = Client()
    client.force_login(user)
    journey_map = make_map()
    table = rows(journey_map)
    files = {"xlsx": xlsx(table), "csv": csv_bytes(table)}
    url = f"/maps/{journey_map.pk}/figures/"
    results = {"touchpoints": TOUCHPOINTS, "rows": ROWS, "repeat": REPEAT}

    def read_alone(kind: str):
        if kind == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
            return list(book.active.iter_rows(values_only=True))
        return list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))

    signed = None
    for kind, raw in files.items():

        def preview(kind=kind, raw=raw):
            upload = io.BytesIO(raw)
            upload.name = f"지표.{kind}"
            response = client.post(url, {"file": upload})
            assert response.status_code == 200, response.content[:500]
            return response

        response = preview()
        signed = re.search(r'name="preview" value="([^"]+)"', response.content.decode()).group(1)
        count = TouchpointFigures.objects.count()
        mine, alone = summary(timed(preview)), summary(timed(lambda k=kind: read_alone(k)))
        assert TouchpointFigures.objects.count() == count == 0, "a preview saved something"
        results[f"preview_{kind}"] = {**mine, "baseline": alone, "ratio": ratio(mine, alone)}
        results[f"{kind}_bytes"] = len(raw)

    pushes = []
    real_send = broadcast.send
    broadcast.send = lambda map_id, message: pushes.append(message) or real_send(map_id, message)
    queries = []

    def apply():
        pushes.clear()
        with connection.execute_wrapper(
            lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
        ):
            response = client.post(url, {"preview": signed})
        assert response.status_code == 302, response.content[:500]

    applied = timed(apply)
    results["apply_pushes"] = len([m for m in pushes if m.get("type") == "room.push"])
    results["apply_queries"] = len(queries) // REPEAT
    results["figures_saved"] = TouchpointFigures.objects.count()
    one = journey_map.cards.first()

    def edit_one():
        response = client.post(
            f"/maps/{journey_map.pk}/cards/{one.pk}/figures/",
            {"complaints": "5", "satisfaction_scale": "percent"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200, response.content[:300]

    single = summary(timed(edit_one))
    results["apply"] = {**summary(applied), "baseline": single}
    results["apply"]["ratio"] = ratio(results["apply"], single)
    broadcast.send = real_send

    data = CurveData.load(journey_map)
    drawn = summary(timed(lambda: touchpoint_chart.draw(data, "svg")))
    stage_curve = summary(timed(lambda: charts.draw(data, "svg")))
    results["touchpoint_curve"] = {**drawn, "baseline": stage_curve}
    results["touchpoint_curve"]["ratio"] = ratio(drawn, stage_curve)

    out = ROOT / "benchmarks" / "results" / "figures.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
