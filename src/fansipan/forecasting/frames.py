"""Series as the long data frame statsforecast works on, and how many processes to use."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from fansipan.forecasting.series import Regular

# Below this many series a second process costs more to start than it saves.
PARALLEL_FROM = 200


def long_frame(regulars: Sequence[Regular]) -> pd.DataFrame:
    """unique_id = position in `regulars`, ds = step 0, 1, … (statsforecast's integer
    time with freq=1), y = value (gaps already filled)."""
    sizes = np.array([r.length for r in regulars], dtype=np.int64)
    return pd.DataFrame({
        "unique_id": np.repeat(np.arange(len(regulars), dtype=np.int64), sizes),
        "ds": np.concatenate([np.arange(n, dtype=np.int64) for n in sizes]),
        "y": np.concatenate([r.y for r in regulars]),
    })


def choose_jobs(n_series: int, requested: int | None) -> int:
    """Processes for a statsforecast call: as asked, else one per core (at most 4) for a
    big batch and one for a small one, where process start-up would dominate."""
    if requested is not None:
        return max(1, requested)
    if n_series < PARALLEL_FROM:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))
