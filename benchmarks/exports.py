"""make bench: the emotion curve (cold and cached) and the PDF export at 30, 300 and 1,000
cards, with headless Chromium's --print-to-pdf of the same print HTML as the comparison.

Each size runs in a fresh child process so its peak memory (ru_maxrss) is its own. Writes
benchmarks/results/exports.json. Numbers are for reading, never asserted in tests.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (30, 300, 1000)
CHROMIUM = "/usr/bin/chromium"


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
    os.environ["JOURNEYMAP_VAR_DIR"] = tempfile.mkdtemp(prefix="journeymap-bench-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", verbosity=0)
    translation.activate("ko")


def _one_size(cards: int, queue) -> None:
    _setup()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import make_map

    from maps import charts, pdf
    from maps.curve import CurveData
    from workshops.print_worker import _weasyprint as weasyprint

    journey_map = make_map(cards)
    data = CurveData.load(journey_map)
    started = time.perf_counter()
    charts.render(data, "svg")
    cold_ms = (time.perf_counter() - started) * 1000
    # A new map state in a process that has drawn before (a server's usual case).
    uncached = []
    for n in range(5):
        changed = CurveData(data.stages[:-1] + (type(data.stages[-1])(f"변경 {n}"),))
        started = time.perf_counter()
        charts.render(changed, "svg")
        uncached.append((time.perf_counter() - started) * 1000)
    cached = []
    for _ in range(50):
        started = time.perf_counter()
        charts.render(CurveData.load(journey_map), "svg")
        cached.append((time.perf_counter() - started) * 1000)

    weasyprint(pdf.print_html(journey_map))  # fonts loaded once per process, as in a server
    times, size = [], 0
    for _ in range(3):
        started = time.perf_counter()
        content = weasyprint(pdf.print_html(journey_map))
        times.append(time.perf_counter() - started)
        size = len(content)
    pdf_path = Path(tempfile.mkdtemp()) / "map.pdf"
    pdf_path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    html_path = Path(tempfile.mkdtemp()) / "print.html"
    html_path.write_text(pdf.print_html(journey_map))
    chromium_s = None
    if Path(CHROMIUM).exists():
        out = html_path.with_suffix(".pdf")
        started = time.perf_counter()
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                html_path.as_uri(),
            ],
            capture_output=True,
            timeout=120,
        )
        chromium_s = round(time.perf_counter() - started, 2)
    queue.put(
        {
            "cards": cards,
            "curve_first_in_process_ms": round(cold_ms, 1),
            "curve_new_state_ms_median": round(statistics.median(uncached), 1),
            "curve_cached_ms_median": round(statistics.median(cached), 2),
            "pdf_s_median": round(statistics.median(times), 2),
            "pdf_pages": pages,
            "pdf_kb": round(size / 1024),
            "peak_memory_mb": round(peak_mb, 1),
            "chromium_print_to_pdf_s": chromium_s,
        }
    )


def main() -> None:
    ctx = multiprocessing.get_context("spawn")
    rows = []
    for cards in SIZES:
        queue = ctx.Queue()
        child = ctx.Process(target=_one_size, args=(cards, queue))
        child.start()
        rows.append(queue.get(timeout=600))
        child.join()
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    result = {"machine": f"{os.cpu_count()} cores", "sizes": rows}
    out = ROOT / "benchmarks" / "results" / "exports.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
