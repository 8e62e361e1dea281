"""The like-for-like judge keeps what the tree decides of each pair between answers; a
changed value or a changed tree must still change the verdict of the very next answer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.uids import make_uid
from fansipan.store.tables import UnitParentRow, UnitRow, UnitSuccessionRow
from tests.analytics.test_like_for_like import (
    BAT_XAT,
    NAM_CHAC,
    RECEIVED,
    YEN_NINH,
    ask,
    monthly,
    notes,
    put,
    row,
)


def test_a_value_written_after_a_verdict_changes_it(session: Session) -> None:
    warehouse = Warehouse()
    lao_cai = session
    put(session, *monthly(RECEIVED, BAT_XAT, "2024-01", "2025-06", 10),
        *monthly(RECEIVED, BAT_XAT, "2025-07", "2026-11", 25))

    def province_2025() -> tuple[object, list[str]]:
        result = ask(lao_cai, warehouse, indicators=[RECEIVED], units=["15"],
                     periods=["2025"], hierarchy="mapped", compare=True)
        return row(result, "15", "2025")["change"], [n["reason"] for n in notes(result)]

    assert province_2025() == (None, ["missing_data"])  # Yên Bái has no data yet
    assert province_2025() == (None, ["missing_data"])  # the same, from what was kept
    put(lao_cai, *monthly(RECEIVED, YEN_NINH, "2024-01", "2025-06", 5),
        *monthly(RECEIVED, YEN_NINH, "2025-07", "2025-12", 7))
    # 282 in 2025 (60 + 150 in Lào Cai, 30 + 42 in Yên Bái) against 180 in 2024.
    assert province_2025() == (102, [])


def test_a_changed_tree_changes_the_verdict(session: Session) -> None:
    warehouse = Warehouse()
    put(session, *monthly(RECEIVED, NAM_CHAC, "2023-01", "2024-12", 4))

    def nam_chac_2024() -> tuple[object, list[str]]:
        result = ask(session, warehouse, indicators=[RECEIVED], units=[NAM_CHAC],
                     periods=["2024"], compare=True)
        return row(result, NAM_CHAC, "2024")["change"], [n["reason"] for n in notes(result)]

    assert nam_chac_2024() == (0, [])  # 48 against 48: its territory was kept
    assert nam_chac_2024() == (0, [])
    # A commune of the same district merges into Nậm Chạc on 1 July 2024.
    nam_chac = session.scalars(select(UnitRow).where(UnitRow.code == NAM_CHAC)).first()
    assert nam_chac is not None
    district = session.scalars(select(UnitParentRow.parent_id)
                               .where(UnitParentRow.child_id == nam_chac.id)).first()
    assert district is not None
    gone = UnitRow(uid=make_uid("test", "merged commune"), code="99991", name_vi="Xã Thử",
                   name_en=None, level=nam_chac.level, valid_from=None,
                   valid_to=date(2024, 6, 30))
    session.add(gone)
    session.flush()
    session.add(UnitParentRow(child_id=gone.id, parent_id=district, valid_from=None,
                              valid_to=date(2024, 6, 30)))
    session.add(UnitSuccessionRow(old_id=gone.id, new_id=nam_chac.id,
                                  effective=date(2024, 7, 1), change="merge", share=1.0))
    session.commit()
    assert nam_chac_2024() == (None, ["boundaries_changed"])
