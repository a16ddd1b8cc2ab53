"""One participant floods the room; how do the others fare?

The same measurement twice on one daphne (in-memory layer): 20 clients in the room, an edit
every 0.2 s by a well-behaved person, latency from the edit's request to each client's push.
First calm, then while another person sends card adds back to back over HTTP (refused with
429 past the per-person limit) and pings as fast as a socket allows (cut off with 4429).
Results in benchmarks/results/flood.json; the table in benchmarks/README.md.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import urllib.error
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["WRITES_PER_MINUTE"] = "240"  # the flooder meets the real limits
os.environ["CONNECTS_PER_MINUTE"] = "100"  # 20 measuring sockets share a session

import fanout  # noqa: E402  (sets up Django on the benchmark's database)
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

CLIENTS = 20


def session_of(username: str) -> str:
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"is_staff": True})
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def measure(port, journey_map, session) -> dict:
    return fanout.measure_journeymap([port], journey_map, session, CLIENTS, throughput=False)


def flood(port, journey_map, session, stop, counts):
    editor = fanout.Editor(port, journey_map, session)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            editor.add_card(10_000 + n)
            counts["writes accepted"] += 1
        except urllib.error.HTTPError as error:
            counts[f"writes refused ({error.code})"] += 1


def frame_flood(port, journey_map, session, stop, counts):
    while not stop.is_set():
        try:
            socket = connect(
                f"ws://127.0.0.1:{port}/ws/maps/{journey_map.pk}/",
                origin=f"http://127.0.0.1:{port}",
                additional_headers={"Cookie": f"sessionid={session}"},
            )
        except Exception:
            counts["connections refused"] += 1  # past the connect limit: try again at once
            continue
        with socket:
            try:
                while not stop.is_set():
                    socket.send('{"type": "ping"}')
                    counts["frames sent"] += 1
            except Exception:
                counts[f"sockets cut off ({socket.close_code})"] += 1


def main() -> None:
    journey_map, session = fanout.prepare()
    flooder = session_of("flooder")
    server = fanout.Server()
    results, counts = {}, Counter()
    try:
        results["calm"] = measure(server.port, journey_map, session)
        # One kind of flood at a time, so each one's effect shows on its own.
        for name, target in (("while_write_flood", flood), ("while_frame_flood", frame_flood)):
            stop = threading.Event()
            thread = threading.Thread(
                target=target, args=(server.port, journey_map, flooder, stop, counts)
            )
            thread.start()
            time.sleep(1)
            results[name] = measure(server.port, journey_map, session)
            stop.set()
            thread.join(30)
            time.sleep(2)
        log = server.log_text()
    finally:
        memory = server.stop()
    result = {
        "clients": CLIENTS,
        "edits": fanout.EDITS,
        **results,
        "flood": dict(counts),
        "tracebacks": log.count("Traceback"),
        "peak_memory_mb": memory,
    }
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "flood.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
