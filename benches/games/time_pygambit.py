#!/usr/bin/env python3
"""Time pygambit's logit solvers on the benchmark games (median of N runs).

Usage (from the repository root)::

    python3 benches/games/time_pygambit.py [--runs 5] [GAME ...]

Times, per game, ``pygambit.qre.logit_solve_lambda(game, [1.0])`` and
``pygambit.nash.logit_solve(game)`` (default arguments), each call on a freshly
loaded game, wall-clock with ``time.perf_counter``; game loading is not timed.
Prints a Markdown table plus the machine description.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import pygambit as gbt

HERE = Path(__file__).resolve().parent
DEFAULT_GAMES = [HERE / "pi_1000.efg", HERE / "infosets_100.efg"]

CALLS = {
    "logit_solve_lambda(g, [1.0])": lambda g: gbt.qre.logit_solve_lambda(g, [1.0]),
    "logit_solve(g)": lambda g: gbt.nash.logit_solve(g),
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("games", nargs="*", type=Path, default=DEFAULT_GAMES)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"pygambit {gbt.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs ({cpu_model()}), load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| game | nodes | infosets | call | median (s) | min (s) | max (s) | runs |")
    print("|---|---|---|---|---|---|---|---|")
    for path in args.games:
        for name, call in CALLS.items():
            times = []
            for _ in range(args.runs):
                game = gbt.read_efg(str(path))
                start = time.perf_counter()
                call(game)
                times.append(time.perf_counter() - start)
            game = gbt.read_efg(str(path))
            print(f"| {path.name} | {len(game.nodes)} | {len(game.infosets)} | `{name}` | "
                  f"{statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} | "
                  f"{args.runs} |", flush=True)
    print()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
