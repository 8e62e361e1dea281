"""Prometheus metrics: one registry per app, so every test app counts on its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "fansipan_http_requests", "HTTP requests answered",
            ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram(
            "fansipan_http_request_duration_seconds", "Time to answer a request",
            ["method", "route"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.in_progress = Gauge(
            "fansipan_http_requests_in_progress",
            "Requests being served or waiting for a worker (the request queue)",
            registry=self.registry)
        self.imports = Counter(
            "fansipan_imports", "Batch writes of data values (imports)", ["outcome"],
            registry=self.registry)
        self.import_latency = Histogram(
            "fansipan_import_duration_seconds", "Time to validate and commit a batch",
            registry=self.registry)
        self.values_written = Counter(
            "fansipan_values_written", "Data values created, updated or deleted",
            registry=self.registry)

    @contextmanager
    def track_import(self) -> Iterator[None]:
        with self.import_latency.time():
            try:
                yield
            except Exception:
                self.imports.labels(outcome="refused").inc()
                raise
        self.imports.labels(outcome="saved").inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]
