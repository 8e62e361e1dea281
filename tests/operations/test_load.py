"""A bounded load test on loopback: the real server, 50 clients at once, zero errors.

The full run (3,000 requests, on both stores) is `python bench/load.py`, with its
numbers in docs/benchmarks.md; here a smaller run guards against regressions.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


def test_mixed_reads_and_writes_at_concurrency_50_without_errors(tmp_path: Path) -> None:
    bench = _bench()
    url = f"sqlite:///{tmp_path}/load.sqlite3"
    fixture = bench.prepare(url)
    port = bench._free_port()
    server = bench.start_server(url, port)
    try:
        result = asyncio.run(bench.run_load(f"http://127.0.0.1:{port}", fixture,
                                            requests=600, concurrency=50))
    finally:
        bench.stop_server(server)
    assert result.requests == 600
    assert result.errors == 0, result.failures
    assert "write" in result.latencies and "list" in result.latencies
