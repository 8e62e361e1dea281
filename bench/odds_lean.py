"""How far the odds' paths should lean on the backtest bias: none, half, the whole.

Runs the odds part of `bench/forecast.py` (targets within ±15 % of the noise-free 2025
total, 0–11 months known) with `fansipan.forecasting.odds.BIAS_SHARE` set to 0, 0.5 and
1, on a seed of its own, and prints the Brier score and the share met of the targets
given 70–80 %.

    python bench/odds_lean.py [--targets 1500] [--seed 2055]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # many small fits: one thread each

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.forecast import generate, run_odds  # noqa: E402
from fansipan.forecasting import odds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=2055)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    print("| lean | Brier score | targets given 70–80 %: share met |")
    print("|---|---:|---:|")
    for share, name in ((0.0, "none"), (0.5, "half the bias"), (1.0, "the whole bias")):
        odds.BIAS_SHARE = share  # type: ignore[misc]
        got = run_odds(generate(args.targets, args.seed), args.targets, args.seed + 1,
                       args.jobs)
        print(f"| {name} | {got['brier']:.4f} | {100 * float(got['band_rate']):.0f} % "
              f"({got['band_n']}) |", flush=True)


if __name__ == "__main__":
    main()
