"""The board's weight beside a baseline, in one run: bytes, queries and server time of a
300-card board (run.py's map), for this checkout and for an earlier commit checked out into a
temporary worktree, measured alternately so both see the same machine.

    python benchmarks/board_weight.py [BASELINE_COMMIT] [ROUNDS]

The baseline defaults to 1c0432b, the code when issue 13 asked for a lighter board.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "1c0432b"
CARDS = 300

# Run inside a checkout: run.py's map and measurement, one size, printed as JSON.
ONE = """
import json, sys
sys.argv = sys.argv[:1]
sys.path.insert(0, "benchmarks")
import run
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client
call_command("migrate", verbosity=0)
user = get_user_model().objects.create_user("bench", is_staff=True)
client = Client()
client.force_login(user)
print(json.dumps(run.measure(client, run.make_map(%d))))
"""


def measure(checkout: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["JOURNEYMAP_VAR_DIR"] = tempfile.mkdtemp(prefix="journeymap-weight-")
    out = subprocess.run(
        [sys.executable, "-c", ONE % CARDS],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    baseline = sys.argv[1] if len(sys.argv) > 1 else BASELINE
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory(prefix="journeymap-baseline-") as tmp:
        old = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(old), baseline], cwd=ROOT, check=True
        )
        try:
            runs = {"baseline": [], "now": []}
            for _ in range(rounds):
                runs["baseline"].append(measure(old))
                runs["now"].append(measure(ROOT))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT)
    print(f"board with {CARDS} cards, baseline {baseline} vs this checkout, {rounds} rounds")
    for name, rows in runs.items():
        medians = ", ".join(f"{r['median_ms']} / {r['best_depth_ms']}" for r in rows)
        print(f"  {name:>8}: {rows[0]['bytes']:,} bytes, {rows[0]['queries']} queries, "
              f"median / best ms per round: {medians}")  # fmt: skip
    ratio_bytes = runs["now"][0]["bytes"] / runs["baseline"][0]["bytes"]
    ratio_ms = statistics.median(r["median_ms"] for r in runs["now"]) / statistics.median(
        r["median_ms"] for r in runs["baseline"]
    )
    print(f"  now / baseline: bytes {ratio_bytes:.2f}x, median time {ratio_ms:.2f}x")


if __name__ == "__main__":
    main()
