"""How long a report of results takes to make from the demo store, by format and period.

    python bench/reports.py [--repeat 3]

Loads the demo (as `fansipan demo` does, dated 10 December 2026 so the December estimates
are in) into a fresh SQLite store, then makes the 2021 year report, the 2022 nine-month
report and the 2026 December report as DOCX, XLSX and PDF through `make_report`, the
service the CLI, the API and the report jobs call. The first report pays for loading
the analytics engine; it is timed apart. Prints the median of each after that.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.demo.setup import prepare_demo
    from fansipan.domain.access import Principal
    from fansipan.services.direction.calendars import working_calendar
    from fansipan.services.direction.reports.content import ReportFormat, ReportRequest
    from fansipan.services.direction.reports.files import make_report
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="reports-", dir=ROOT / "bench" / ".data"))
    settings = Settings(data_dir=folder)
    started = time.perf_counter()
    prepare_demo(settings, today=date(2026, 12, 10))
    print(f"demo loaded in {time.perf_counter() - started:.1f} s")
    engine = make_engine(settings.store_url)
    factory = make_session_factory(engine)
    warehouse = Warehouse()
    principal = Principal.system("bench")
    calendar = working_calendar(settings)

    def make(year: int, period: str, fmt: ReportFormat) -> tuple[float, int]:
        with factory() as session:
            began = time.perf_counter()
            made = make_report(session=session, warehouse=warehouse, principal=principal,
                               request=ReportRequest(year=year, period=period,
                                                     issued_on=date(2026, 12, 10)),
                               fmt=fmt, settings=settings, calendar=calendar)
            return time.perf_counter() - began, len(made.data)

    first, _ = make(2021, "year", ReportFormat.DOCX)
    print(f"first report (loads the engine: the demo's values): {first:.2f} s")
    print(f"{'report':<28}{'format':<7}{'median s':>9}{'KiB':>8}")
    for year, period, label in ((2021, "year", "2021, year"), (2022, "9m", "2022, nine months"),
                                (2026, "year", "2026, December estimates")):
        for fmt in (ReportFormat.DOCX, ReportFormat.XLSX, ReportFormat.PDF):
            runs = [make(year, period, fmt) for _ in range(args.repeat)]
            median = statistics.median(t for t, _ in runs)
            print(f"{label:<28}{fmt.value:<7}{median:>9.2f}{runs[0][1] / 1024:>8.0f}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
