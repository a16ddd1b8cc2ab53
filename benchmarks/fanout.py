"""make bench: how fast an edit reaches everyone in a room, against a bare baseline.

For N = 10, 50, 200, 300 clients in one room it measures, per setup:
- latency: from just before the edit's HTTP request to the push's arrival at each client
  (every client of every edit counts), p50 / p95 / p99;
- edits per second sustained: edits sent back to back for a few seconds, counted when every
  client has received them;
- the server's peak memory (VmHWM of each daphne process).

Setups: journeymap on one daphne with the in-memory layer; journeymap on two daphne processes
sharing Redis (clients split between them, edits through the first), with channels-redis's
core layer and with its pub/sub layer; and a baseline: a minimal broadcast server written with
the `websockets` package, sending frames of the same size, measured by the same client. The
measuring client is WORKERS processes (asyncio, one connection per simulated person) that read
only the sequence number of each frame and timestamp it on the system-wide monotonic clock;
its cost is part of every number, the baseline's too.

`python benchmarks/fanout.py --soak 600 --layers core` instead runs 10 edits/s for 600 s
through two processes on Redis with 50 clients and reports sequence gaps and "over capacity"
lines in the server logs.
Results: benchmarks/results/fanout.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="journeymap-fanout-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
os.environ.pop("REDIS_URL", None)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "fanout-benchmark-secret-key-not-for-production-0123456789"
os.environ["SECRET_KEY"] = SECRET
# The measuring loop reads the map's seq between edits; quick reads, no concurrency inside.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# One session stands for every client of the room here: lift the per-person socket limit.
os.environ["SOCKETS_PER_PERSON"] = "100000"
os.environ.setdefault("CONNECTS_PER_MINUTE", "1000000")
# The throughput phase sends edits back to back from one person: lift the write limit too.
os.environ.setdefault("WRITES_PER_MINUTE", "1000000")

import django  # noqa: E402

django.setup()
logging.getLogger("websockets").setLevel(logging.WARNING)

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402

from maps.models import JourneyMap  # noqa: E402
from tests.servers import Daphne, free_port  # noqa: E402
from workshops.protocol import PUSH_MARK  # noqa: E402

SIZES = [10, 50, 200, 300]
EDITS = 30  # per size, one every 0.2 s, for the latency numbers


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1)


def summary(latencies: list[float]) -> dict:
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "samples": len(latencies),
    }


class Server(Daphne):
    """A daphne process on the benchmark's database (its settings' DATABASE_URL)."""

    def __init__(self, redis_prefix: str = "", layer: str = "core"):
        super().__init__(
            redis_url=REDIS_URL if redis_prefix else "",
            prefix=redis_prefix,
            layer=layer,
            name="bench",
        )
        self.start()

    def stop(self) -> float:
        memory = self.peak_memory_mb()
        super().stop()
        return memory

    def log_text(self) -> str:
        return self.log()


def prepare() -> tuple[JourneyMap, str]:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.get(username="facilitator")
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return JourneyMap.objects.get(team=None), session.session_key


class Editor:
    """Real HTTP edits: a card added through the board's endpoint."""

    def __init__(self, port: int, journey_map: JourneyMap, session: str):
        self.base = f"http://127.0.0.1:{port}"
        self.map, self.session = journey_map, session
        page = self._open(f"/maps/{journey_map.pk}/").read().decode()
        self.token = page.split('"X-CSRFToken": "')[1].split('"')[0]
        self.stage = journey_map.stages.first().pk

    def _open(self, path, data=None):
        headers = {"Cookie": f"sessionid={self.session}"}
        if data is not None:
            headers.update(
                {
                    "Cookie": f"sessionid={self.session}; csrftoken={self.token}",
                    "X-CSRFToken": self.token,
                    "HX-Request": "true",
                    "Origin": self.base,
                    "Referer": self.base + "/",
                }
            )
            data = urllib.parse.urlencode(data).encode()
        return urllib.request.urlopen(
            urllib.request.Request(self.base + path, data, headers), timeout=60
        )

    last_push_bytes = 0

    def add_card(self, n: int) -> None:
        text = f"벤치마크 카드 {n}: 고객이 가격을 두 사이트에서 비교한다"
        data = {"stage": self.stage, "lane": "thought", "text": text}
        body = self._open(f"/maps/{self.map.pk}/cards/add/", data).read().decode()
        push = body.split(PUSH_MARK, 1)[1]
        # The frame the room gets: the consumer wraps the push's HTML in JSON.
        frame = {"seq": 1, "html": push, "by": "데모", "type": "push"}
        self.last_push_bytes = len(json.dumps(frame, ensure_ascii=False).encode())


WORKERS = 2  # measuring processes; each holds a share of the sockets


