"""A separate process that writes one big batch through the ordinary write service.

    python -m tests.support.writer STORE_URL SEED [MONTHS]

Writes VT_TRAM_5G for every commune of old Lào Cai over MONTHS months of 2019 onwards,
each value SEED * 100000 + its index. Prints "writing" just before the batch starts and
a JSON summary after it commits; on a store failure prints the message and exits 3.
"""

from __future__ import annotations

import json
import sys
from datetime import date

from fansipan.domain.units import UnitLevel
from fansipan.errors import FansipanError
from fansipan.services.catalog import load_catalog
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.store.engine import make_engine, make_session_factory


def batch(session_factory: object, seed: int, months: int) -> list[DataValueWrite]:
    with session_factory() as session, session.begin():  # type: ignore[operator]
        catalog = load_catalog(session)
    on = date(2024, 12, 31)
    province = catalog.hierarchy.find("10", on)
    communes = [u for u in catalog.hierarchy.descendants(province.id, on)
                if u.level is UnitLevel.COMMUNE]
    periods = [f"{2019 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    return [DataValueWrite(indicator="VT_TRAM_5G", unit=u.code, period=p,
                           value=seed * 100_000 + n)
            for n, (u, p) in enumerate((u, p) for u in communes for p in periods)]


def main() -> int:
    url, seed = sys.argv[1], int(sys.argv[2])
    months = int(sys.argv[3]) if len(sys.argv) > 3 else 72
    engine = make_engine(url)
    factory = make_session_factory(engine)
    items = batch(factory, seed, months)
    print("writing", len(items), flush=True)
    try:
        with factory() as session:
            summary = write_values(session=session, items=items, actor=f"writer{seed}",
                                   source="fault-test")
    except FansipanError as exc:
        print(str(exc), flush=True)
        return 3
    finally:
        engine.dispose()
    print(json.dumps(summary.model_dump()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
