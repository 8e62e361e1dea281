"""The interval quantiles kept once per process against statsforecast's own, in one run.

Forecasts the same batch (the benchmark's series, 60 months, h = 12) taking turns with
statsforecast's quantile function and with `fansipan.forecasting.quantiles`, and prints
the CPU seconds of each turn and whether the forecasts are identical.

    python bench/forecast_quantiles.py [--series 400]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # many small fits: one thread each

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from statsforecast import models as sf_models  # noqa: E402
from statsforecast import utils as sf_utils  # noqa: E402

from bench.forecast import SEED, generate, to_series  # noqa: E402
from fansipan.forecasting import (  # noqa: E402
    ForecastOptions,
    forecast_many,
    quantiles,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=400)
    args = parser.parse_args()
    panel = generate(args.series, SEED)
    series = [to_series(i, panel.y[i, :60]) for i in range(args.series)]
    seconds: dict[str, list[float]] = {"statsforecast": [], "kept": []}
    answers: dict[str, object] = {}
    for turn in ("statsforecast", "kept", "statsforecast", "kept"):
        if turn == "kept":
            quantiles.install()
        else:
            sf_utils._quantiles = quantiles._ORIGINAL
            sf_models._quantiles = quantiles._ORIGINAL  # type: ignore[attr-defined]
        cpu = time.process_time()
        answers[turn] = forecast_many(series=series, horizon=12,
                                      options=ForecastOptions(n_jobs=1))
        seconds[turn].append(time.process_time() - cpu)
    quantiles.install()
    ratio = sum(seconds["kept"]) / sum(seconds["statsforecast"])
    print(f"{args.series} series, CPU seconds per turn: statsforecast "
          f"{', '.join(f'{s:.2f}' for s in seconds['statsforecast'])}; kept "
          f"{', '.join(f'{s:.2f}' for s in seconds['kept'])}; ratio {ratio:.3f}; "
          f"forecasts identical: {answers['kept'] == answers['statsforecast']}")


if __name__ == "__main__":
    main()
