"""make bench: does making PDFs slow the server for everyone else? A real daphne serves
/healthz idle, then while three people each download the PDF of a different 1,000-card map
(realistic content, benchmarks/printing.py). The PDFs are made by the printshop's worker
process (workshops/printshop.py), not in the server.

Reports /healthz p50 and p95 idle and under the exports (the baseline is the idle figure of
the same run), and how long each export took. Writes benchmarks/results/print_load.json.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = tempfile.mkdtemp(prefix="journeymap-print-load-")
ENV = {
    **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
    "DJANGO_SETTINGS_MODULE": "journeymap.settings",
    "JOURNEYMAP_VAR_DIR": VAR,
    "SECRET_KEY": secrets.token_urlsafe(40),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_COOKIES": "0",
    "SECURE_SSL_REDIRECT": "0",
    "LOG_LEVEL": "WARNING",
    "JOURNEYMAP_PDF_MEMORY_MB": "4000",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, cookie: str = "", timeout: float = 300) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
        "max_ms": round(ms[-1], 1),
    }


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation
    from printing import realistic_map

    from workshops import printshop

    call_command("migrate", verbosity=0)
    translation.activate("ko")
    maps = [realistic_map(1000, 7) for _ in range(3)]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench", is_staff=True)
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        + ["journeymap.asgi:application"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                get(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        # Warm: the worker and its browser start on the first PDF (a small map).
        small = realistic_map(30, 4)
        get(f"{base}/maps/{small.pk}/export.pdf", cookie)
        idle = [get(base + "/healthz") for _ in range(300)]

        exports: dict[int, float] = {}

        def export(journey_map):
            exports[journey_map.pk] = get(f"{base}/maps/{journey_map.pk}/export.pdf", cookie)

        threads = [threading.Thread(target=export, args=(m,)) for m in maps]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        busy = []
        while any(t.is_alive() for t in threads):
            busy.append(get(base + "/healthz"))
            time.sleep(0.01)
        all_done = time.perf_counter() - started
        cached = get(f"{base}/maps/{maps[0].pk}/export.pdf", cookie)  # the same state again
    finally:
        server.terminate()
        server.wait(15)
    result = {
        "healthz_idle": percentiles(idle),
        "healthz_during_three_1000_card_exports": percentiles(busy),
        "export_s": sorted(round(s, 2) for s in exports.values()),
        "three_exports_done_after_s": round(all_done, 2),
        "same_state_again_s": round(cached, 3),
        "engine": os.environ.get("JOURNEYMAP_PDF_ENGINE") or printshop.settings.PDF_ENGINE,
    }
    result["p95_ratio"] = round(
        result["healthz_during_three_1000_card_exports"]["p95_ms"]
        / result["healthz_idle"]["p95_ms"],
        2,
    )
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "results" / "print_load.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
