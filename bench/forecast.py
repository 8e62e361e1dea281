"""Benchmark of the forecasting engine: speed, accuracy, interval coverage, outliers, odds.

    python bench/forecast.py              # 10,000 series, as the goals are stated
    python bench/forecast.py --quick      # 300 series, a few minutes

Synthetic monthly series, fixed seed, 72 months (2020-01 … 2025-12), in three equal
families: smooth (provincial totals: noise 2–6 %), noisy (district figures: 6–15 %) and
counts (commune counts, Poisson with a mean of 3 to 60). Each has a trend of −5 % to
+15 % a year, a multiplicative season of 10–40 % and, in half of them, a Tết peak or dip
of 30–100 % in January or February; three in ten have a level shift of −20 % to +25 %.

1. Speed: every series' first 60 months, horizon 12, 80 % and 95 % intervals, a model
   chosen per series (`forecast_many`); then one new value for one series → its
   forecast, the odds of its yearly target and the check of the value (`forecast_series`,
   `estimate_attainment`, `check_value`), timed one by one.
2. Accuracy and coverage on values the model choice never saw: the forecasts from 60
   months are scored on months 61–72; on a subset the whole choice is redone from 48 and
   54 months (rolling origin). MASE is scaled by the in-sample seasonal naive error.
3. Outliers: anomalies injected into other series of the same kind (5–10 noise standard
   deviations up or down, or a decimal slip ×10 / ÷10), found by a whole-series scan and
   by the check on arrival of the last value; DHIS2's Z_SCORE and MOD_Z_SCORE at their
   default threshold 3.0 on the same series.
4. Odds: for series whose truth is simulated through 2025, targets for 2025 set around
   the noise-free total (×0.85–1.15), judged with 0–11 months of 2025 known; the odds
   given are compared with what happened (reliability table, Brier score).

Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # many small fits: one thread each

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from fansipan.domain.indicators import Aggregation  # noqa: E402
from fansipan.domain.periods import Period, PeriodType  # noqa: E402
from fansipan.domain.targets import Direction  # noqa: E402
from fansipan.forecasting import (  # noqa: E402
    AttainmentRequest,
    Detector,
    Forecast,
    ForecastOptions,
    ModelName,
    Observation,
    Series,
    Target,
    check_value,
    estimate_attainment,
    estimate_attainments,
    forecast_many,
    forecast_series,
    scan_series,
)

SEED = 2025
MONTHS = 72
FIRST_YEAR = 2020
H = 12
FAMILIES = ("smooth", "noisy", "counts")


@dataclass
class Panel:
    y: np.ndarray  # series × months, observed (noisy) values
    clean: np.ndarray  # the same without noise
    family: np.ndarray  # index into FAMILIES
    rel_sd: np.ndarray  # series × months: the noise's relative standard deviation


def generate(n: int, seed: int) -> Panel:
    rng = np.random.default_rng(seed)
    t = np.arange(MONTHS)
    y = np.empty((n, MONTHS))
    clean = np.empty((n, MONTHS))
    rel_sd = np.empty((n, MONTHS))
    family = np.arange(n) % 3
    for i in range(n):
        fam = family[i]
        level = np.exp(rng.uniform(*{0: (np.log(1e3), np.log(1e5)),
                                     1: (np.log(50), np.log(5e3)),
                                     2: (np.log(3), np.log(60))}[fam]))
        growth = rng.uniform(-0.05, 0.15)
        profile = np.convolve(np.tile(rng.normal(0, 1, 12), 3), [0.25, 0.5, 0.25], "same")[12:24]
        profile = (profile - profile.mean()) / np.abs(profile - profile.mean()).max()
        season = np.exp(rng.uniform(0.1, 0.4) * profile)
        if rng.random() < 0.5:
            tet = rng.integers(0, 2)
            season[tet] *= rng.uniform(1.3, 2.0) if rng.random() < 0.7 else rng.uniform(0.5, 0.77)
        shift = np.ones(MONTHS)
        if rng.random() < 0.3:
            shift[rng.integers(12, MONTHS - 6):] = rng.choice([rng.uniform(0.8, 0.95),
                                                                rng.uniform(1.05, 1.25)])
        c = level * (1 + growth) ** (t / 12) * season[t % 12] * shift
        clean[i] = c
        if fam == 2:
            y[i] = rng.poisson(c)
            rel_sd[i] = 1 / np.sqrt(c)
        else:
            cv = rng.uniform(0.02, 0.06) if fam == 0 else rng.uniform(0.06, 0.15)
            y[i] = np.maximum(c * (1 + rng.normal(0, cv, MONTHS)), 0)
            rel_sd[i] = cv
    return Panel(y=y, clean=clean, family=family, rel_sd=rel_sd)


def month(k: int) -> Period:
    return Period.month_of(FIRST_YEAR + k // 12, k % 12 + 1)


def to_series(i: int, values: np.ndarray, *, agg: Aggregation = Aggregation.SUM,
              direction: Direction = Direction.UP) -> Series:
    return Series(indicator="BENCH", unit=f"U{i:05d}", period_type=PeriodType.MONTH,
                  observations=tuple(Observation(month(k), float(v))
                                     for k, v in enumerate(values)),
                  agg_time=agg, direction=direction, lower_bound=0.0)


def seasonal_naive_scale(y: np.ndarray) -> np.ndarray:
    return np.mean(np.abs(y[:, 12:] - y[:, :-12]), axis=1)


def score(forecasts: list[Forecast], panel: Panel, origin: int) -> dict[str, np.ndarray]:
    """Per-series MASE of the chosen model and of seasonal naive on months origin+1…+12,
    and per-point interval hits."""
    actual = panel.y[:, origin:origin + H]
    scale = seasonal_naive_scale(panel.y[:, :origin])
    mean = np.array([[p.value for p in f.points] for f in forecasts])
    lo80 = np.array([[p.lower_80 for p in f.points] for f in forecasts], dtype=float)
    hi80 = np.array([[p.upper_80 for p in f.points] for f in forecasts], dtype=float)
    lo95 = np.array([[p.lower_95 for p in f.points] for f in forecasts], dtype=float)
    hi95 = np.array([[p.upper_95 for p in f.points] for f in forecasts], dtype=float)
    snaive = panel.y[:, origin - 12:origin]
    return {
        "mase": np.mean(np.abs(mean - actual), axis=1) / scale,
        "snaive": np.mean(np.abs(snaive - actual), axis=1) / scale,
        "in80": (actual >= lo80) & (actual <= hi80),
        "in95": (actual >= lo95) & (actual <= hi95),
    }


def cpu_seconds() -> float:
    """CPU time of this process and of the worker processes it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def run_speed_and_accuracy(panel: Panel, args: argparse.Namespace) -> dict[str, object]:
    n = panel.y.shape[0]
    series = [to_series(i, panel.y[i, :60]) for i in range(n)]
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    forecasts = list(forecast_many(series=series, horizon=H,
                                   options=ForecastOptions(n_jobs=args.jobs)))
    batch_s = time.perf_counter() - t0
    batch_cpu = cpu_seconds() - cpu0
    scores = {60: score(forecasts, panel, 60)}
    models: dict[str, int] = {}
    for f in forecasts:
        models[str(f.model)] = models.get(str(f.model), 0) + 1
    sub = np.arange(min(n, args.subset))
    sub_panel = Panel(y=panel.y[sub], clean=panel.clean[sub], family=panel.family[sub],
                      rel_sd=panel.rel_sd[sub])
    for origin in (48, 54):
        subset = [to_series(int(i), panel.y[i, :origin]) for i in sub]
        scores[origin] = score(list(forecast_many(series=subset, horizon=H, options=ForecastOptions(
            n_jobs=args.jobs))), sub_panel, origin)
    theta = list(forecast_many(series=[series[int(i)] for i in sub], horizon=H,
                               options=ForecastOptions(candidates=(ModelName.THETA,),
                                                       n_jobs=args.jobs)))
    theta_mase = score(theta, sub_panel, 60)["mase"]
    backtest_cov = {lv: [c.empirical for f in forecasts if (c := f.coverage_at(lv))
                         and c.empirical is not None] for lv in (80, 95)}
    factors = {lv: [c.factor for f in forecasts if (c := f.coverage_at(lv))]
               for lv in (80, 95)}
    return {"batch_s": batch_s, "batch_cpu": batch_cpu, "scores": scores, "models": models, "n": n,
            "subset": len(sub), "theta_mase": theta_mase, "sub": sub,
            "backtest_cov": backtest_cov, "factors": factors}


