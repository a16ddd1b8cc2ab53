"""make bench: the map's PDF as the printshop makes it (workshops/printshop.py: a worker process
with Chromium kept warm), beside WeasyPrint on the same HTML in the same run, on realistic
Korean maps: 1–3 line cards, touchpoints with channels and emotion cards with words, MOTs,
plans with owners.

Sizes: 300 cards over 6 stages, 1,000 over 7, 2,000 over 8, and 300 over 30 stages (the
most a map may have). For each, the render time (min and median of 3 after a warm-up), pages,
and the worker's peak memory with its browser. WeasyPrint runs on 300 cards only unless
WEASY=all (a 30-stage map did not finish in 11 minutes with it).

Writes benchmarks/results/printing.json. Numbers are for reading, never asserted in tests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.setdefault("JOURNEYMAP_VAR_DIR", tempfile.mkdtemp(prefix="journeymap-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import translation  # noqa: E402

from maps import pdf  # noqa: E402
from maps.models import ActionPlan, Card, EmotionCard, JourneyMap, Lane, Persona, Stage  # noqa: E402
from workshops import print_worker, printshop  # noqa: E402

SIZES = ((300, 6), (1000, 7), (2000, 8), (300, 30))
LANES = [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT, Lane.PAIN_POINT, Lane.OPPORTUNITY]
WORDS = (
    "고객이 모바일 앱에서 상품 설명을 읽고 가격을 비교한다",
    "상담원 연결까지 대기 시간이 길어 답답하다",
    "카카오톡 알림으로 진행 상황을 받아 안심한다",
    "서류를 다시 제출하라는 안내를 받고 처음부터 다시 입력한다",
    "지점 방문 예약이 쉬워서 좋았다",
    "약관이 길고 어려운 용어가 많아 이해하기 힘들다",
)
STAGE_NAMES = ("인지", "탐색", "비교", "가입", "이용", "문의", "갱신", "추천")


def realistic_map(cards: int, stages: int) -> JourneyMap:
    persona = Persona.objects.create(
        name="김정훈", profile="50대 안정 추구형 투자자, 모바일 앱을 주로 쓴다"
    )
    journey_map = JourneyMap.objects.create(
        title=f"보험 가입 여정 {cards}장 {stages}단계",
        topic="온라인 보험 가입 전환율 높이기",
        start_point="광고를 보고 관심이 생겼다",
        end_point="가입을 마치고 첫 보험료를 냈다",
        persona=persona,
    )
    columns = Stage.objects.bulk_create(
        Stage(
            journey_map=journey_map,
            name=STAGE_NAMES[i % 8] + (f" {i // 8 + 1}" if i >= 8 else ""),
            position=i,
        )
        for i in range(stages)
    )
    made = []
    for i in range(cards):
        lines = 1 + i % 3
        text = " ".join(WORDS[(i + n) % len(WORDS)] for n in range(lines)) + f" ({i})"
        lane = LANES[i % len(LANES)]
        made.append(
            Card(
                journey_map=journey_map,
                stage=columns[(i // len(LANES)) % stages],
                lane=lane,
                text=text[:300],
                position=i,
                channel="app" if lane == Lane.TOUCHPOINT else "",
                is_direct=i % 4 != 0,
                is_mot=lane == Lane.TOUCHPOINT and i % 37 == 1,
                votes=i % 4 if lane == Lane.OPPORTUNITY else 0,
            )
        )
    Card.objects.bulk_create(made)
    touchpoints = journey_map.cards.filter(lane=Lane.TOUCHPOINT)
    EmotionCard.objects.bulk_create(
        EmotionCard(
            journey_map=journey_map,
            stage_id=tp.stage_id,
            touchpoint=tp,
            score=max(-2, min(2, (i * 7) % 5 - 2 + tp.stage_id % 3 - 1)),  # stages differ
            words="기다리는 시간이 너무 길다" if i % 3 == 0 else "",
            author_name=f"참가자 {i % 6 + 1}",
        )
        for i, tp in enumerate(list(touchpoints) * 2)
    )
    opportunities = list(journey_map.cards.filter(lane=Lane.OPPORTUNITY)[:12])
    ActionPlan.objects.bulk_create(
        ActionPlan(
            journey_map=journey_map,
            opportunity=opportunity,
            what=f"{opportunity.text[:30]} 개선안 시범 운영",
            owner=f"디지털채널팀 {i + 1}",
            due_date=date(2027, 1, 15) + timedelta(days=7 * i),
        )
        for i, opportunity in enumerate(opportunities)
    )
    return journey_map


def pages(content: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def through_worker(worker: printshop.Worker, html, repeat: int = 3) -> dict:
    """Render `html` (or a job as the server sends it) in the worker `repeat` times,
    watching its family's memory."""
    peak = [0.0]
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if worker.process is not None:
                peak[0] = max(peak[0], printshop.memory_mb(worker.process.pid))
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    times = []
    for _ in range(repeat):
        job = printshop.Job("bench", html)
        started = time.perf_counter()
        content = worker.render(job)
        times.append(time.perf_counter() - started)
    stop.set()
    return {
        "min_s": round(min(times), 2),
        "median_s": round(statistics.median(times), 2),
        "pages": pages(content),
        "peak_mb": round(peak[0]),
        "content": content,
    }


def main() -> None:
    call_command("migrate", verbosity=0)
    translation.activate("ko")
    weasy_all = os.environ.get("WEASY") == "all"
    chromium = printshop.Worker()
    chromium.start()
    chromium.render(printshop.Job("warm", pdf.print_html(realistic_map(30, 4))))
    rows = []
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    for cards, stages in SIZES:
        journey_map = realistic_map(cards, stages)
        # As the server sends it: the map's id; the worker reads the map, renders the HTML
        # and lays it out.
        job = (translation.get_language(), partial(pdf.print_html_of, journey_map.pk))
        measured = through_worker(chromium, job)
        (out / f"print-{cards}-{stages}.pdf").write_bytes(measured.pop("content"))
        row = {"cards": cards, "stages": stages}
        row["chromium_read_html_and_layout"] = measured
        if weasy_all or (cards, stages) == (300, 6):
            html = pdf.print_html(journey_map)  # the same HTML, here
            started = time.perf_counter()
            content = print_worker._weasyprint(html)
            row["weasyprint"] = {
                "s": round(time.perf_counter() - started, 2),
                "pages": pages(content),
            }
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    chromium.stop()
    (out / "printing.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
