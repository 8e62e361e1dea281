"""What the audit chain costs a bulk write: digest time against the whole write.

    python bench/audit_overhead.py

Writes 11,778 values (every commune of old Lào Cai, 78 months) in one batch through
`write_values`, then times the part the audit chain adds: the digest of the batch's
change rows and the chained event. Prints both and the ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def main() -> int:
    from sqlalchemy import select
    from tests.support.writer import batch

    from fansipan.services.warehouse.reference import load_reference_data
    from fansipan.store.audit import CHANGE_FIELDS, AuditRecord, append_events, changes_digest
    from fansipan.store.engine import make_engine, make_session_factory
    from fansipan.store.migrate import upgrade_store
    from fansipan.store.tables import ChangeRow

    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="audit-", dir=ROOT / "bench" / ".data"))
    engine = make_engine(f"sqlite:///{folder}/a.sqlite3")
    upgrade_store(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        load_reference_data(session=session)
    items = batch(factory, 1, 78)
    from fansipan.services.warehouse.datavalues import write_values

    with factory() as session:
        t0 = time.perf_counter()
        write_values(session=session, items=items, actor="bench", source="bench")
        whole = time.perf_counter() - t0
        with session.begin():
            rows = [{n: getattr(r, n) for n in CHANGE_FIELDS}
                    for r in session.scalars(select(ChangeRow).order_by(ChangeRow.id))]
        t0 = time.perf_counter()
        with session.begin():
            append_events(session, [AuditRecord(action="bench", actor="bench",
                                                actor_kind="system",
                                                detail={"digest": changes_digest(rows)})])
        audit = time.perf_counter() - t0
    engine.dispose()
    print(f"{len(items)} values in one batch: write {whole:.2f} s, of which the audit chain "
          f"(digest + chained event) {audit * 1000:.0f} ms = {100 * audit / whole:.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
