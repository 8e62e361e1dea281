"""Simulated future paths of series, from the model each series' forecast chose.

statsforecast's `simulate()` draws whole paths, so values of successive periods keep the
model's dependence: a year's total is then the sum along each path, never a sum of
quantiles. The paths are then put on the forecast's calibrated footing: their spread
around the path mean is multiplied by the forecast's 80 % widening factor (the one the
backtest measured), and a combination draws half of its paths from each member, both
centred on the combination's mean. The centre may lean by a share of the backtest's
bias (`PathRequest.lean`, set by the odds).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from statsforecast import StatsForecast

from fansipan.forecasting.frames import choose_jobs, long_frame
from fansipan.forecasting.models import ModelName, build, members
from fansipan.forecasting.series import Regular

Floats = npt.NDArray[np.float64]

# Bound on values simulated per statsforecast call (series × paths × steps), to keep the
# long frame it returns to a few hundred megabytes.
_CHUNK_VALUES = 4_000_000


@dataclass(frozen=True)
class PathRequest:
    regular: Regular
    season_length: int
    model: ModelName
    horizon: int
    spread_factor: float
    lean: float = 1.0  # the paths' centre is multiplied by it (see odds.BIAS_SHARE)


def simulate_paths(
    *, requests: Sequence[PathRequest], paths: int, seed: int, n_jobs: int | None
) -> list[Floats | None]:
    """Paths (paths × horizon) for each request, or None where the model failed."""
    out: list[Floats | None] = [None] * len(requests)
    groups: dict[tuple[int, ModelName], list[int]] = defaultdict(list)
    for i, r in enumerate(requests):
        groups[r.season_length, r.model].append(i)
    for (m, model), idx in groups.items():
        horizon = max(requests[i].horizon for i in idx)
        parts = members(model)
        share = -(-paths // len(parts))
        per_chunk = max(1, _CHUNK_VALUES // (share * horizon))
        for start in range(0, len(idx), per_chunk):
            chunk = idx[start:start + per_chunk]
            drawn = [_draw([requests[i].regular for i in chunk], m, part, horizon, share,
                           seed, n_jobs) for part in parts]
            for j, i in enumerate(chunk):
                got = [x for d in drawn if d is not None and (x := d[j]) is not None]
                if len(got) != len(parts):
                    continue
                out[i] = _combine(got, paths, requests[i])
    return out


def _combine(drawn: list[Floats], paths: int, request: PathRequest) -> Floats | None:
    centres = [d.mean(axis=0) for d in drawn]
    centre = np.mean(centres, axis=0)
    pooled = np.vstack([request.lean * centre + request.spread_factor * (d - c)
                        for d, c in zip(drawn, centres, strict=True)])[:paths]
    result = pooled[:, : request.horizon]
    return result if np.isfinite(result).all() else None


def _draw(
    regulars: list[Regular], m: int, model: ModelName, horizon: int, paths: int, seed: int,
    n_jobs: int | None,
) -> list[Floats | None] | None:
    sf = StatsForecast(models=[build(model, m)], freq=1,
                       n_jobs=choose_jobs(len(regulars), n_jobs))
    try:
        with warnings.catch_warnings():
            # statsforecast warns past 100,000 simulated values; chunks are sized above.
            warnings.filterwarnings("ignore", message="Generating .* simulation points")
            frame = sf.simulate(h=horizon, df=long_frame(regulars), n_paths=paths, seed=seed)
    except Exception:  # one bad series fails the call: draw them one by one
        if len(regulars) == 1:
            return None
        single = [_draw([r], m, model, horizon, paths, seed, 1) for r in regulars]
        return [s[0] if s is not None else None for s in single]
    frame = frame.sort_values(["unique_id", "sample_id", "ds"], kind="stable")
    values = np.asarray(frame[model.value].to_numpy(dtype=np.float64))
    cube = values.reshape(len(regulars), paths, horizon)
    return [cube[i] for i in range(len(regulars))]
