"""Everyone in one room (the whole workshop brought to one presentation): is it still instant?

For N clients (default 300) in one map's room, per setup (one daphne on the in-memory layer;
two daphnes on Redis, pub/sub layer, clients split between them):
- join storm: all N sockets opened at once; the time until every one was accepted, then the
  time from the last accept until an edit made right then reached every socket;
- quiet pushes: an edit every 0.3 s, latency from the edit's request to every socket;
- busy pushes: the same while 30 "X is editing" notices a second go through the room;
- per socket: presence frames received, "paused" frames (must be 0: the layer is up).
Each run also measures a bare `websockets` broadcast server with the same client harness
(fanout.py's baseline) and prints the ratio. Results: benchmarks/results/bigroom.json.

    python benchmarks/bigroom.py [--clients 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SOCKETS_PER_PERSON", "100000")
os.environ.setdefault("CONNECTS_PER_MINUTE", "1000000")
os.environ.setdefault("CONNECTS_PER_ADDRESS_PER_MINUTE", "1000000")

import fanout  # noqa: E402  (sets up Django on the benchmark's database)
import websockets  # noqa: E402

WORKERS = 2
EDITS = fanout.EDITS  # as many as the bare server's run
NOTICES_PER_S = 30


def _worker(urls, headers, origin, commands, results):
    async def main():
        started = commands.get()  # the shared start time of the storm
        accepted, sockets = [], []

        async def open_one(url):
            socket = await websockets.connect(
                url, origin=origin, additional_headers=headers, max_size=None, open_timeout=60
            )
            accepted.append(time.monotonic() - started)
            return socket

        sockets = await asyncio.gather(*(open_one(url) for url in urls))
        arrivals: dict[int, list[float]] = {}
        counts = {"presence": 0, "paused": 0}

        async def read(socket):
            async for raw in socket:
                seq = fanout._seq_of(raw)
                if seq is not None:
                    arrivals.setdefault(seq, []).append(time.monotonic())
                elif '"type": "presence"' in raw:
                    counts["presence"] += 1
                elif '"type": "paused"' in raw:
                    counts["paused"] += 1

        readers = [asyncio.create_task(read(s)) for s in sockets]
        results.put(("accepted", accepted))
        notices = None
        while True:
            command = await asyncio.to_thread(commands.get)
            if command == "notices":  # this worker's share of the editing notices

                async def notify():
                    card = 0
                    while True:
                        card += 1
                        socket = sockets[card % len(sockets)]
                        await socket.send(json.dumps({"type": "editing", "card": card}))
                        await asyncio.sleep(WORKERS / NOTICES_PER_S)

                notices = asyncio.create_task(notify())
            elif command == "quiet" and notices:
                notices.cancel()
            elif command == "report":
                results.put(("report", arrivals, counts, len(sockets)))
            elif command == "close":
                break
        for task in readers:
            task.cancel()
        for socket in sockets:
            await socket.close()

    asyncio.run(main())


class Room:
    def __init__(self, urls, headers, origin):
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.results = ctx.Queue()
        shares = [urls[i::WORKERS] for i in range(WORKERS)]
        self.commands = [ctx.Queue() for _ in shares]
        self.processes = [
            ctx.Process(target=_worker, args=(share, headers, origin, q, self.results), daemon=True)
            for share, q in zip(shares, self.commands, strict=True)
        ]
        for process in self.processes:
            process.start()
        time.sleep(3)  # the workers' interpreters are up before the storm starts

    def storm(self) -> list[float]:
        started = time.monotonic()
        for q in self.commands:
            q.put(started)
        accepted = []
        for _ in self.processes:
            kind, times = self.results.get(timeout=300)
            accepted += times
        return accepted

    def tell(self, command: str) -> None:
        for q in self.commands:
            q.put(command)

    def report(self):
        self.tell("report")
        arrivals, counts, n = {}, {"presence": [], "paused": 0}, 0
        for _ in self.processes:
            _kind, worker_arrivals, worker_counts, sockets = self.results.get(timeout=60)
            n += sockets
            for seq, times in worker_arrivals.items():
                arrivals.setdefault(seq, []).extend(times)
            counts["presence"].append(worker_counts["presence"] / max(sockets, 1))
            counts["paused"] += worker_counts["paused"]
        return arrivals, counts, n

    def close(self):
        self.tell("close")
        for process in self.processes:
            process.join(20)


def edits(editor, journey_map, count, pause) -> list[tuple[int, float]]:
    sent = []
    for i in range(count):
        journey_map.refresh_from_db()
        started = time.monotonic()
        editor.add_card(5000 + i + int(started * 1000) % 100000)
        sent.append((journey_map.seq + 1, started, time.monotonic()))
        time.sleep(pause)
    return sent


def latencies(sent, arrivals, n) -> tuple[list[float], int]:
    found, missing = [], 0
    for seq, started, _answered in sent:
        times = arrivals.get(seq, [])
        missing += n - len(times)
        found += [(t - started) * 1000 for t in times]
    return found, missing


def parts(sent, arrivals) -> dict:
    """Where a push's time goes: the edit's own HTTP answer, then from that answer to the
    last socket (the fan-out), per edit."""
    answers = [(answered - started) * 1000 for _seq, started, answered in sent]
    spread = [
        (max(arrivals[seq]) - answered) * 1000
        for seq, _started, answered in sent
        if arrivals.get(seq)
    ]
    return {
        "edit_answers_ms": [round(a) for a in answers],
        "edit_answer_ms": {
            "min": round(min(answers), 1),
            "p50": fanout.percentile(answers, 50),
            "max": round(max(answers), 1),
        },
        "answer_to_last_socket_ms": {
            "min": round(min(spread), 1),
            "p50": fanout.percentile(spread, 50),
            "max": round(max(spread), 1),
        },
    }


def measure(ports, journey_map, session, n) -> dict:
    urls = [f"ws://127.0.0.1:{ports[i % len(ports)]}/ws/maps/{journey_map.pk}/" for i in range(n)]
    room = Room(urls, {"Cookie": f"sessionid={session}"}, f"http://127.0.0.1:{ports[0]}")
    editor = fanout.Editor(ports[0], journey_map, session)
    try:
        accepted = room.storm()
        last_accept = time.monotonic()
        after_storm = edits(editor, journey_map, 1, 0)
        time.sleep(5)
        quiet = edits(editor, journey_map, EDITS, 0.3)
        room.tell("notices")
        time.sleep(1)
        busy = edits(editor, journey_map, EDITS, 0.3)
        room.tell("quiet")
        time.sleep(3)
        arrivals, counts, reached = room.report()
    finally:
        room.close()
    storm_times = arrivals.get(after_storm[0][0], [])
    quiet_ms, quiet_missing = latencies(quiet, arrivals, n)
    busy_ms, busy_missing = latencies(busy, arrivals, n)
    return {
        "sockets": reached,
        "all_accepted_after_s": round(max(accepted), 2),
        "edit_after_storm_reached": len(storm_times),
        "edit_after_storm_everyone_within_s": round(max(storm_times) - last_accept, 2)
        if len(storm_times) == n
        else None,
        "quiet": fanout.summary(quiet_ms),
        "quiet_parts": parts(quiet, arrivals),
        "with_30_notices_per_s": fanout.summary(busy_ms),
        "missing": quiet_missing + busy_missing,
        "presence_frames_per_socket": round(sum(counts["presence"]) / len(counts["presence"]), 1),
        "paused": counts["paused"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=300)
    args = parser.parse_args()
    n = args.clients
    journey_map, session = fanout.prepare()
    results = {"machine": f"{os.cpu_count()} cores", "clients": n}
    memory = fanout.Server()
    redis = [fanout.Server(f"jm-bigroom-{os.getpid()}", "pubsub") for _ in range(2)]
    try:
        results["in_memory"] = measure([memory.port], journey_map, session, n)
        print(json.dumps(results["in_memory"]), flush=True)
        results["redis_pubsub_2_processes"] = measure(
            [s.port for s in redis], journey_map, session, n
        )
        print(json.dumps(results["redis_pubsub_2_processes"]), flush=True)
        results["baseline_websockets"] = fanout.measure_baseline(n, 1700)
        base = results["baseline_websockets"]["p99_ms"]
        for setup in ("in_memory", "redis_pubsub_2_processes"):
            results[setup]["p99_ratio_to_baseline"] = round(
                results[setup]["quiet"]["p99_ms"] / max(base, 0.1), 1
            )
            results[setup]["notices_cost_p50_ratio"] = round(
                results[setup]["with_30_notices_per_s"]["p50_ms"]
                / max(results[setup]["quiet"]["p50_ms"], 0.1),
                2,
            )
    finally:
        logs = memory.log_text() + "".join(s.log_text() for s in redis)
        memory.stop()
        for server in redis:
            server.stop()
        results["server_log"] = {
            "tracebacks": logs.count("Traceback"),
            "queue_full": logs.count("socket queue full"),
        }
    out = fanout.ROOT / "benchmarks" / "results" / "bigroom.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
