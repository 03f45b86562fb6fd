"""What every benchmark process shares: Django set up as served, and the median of timed runs."""

from __future__ import annotations

import os
import statistics
import time


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workplan.settings")
    os.environ.setdefault("WORKPLAN_DEBUG", "0")  # as served: no template debug info
    import django

    django.setup()


def timed(fn, runs: int) -> float:
    """Median milliseconds of ``runs`` calls, after one warm-up call (templates, fonts, the
    first queries)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)
