"""A big import while another workshop writes: does anyone else wait?

One daphne on SQLite (a file) or PostgreSQL (BENCH_DATABASE_URL), with one person adding a
card to their own map every 100 ms over HTTP. First for a few seconds alone (the baseline,
measured in the same run), then while a facilitator imports the largest map allowed: 2,000
cards with 5,000 emotion cards and 100 action plans (about 500 KB of JSON). Reported: the
import's own time, the other person's write latency (p50 / p95 / max) alone and meanwhile,
and any write that failed.

    python benchmarks/imports.py                      # SQLite
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/journeymap_bench \\
        python benchmarks/imports.py                  # PostgreSQL (the database is made anew)

Results: benchmarks/results/imports-<backend>.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="journeymap-imports-"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.pop("REDIS_URL", None)
os.environ["SECRET_KEY"] = "imports-benchmark-secret-key-not-for-production-0123456789"
os.environ["WRITES_PER_MINUTE"] = "100000"

if DATABASE_URL.startswith("postgres"):
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

from maps.models import JourneyMap  # noqa: E402
from tests.servers import Daphne  # noqa: E402

INTERVAL = 0.1


def session_of(username: str) -> str:
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def the_largest_map() -> bytes:
    stages = [{"name": f"단계 {s}", "emotions": [], "cards": []} for s in range(8)]
    lanes = ["action", "touchpoint", "thought", "opportunity"]
    for n in range(2000):
        card = {"lane": lanes[n % 4], "text": f"고객이 두 사이트에서 가격을 비교한다 #{n}"}
        if card["lane"] == "touchpoint":
            card["emotions"] = [{"score": (n + e) % 5 - 2, "words": "불안"} for e in range(10)]
        if card["lane"] == "opportunity" and n % 20 == 3:
            card["plans"] = [{"what": "개선 계획", "owner": "담당자", "due_date": "2027-03-31"}]
        stages[n % 8]["cards"].append(card)
    data = {
        "format": "journeymap",
        "version": 1,
        "map": {"title": "가장 큰 지도", "stages": stages},
    }
    return json.dumps(data, ensure_ascii=False).encode()


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the answer itself (302 to the new map), not the page it points to


OPENER = urllib.request.build_opener(_Stay)


class Browser:
    def __init__(self, server: Daphne, session: str):
        self.server, self.session, self.token = server, session, uuid.uuid4().hex * 2

    def post(self, path: str, body: bytes, content_type: str) -> int:
        request = urllib.request.Request(
            self.server.url + path,
            data=body,
            headers={
                "Cookie": f"sessionid={self.session}; csrftoken={self.token}",
                "X-CSRFToken": self.token,
                "HX-Request": "true",
                "Origin": self.server.url,
                "Referer": self.server.url + "/",
                "Content-Type": content_type,
            },
        )
        try:
            with OPENER.open(request, timeout=300) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def writer(browser: Browser, journey_map, stop: threading.Event, out: list) -> None:
    stage = journey_map.stages.first()
    n = 0
    while not stop.is_set():
        n += 1
        body = f"stage={stage.pk}&lane=action&text=write+{n}".encode()
        start = time.monotonic()
        status = browser.post(
            f"/maps/{journey_map.pk}/cards/add/", body, "application/x-www-form-urlencoded"
        )
        out.append((start, (time.monotonic() - start) * 1000, status))
        time.sleep(max(0.0, INTERVAL - (time.monotonic() - start)))


def summary(rows: list) -> dict:
    ms = sorted(r[1] for r in rows)
    return {
        "writes": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
        "max_ms": round(ms[-1], 1),
        "failed": sum(1 for r in rows if r[2] != 200),
    }


def multipart(raw: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.json"\r\n'
            f"Content-Type: application/json\r\n\r\n"
        ).encode()
        + raw
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def main() -> None:
    call_command("migrate", verbosity=0)
    other = JourneyMap.objects.create_from_preset(title="다른 워크숍의 지도", preset="funnel")
    server = Daphne(name="daphne-imports", env={"WRITES_PER_MINUTE": "100000"}).start()
    try:
        someone = Browser(server, session_of("someone"))
        facilitator = Browser(server, session_of("facilitator"))
        raw = the_largest_map()
        stop, alone, meanwhile = threading.Event(), [], []
        thread = threading.Thread(target=writer, args=(someone, other, stop, alone))
        thread.start()
        time.sleep(5)
        stop.set()
        thread.join()
        stop = threading.Event()
        thread = threading.Thread(target=writer, args=(someone, other, stop, meanwhile))
        thread.start()
        time.sleep(1)
        body, content_type = multipart(raw)
        started = time.monotonic()
        status = facilitator.post("/maps/import/", body, content_type)
        took = time.monotonic() - started
        time.sleep(1)
        stop.set()
        thread.join()
    finally:
        server.stop()
    during = [r for r in meanwhile if started <= r[0] <= started + took]
    imported = JourneyMap.objects.filter(title="가장 큰 지도").first()
    result = {
        "database": "postgresql" if DATABASE_URL.startswith("postgres") else "sqlite",
        "file_kb": len(raw) // 1024,
        "import_status": status,
        "import_s": round(took, 2),
        "imported": {
            "cards": imported.cards.count() if imported else 0,
            "emotion_cards": imported.emotion_cards.count() if imported else 0,
        },
        "other_writer_alone": summary(alone),
        "other_writer_during_import": summary(during) if during else {"writes": 0},
        "tracebacks": server.log().count("Traceback"),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    out = ROOT / "benchmarks" / "results" / f"imports-{result['database']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