def _seq_of(raw) -> int | None:
    """The sequence number of a push frame, without parsing the (large) JSON."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    if not raw.startswith('{"seq": '):
        return None
    return int(raw[8 : raw.index(",", 8)])


def _worker(urls, headers, origin, ready, done, stop):
    """Connects its sockets, then reports (seq, arrival times) once all of them have a push."""

    async def main():
        sockets = []
        for start in range(0, len(urls), 50):
            sockets += await asyncio.gather(
                *(
                    websockets.connect(
                        url, origin=origin, additional_headers=headers, max_size=None
                    )
                    for url in urls[start : start + 50]
                )
            )
        arrivals: dict[int, list[float]] = {}
        gaps = [0]

        async def read(socket):
            expected = None
            async for raw in socket:
                seq = _seq_of(raw)
                if seq is None:
                    continue
                now = time.monotonic()
                if expected is not None and seq != expected:
                    gaps[0] += 1
                expected = seq + 1
                times = arrivals.setdefault(seq, [])
                times.append(now)
                if len(times) == len(sockets):
                    done.put((seq, arrivals.pop(seq)))

        tasks = [asyncio.create_task(read(s)) for s in sockets]
        ready.put(len(sockets))
        while not stop.is_set():
            await asyncio.sleep(0.05)
        done.put(("gaps", gaps[0]))
        for task in tasks:
            task.cancel()
        for socket in sockets:
            await socket.close()

    asyncio.run(main())


class Clients:
    """N websocket clients spread over WORKERS processes; arrival times on one clock."""

    def __init__(self, urls, headers=None, origin=None):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.ready, self.done, self.stop_event = ctx.Queue(), ctx.Queue(), ctx.Event()
        self.n, self.got = len(urls), {}
        shares = [urls[i::WORKERS] for i in range(WORKERS)]
        self.processes = [
            ctx.Process(
                target=_worker,
                args=(share, headers or {}, origin, self.ready, self.done, self.stop_event),
                daemon=True,
            )
            for share in shares
            if share
        ]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.ready.get(timeout=300)

    def wait_for(self, seq, timeout=60) -> list[float]:
        """Arrival times of push `seq` at every client (or what came within `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.got.get(seq, [])) < self.n and time.monotonic() < deadline:
            try:
                got_seq, times = self.done.get(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:
                break
            self.got.setdefault(got_seq, []).extend(times)
        return self.got.get(seq, [])

    def close(self) -> int:
        self.stop_event.set()
        gaps = 0
        for _ in self.processes:
            while True:
                item = self.done.get(timeout=30)
                if item[0] == "gaps":
                    gaps += item[1]
                    break
        for process in self.processes:
            process.join(10)
        return gaps


def measure_journeymap(ports, journey_map, session, n, *, throughput: bool = True) -> dict:
    urls = [f"ws://127.0.0.1:{ports[i % len(ports)]}/ws/maps/{journey_map.pk}/" for i in range(n)]
    clients = Clients(urls, {"Cookie": f"sessionid={session}"}, f"http://127.0.0.1:{ports[0]}")
    time.sleep(2 + n / 50)  # the join storm settles before the first edit
    editor = Editor(ports[0], journey_map, session)
    latencies, http = [], []
    for i in range(EDITS):
        journey_map.refresh_from_db()
        seq = journey_map.seq + 1
        started = time.monotonic()
        editor.add_card(i)
        http.append((time.monotonic() - started) * 1000)
        latencies += [(t - started) * 1000 for t in clients.wait_for(seq)]
        time.sleep(0.2)
    if not throughput:
        clients.close()
        return {**summary(latencies), "edit_http_p50_ms": percentile(http, 50)}
    # Throughput: edits back to back for 5 s, counted once every client has each.
    journey_map.refresh_from_db()
    first, sent, started = journey_map.seq + 1, 0, time.monotonic()
    while time.monotonic() - started < 5:
        editor.add_card(1000 + sent)
        sent += 1
    delivered = sum(1 for seq in range(first, first + sent) if len(clients.wait_for(seq)) == n)
    elapsed = time.monotonic() - started
    gaps = clients.close()
    return {
        **summary(latencies),
        "edit_http_p50_ms": percentile(http, 50),
        "edits_per_s": round(delivered / elapsed, 1),
        "missing": EDITS * n - len(latencies),
        "gaps": gaps,
        "push_bytes": editor.last_push_bytes,
    }


def measure_baseline(n: int, payload_size: int) -> dict:
    """A bare `websockets` broadcast server in its own process, same clients, same frame size."""
    import multiprocessing

    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    server = ctx.Process(target=_baseline_server, args=(port, payload_size), daemon=True)
    server.start()
    time.sleep(1)
    clients = Clients([f"ws://127.0.0.1:{port}/room"] * n)
    time.sleep(1)

    async def trigger_all():
        latencies = []
        async with websockets.connect(f"ws://127.0.0.1:{port}/trigger") as trigger:
            for seq in range(1, EDITS + 1):
                started = time.monotonic()
                await trigger.send(str(seq))
                times = await asyncio.to_thread(clients.wait_for, seq)
                latencies += [(t - started) * 1000 for t in times]
                await asyncio.sleep(0.05)
        return latencies

    latencies = asyncio.run(trigger_all())
    clients.close()
    server.terminate()
    return summary(latencies)


def _baseline_server(port: int, payload_size: int) -> None:
    clients = set()
    payload = "x" * payload_size

    async def handler(socket):
        if socket.request.path == "/trigger":
            async for message in socket:
                websockets.broadcast(clients, f'{{"seq": {int(message)}, "html": "{payload}"}}')
            return
        clients.add(socket)
        try:
            await socket.wait_closed()
        finally:
            clients.discard(socket)

    async def main():
        async with websockets.serve(handler, "127.0.0.1", port, max_size=None):
            await asyncio.Future()

    asyncio.run(main())


def run_all(sizes: list[int], layers: list[str]) -> dict:
    journey_map, session = prepare()
    results = {
        "machine": f"{os.cpu_count()} cores",
        "client": f"{WORKERS} processes, asyncio, one websocket per simulated person; "
        "arrival times on the system-wide monotonic clock",
        "edits_per_size": EDITS,
        "sizes": {},
    }
    memory_layer = Server()
    redis = {
        layer: [Server(f"jm-bench-{layer}-{os.getpid()}", layer) for _ in range(2)]
        for layer in layers
    }
    try:
        for n in sizes:
            row = {"in_memory": measure_journeymap([memory_layer.port], journey_map, session, n)}
            for layer, servers in redis.items():
                row[f"redis_{layer}_2_processes"] = measure_journeymap(
                    [s.port for s in servers], journey_map, session, n
                )
            # The baseline sends frames of the same size as journeymap's real pushes.
            row["baseline_websockets"] = measure_baseline(n, row["in_memory"]["push_bytes"])
            for layer in layers:
                row[f"p99_ratio_redis_{layer}_to_baseline"] = round(
                    row[f"redis_{layer}_2_processes"]["p99_ms"]
                    / max(row["baseline_websockets"]["p99_ms"], 0.1),
                    1,
                )
            results["sizes"][n] = row
            print(n, json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        results["peak_memory_mb"] = {
            "in_memory": memory_layer.stop(),
            **{layer: [s.stop() for s in servers] for layer, servers in redis.items()},
        }
        logs = memory_layer.log_text() + "".join(
            s.log_text() for servers in redis.values() for s in servers
        )
        results["server_log_problems"] = {
            "tracebacks": logs.count("Traceback"),
            "over_capacity": logs.count("over capacity"),
        }
    return results


def soak(seconds: int, layer: str, n: int = 50) -> dict:
    """10 edits/s through two processes on Redis; every push must reach every client, in order."""
    journey_map, session = prepare()
    servers = [Server(f"jm-soak-{os.getpid()}", layer) for _ in range(2)]
    try:
        urls = [f"ws://127.0.0.1:{servers[i % 2].port}/ws/maps/{journey_map.pk}/" for i in range(n)]
        clients = Clients(
            urls, {"Cookie": f"sessionid={session}"}, f"http://127.0.0.1:{servers[0].port}"
        )
        time.sleep(3)
        editor = Editor(servers[0].port, journey_map, session)
        journey_map.refresh_from_db()
        first, sent, started = journey_map.seq + 1, 0, time.monotonic()
        while time.monotonic() - started < seconds:
            editor.add_card(sent)
            sent += 1
            time.sleep(max(0, started + sent / 10 - time.monotonic()))
        complete = sum(
            1 for seq in range(first, first + sent) if len(clients.wait_for(seq, 10)) == n
        )
        gaps = clients.close()
    finally:
        memory = [s.stop() for s in servers]
    logs = "".join(s.log_text() for s in servers)
    return {
        "layer": layer,
        "seconds": seconds,
        "clients": n,
        "edits": sent,
        "edits_every_client_got": complete,
        "sequence_gaps": gaps,
        "over_capacity": logs.count("over capacity"),
        "tracebacks": logs.count("Traceback"),
        "peak_memory_mb": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50,200,300")
    parser.add_argument("--layers", default="core,pubsub", help="Redis layers to compare")
    parser.add_argument("--soak", type=int, default=0, help="seconds of 10 edits/s")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    layers = args.layers.split(",")
    if args.soak:
        result = soak(args.soak, layers[0])
        (out / f"soak-{layers[0]}.json").write_text(json.dumps(result, indent=2) + "\n")
    else:
        result = run_all([int(n) for n in args.sizes.split(",")], layers)
        (out / "fanout.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
