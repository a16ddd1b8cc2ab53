"""make bench: how long the board takes to render, and with how many SQL queries.

Runs against a throw-away SQLite database (or DATABASE_URL if set) and writes
benchmarks/results/board.json. Timings are for reading, never asserted in tests.
"""

from __future__ import annotations

import json
import os
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

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from maps.models import Card, EmotionCard, JourneyMap, Lane  # noqa: E402

LANES = [Lane.ACTION, Lane.TOUCHPOINT, Lane.THOUGHT, Lane.PAIN_POINT, Lane.OPPORTUNITY]


def make_map(cards: int, unsorted: int = 0) -> JourneyMap:
    """`cards` cards in the grid's cells, plus `unsorted` in the unsorted area (issue 15)."""
    journey_map = JourneyMap.objects.create_from_preset(title=f"bench {cards}", preset="funnel")
    cells = [(s, lane) for s in journey_map.stages.all() for lane in LANES]
    Card.objects.bulk_create(
        Card(
            journey_map=journey_map,
            stage=cells[i % len(cells)][0],
            lane=cells[i % len(cells)][1],
            text=f"고객이 가격을 두 사이트에서 비교한다 #{i}",
            position=i // len(cells),
        )
        for i in range(cards)
    )
    Card.objects.bulk_create(
        Card(journey_map=journey_map, lane=Lane.UNSORTED, text=f"정리 전 메모 #{i}", position=i)
        for i in range(unsorted)
    )
    EmotionCard.objects.bulk_create(
        EmotionCard(journey_map=journey_map, stage_id=tp.stage_id, touchpoint=tp, score=i % 5 - 2)
        for i, tp in enumerate(journey_map.cards.filter(lane=Lane.TOUCHPOINT))
    )
    return journey_map


# Python 3.11 keeps frames in 16 KB chunks and frees a chunk as soon as it empties: when the
# deep recursion of template rendering keeps crossing a chunk boundary, every call there
# allocates and frees one. Where the boundaries fall depends on how deep the view starts, so
# the same page measured 672 ms or 1,213 ms here depending only on the caller's depth. Each
# size is therefore measured from ten starting depths: the median and the best of them.
DEPTHS = range(0, 100, 10)


def _at_depth(depth: int, measure):
    return measure() if depth == 0 else _at_depth(depth - 1, measure)


def measure(client: Client, journey_map: JourneyMap, repeat: int = 5) -> dict:
    url = f"/maps/{journey_map.pk}/"
    client.get(url)
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        client.get(url)

    def median_ms():
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        return statistics.median(times), len(response.content)

    by_depth = [_at_depth(depth, median_ms) for depth in DEPTHS]
    medians = [ms for ms, _size in by_depth]
    return {
        "cards": journey_map.cards.count(),
        "unsorted": journey_map.cards.filter(stage=None).count(),
        "queries": len(queries),
        "median_ms": round(statistics.median(medians), 1),
        "best_depth_ms": round(min(medians), 1),
        "worst_depth_ms": round(max(medians), 1),
        "bytes": by_depth[0][1],
    }


def main() -> None:
    # Not setup_test_environment(): it makes every rendered template (each include) send a
    # signal the test client copies the context for, which a server never pays.
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(f"bench{time.time_ns()}", is_staff=True)
    client = Client()
    client.force_login(user)
    # Every size sorted, then 300 and 1,000 with a tenth of them still in the unsorted area:
    # the query count must not move, and the time only with the cards drawn.
    sizes = [(10, 0), (100, 0), (300, 0), (1000, 0), (270, 30), (900, 100)]
    rows = [measure(client, make_map(n, unsorted)) for n, unsorted in sizes]
    result = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "board_render": rows,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    out = ROOT / "benchmarks" / "results" / "board.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for row in rows:
        print(
            f"board with {row['cards']:>4} cards ({row['unsorted']:>3} unsorted): "
            f"{row['queries']} queries, "
            f"median {row['median_ms']} ms (by starting depth: best {row['best_depth_ms']}, "
            f"worst {row['worst_depth_ms']}), {row['bytes']} bytes"
        )
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