def run_refresh(panel: Panel, repeats: int) -> list[float]:
    """One new value (month 61) for one series: forecast, odds, outlier check."""
    times = []
    forecast_series(series=to_series(0, panel.y[0, :60]), horizon=H)  # warm caches
    for i in range(repeats):
        history = to_series(i, panel.y[i, :60])
        new_period, new_value = month(60), float(panel.y[i, 60])
        target = Target(period=Period.year_of(2025), planned=float(panel.clean[i, 60:].sum()))
        t0 = time.perf_counter()
        check = check_value(series=history, period=new_period, value=new_value)
        updated = history.with_value(new_period, new_value)
        forecast = forecast_series(series=updated, horizon=H)
        odds = estimate_attainment(series=updated, target=target, forecast=forecast)
        times.append(time.perf_counter() - t0)
        if odds.probability is None or check.score is None:
            raise RuntimeError(f"series {i}: the refresh gave no answer")
    return times


def inject(panel: Panel, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Anomalies in a copy of `panel.y[:, :60]`; also the mask of where they are."""
    rng = np.random.default_rng(seed)
    y = panel.y[:, :60].copy()
    truth = np.zeros_like(y, dtype=bool)
    for i in range(y.shape[0]):
        count = rng.choice([0, 1, 2, 3], p=[0.3, 0.3, 0.25, 0.15])
        spots = rng.choice(np.arange(1, 60), size=count, replace=False)
        if rng.random() < 0.5:  # half the series: the newest value is an anomaly
            spots = np.union1d(spots, [59])
        for k in spots:
            c, sd = panel.clean[i, k], panel.rel_sd[i, k]
            if rng.random() < 0.25:
                factor = 10.0 if panel.family[i] == 2 or rng.random() < 0.5 else 0.1
            else:
                factor = float(np.exp(rng.choice([-1, 1]) * rng.uniform(5, 10) * min(sd, 0.5)))
            value = c * factor
            y[i, k] = round(value) if panel.family[i] == 2 else value
            truth[i, k] = True
    return y, truth


def run_outliers(panel: Panel, n: int, seed: int) -> dict[str, dict[str, float]]:
    sub = Panel(y=panel.y[:n], clean=panel.clean[:n], family=panel.family[:n],
                rel_sd=panel.rel_sd[:n])
    y, truth = inject(sub, seed)
    out: dict[str, dict[str, float]] = {}
    for detector in Detector:
        flags = np.zeros_like(truth)
        arrival = np.zeros(n, dtype=bool)
        t0 = time.perf_counter()
        for i in range(n):
            checks = scan_series(series=to_series(i, y[i]), detector=detector)
            flags[i] = [c.outlier for c in checks]
            arrival[i] = check_value(series=to_series(i, y[i, :59]), period=month(59),
                                     value=float(y[i, 59]), detector=detector).outlier
        elapsed = time.perf_counter() - t0
        for name, found, real in (("scan", flags, truth), ("arrival", arrival, truth[:, 59])):
            tp = int((found & real).sum())
            out[f"{detector.value} {name}"] = {
                "precision": tp / max(1, int(found.sum())), "recall": tp / max(1, int(real.sum())),
                "flagged": int(found.sum()), "true": int(real.sum()), "seconds": elapsed,
            }
    return out


def run_odds(panel: Panel, n: int, seed: int, jobs: int | None) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    aggs = [Aggregation.SUM] * 6 + [Aggregation.LAST] * 2 + [Aggregation.AVERAGE] * 2
    requests: list[AttainmentRequest] = []
    outcomes: list[bool] = []
    histories: list[Series] = []
    plans: list[tuple[Aggregation, Direction, float, int]] = []
    for i in range(n):
        agg = aggs[i % len(aggs)]
        direction = Direction.DOWN if i % 5 == 4 else Direction.UP
        known = int(rng.integers(0, 12))
        truth = panel.y[i, 60:]
        clean = panel.clean[i, 60:]
        exact = {Aggregation.SUM: truth.sum(), Aggregation.LAST: truth[-1],
                 Aggregation.AVERAGE: truth.mean()}[agg]
        centre = {Aggregation.SUM: clean.sum(), Aggregation.LAST: clean[-1],
                  Aggregation.AVERAGE: clean.mean()}[agg]
        planned = float(centre * rng.uniform(0.85, 1.15))
        outcomes.append(bool(exact >= planned) if direction is Direction.UP
                        else bool(exact <= planned))
        histories.append(to_series(i, panel.y[i, :60 + known], agg=agg, direction=direction))
        plans.append((agg, direction, planned, known))
    t0 = time.perf_counter()
    forecasts = forecast_many(series=histories, horizon=H, options=ForecastOptions(n_jobs=jobs))
    for s, f, (_, _, planned, _) in zip(histories, forecasts, plans, strict=True):
        requests.append(AttainmentRequest(series=s, target=Target(
            period=Period.year_of(2025), planned=planned), forecast=f))
    results = estimate_attainments(requests=requests, paths=1000, seed=seed, n_jobs=jobs)
    elapsed = time.perf_counter() - t0
    p = np.array([r.probability for r in results], dtype=float)
    o = np.array(outcomes, dtype=float)
    bins = []
    for lo in np.arange(0, 1.0, 0.1):
        hi = lo + 0.1
        sel = (p >= lo) & ((p < hi) if hi < 1.0 else (p <= hi))
        bins.append((lo, hi, int(sel.sum()), float(p[sel].mean()) if sel.any() else float("nan"),
                     float(o[sel].mean()) if sel.any() else float("nan")))
    band = (p >= 0.7) & (p < 0.8)
    climatology = float(np.mean((o.mean() - o) ** 2))
    return {"brier": float(np.mean((p - o) ** 2)), "climatology": climatology,
            "bins": bins, "band_n": int(band.sum()),
            "band_rate": float(o[band].mean()) if band.any() else float("nan"),
            "seconds": elapsed, "n": n}


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="300 series, a few minutes")
    parser.add_argument("--series", type=int, default=None, help="series for the speed run")
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: auto)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    n = args.series or (300 if args.quick else 10_000)
    args.subset = 300 if args.quick else 2_000
    n_outliers = 300 if args.quick else 2_000
    n_odds = 200 if args.quick else 1_000
    started = datetime.now(UTC)
    panel = generate(max(n, n_outliers, n_odds), args.seed)
    speed_panel = Panel(y=panel.y[:n], clean=panel.clean[:n], family=panel.family[:n],
                        rel_sd=panel.rel_sd[:n])

    acc = run_speed_and_accuracy(speed_panel, args)
    refresh = run_refresh(speed_panel, 20)
    # Seeds apart from those the outlier threshold was chosen on (2026, 2027).
    outliers = run_outliers(generate(n_outliers, args.seed + 11), n_outliers, args.seed + 12)
    odds = run_odds(generate(n_odds, args.seed + 3), n_odds, args.seed + 4, args.jobs)

    scores = acc["scores"]
    s60 = scores[60]
    ratio = float(np.mean(s60["mase"]) / np.mean(s60["snaive"]))
    pooled_m = np.concatenate([scores[o]["mase"] for o in (48, 54, 60)])
    pooled_s = np.concatenate([scores[o]["snaive"] for o in (48, 54, 60)])
    pooled_ratio = float(pooled_m.mean() / pooled_s.mean())
    cov80 = float(np.mean(np.concatenate([scores[o]["in80"].ravel() for o in (48, 54, 60)])))
    cov95 = float(np.mean(np.concatenate([scores[o]["in95"].ravel() for o in (48, 54, 60)])))
    sub = acc["sub"]
    theta_ratio = float(np.mean(acc["theta_mase"]) / np.mean(s60["snaive"][sub]))
    ours_sub = float(np.mean(s60["mase"][sub]) / np.mean(s60["snaive"][sub]))

    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average at start "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"Date: {started:%Y-%m-%d %H:%M} UTC. Command: `python bench/forecast.py"
          f"{' --quick' if args.quick else ''}`\n")
    print("| measure | result | goal |")
    print("|---|---|---|")
    goal_batch = 180 * n / 10_000
    print(f"| {n:,} series × 60 months, h = 12, 80/95 % intervals, model chosen per series | "
          f"{acc['batch_s']:.1f} s ({1000 * acc['batch_s'] / n:.1f} ms a series; "
          f"{acc['batch_cpu']:.0f} CPU-seconds) | "
          f"≤ {goal_batch:.0f} s — {met(acc['batch_s'] <= goal_batch)} |")
    print(f"| one new value → its forecast, odds and outlier check (20 series) | median "
          f"{1000 * statistics.median(refresh):.0f} ms, max {1000 * max(refresh):.0f} ms | "
          f"≤ 1 s — {met(max(refresh) <= 1.0)} |")
    print(f"| MASE of the chosen models ÷ seasonal naive's, months 61–72 | {ratio:.3f} "
          f"({np.mean(s60['mase']):.3f} vs {np.mean(s60['snaive']):.3f}) | ≤ 0.8 — "
          f"{met(ratio <= 0.8)} |")
    print(f"| the same, rolling origin 48, 54 and 60 months ({acc['subset']:,} series at 48 "
          f"and 54) | {pooled_ratio:.3f} | ≤ 0.8 — {met(pooled_ratio <= 0.8)} |")
    print(f"| 80 % intervals: share of held-out values inside (3 origins) | {pct(cov80)} | "
          f"75–85 % — {met(0.75 <= cov80 <= 0.85)} |")
    print(f"| 95 % intervals: share of held-out values inside (3 origins) | {pct(cov95)} | "
          f"92–97 % — {met(0.92 <= cov95 <= 0.97)} |")
    seasonal = [outliers[f"seasonal {k}"] for k in ("scan", "arrival")]
    for kind, res in zip(("scan of whole series", "check on arrival"), seasonal, strict=True):
        ok = res["precision"] >= 0.8 and res["recall"] >= 0.8
        print(f"| outliers, {kind}: precision / recall | {pct(res['precision'])} / "
              f"{pct(res['recall'])} | ≥ 80 % each — {met(ok)} |")
    ok = 0.7 <= odds["band_rate"] <= 0.8
    print(f"| odds of 70–80 %: share of those targets met | {pct(odds['band_rate'])} "
          f"({odds['band_n']} targets) | 70–80 % — {met(ok)} |")
    print(f"| Brier score of the odds ({odds['n']:,} targets) | {odds['brier']:.3f} "
          f"(always the base rate: {odds['climatology']:.3f}) | lower is better |")

    print("\nAccuracy by origin and family (mean MASE; ratio to seasonal naive):\n")
    print("| origin | family | series | chosen | seasonal naive | ratio | 80 % inside | "
          "95 % inside |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for origin in (48, 54, 60):
        sc = scores[origin]
        families = speed_panel.family[: sc["mase"].size]
        for f_i, f_name in enumerate(FAMILIES):
            sel = families == f_i
            print(f"| {origin} | {f_name} | {int(sel.sum()):,} | {sc['mase'][sel].mean():.3f} | "
                  f"{sc['snaive'][sel].mean():.3f} | "
                  f"{sc['mase'][sel].mean() / sc['snaive'][sel].mean():.3f} | "
                  f"{pct(sc['in80'][sel].mean())} | {pct(sc['in95'][sel].mean())} |")
    print(f"\nTheta alone on the {acc['subset']:,}-series subset, months 61–72: ratio "
          f"{theta_ratio:.3f} (the per-series choice: {ours_sub:.3f}).")
    print("Models chosen (60 months): " + ", ".join(
        f"{k} {v:,}" for k, v in sorted(acc["models"].items(), key=lambda kv: -kv[1])))
    for lv in (80, 95):
        emp = acc["backtest_cov"][lv]
        fac = np.array(acc["factors"][lv])
        print(f"{lv} % backtest coverage of the models' own intervals: {pct(np.mean(emp))}; "
              f"widened in {np.mean(fac > 1):.0%} of series (median factor of those "
              f"{np.median(fac[fac > 1]) if (fac > 1).any() else 1:.2f}).")

    print("\nOutliers (anomalies injected into "
          f"{n_outliers:,} series of 60 months; precision = flagged that were injected):\n")
    print("| detector | where | flagged | injected | precision | recall | seconds |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for key, res in outliers.items():
        det, where = key.split(" ")
        print(f"| {det} | {where} | {res['flagged']:,} | {res['true']:,} | "
              f"{pct(res['precision'])} | {pct(res['recall'])} | {res['seconds']:.1f} |")

    print(f"\nOdds reliability ({odds['n']:,} targets for 2025, 0–11 months known; "
          f"forecasts and 1,000 paths each in {odds['seconds']:.1f} s):\n")
    print("| odds given | targets | mean odds | share met |")
    print("|---|---:|---:|---:|")
    for lo, hi, count, mean_p, rate in odds["bins"]:
        if count:
            print(f"| {lo:.1f}–{hi:.1f} | {count} | {mean_p:.2f} | {rate:.2f} |")


if __name__ == "__main__":
    main()
