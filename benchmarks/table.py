"""Print benchmarks/results/fanout.json (and soak-*.json) as the Markdown tables of
benchmarks/README.md."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    data = json.loads((RESULTS / "fanout.json").read_text())
    setups = [key for key in next(iter(data["sizes"].values())) if not key.startswith("p99_")]
    print(
        "| clients | setup | p50 ms | p95 ms | p99 ms | edit HTTP p50 ms | edits/s | "
        "missing | gaps |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, row in data["sizes"].items():
        for setup in setups:
            r = row[setup]
            print(
                f"| {n} | {setup} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
                f"{r.get('edit_http_p50_ms', '—')} | {r.get('edits_per_s', '—')} | "
                f"{r.get('missing', '—')} | {r.get('gaps', '—')} |"
            )
    print()
    print(
        "| clients | "
        + " | ".join(k for k in next(iter(data["sizes"].values())) if k.startswith("p99_"))
        + " |"
    )
    ratios = [k for k in next(iter(data["sizes"].values())) if k.startswith("p99_")]
    print("|---:|" + "---:|" * len(ratios))
    for n, row in data["sizes"].items():
        print(f"| {n} | " + " | ".join(str(row[k]) for k in ratios) + " |")
    print()
    print(
        f"Peak memory (MB, VmHWM): {data['peak_memory_mb']}; "
        f"server logs: {data['server_log_problems']}; client: {data['client']}; "
        f"machine: {data['machine']}."
    )
    for soak in sorted(RESULTS.glob("soak-*.json")):
        print()
        print(f"Soak ({soak.name}): {json.loads(soak.read_text())}")


if __name__ == "__main__":
    main()
