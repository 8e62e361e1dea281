"""Writing and reading data values through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.rows import WriteStrategy
from fansipan.errors import NotFound, ValidationError
from fansipan.services.warehouse.datavalues import (
    DataValueWrite,
    ValueQuery,
    WriteSummary,
    get_value,
    list_changes,
    list_values,
    write_values,
)
from fansipan.store.tables import ChangeRow, DataValueRow


def _count(session: Session) -> tuple[int, int]:
    with session.begin():
        values = session.scalar(select(func.count()).select_from(DataValueRow))
        changes = session.scalar(select(func.count()).select_from(ChangeRow))
    return int(values or 0), int(changes or 0)


def write(
    session: Session,
    *items: DataValueWrite,
    strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE,
    dry_run: bool = False,
) -> WriteSummary:
    return write_values(
        session=session,
        items=list(items),
        actor="tester",
        source="test",
        strategy=strategy,
        dry_run=dry_run,
    )


def v(
    indicator: str = "VT_TRAM_5G",
    unit: str = "02647",
    period: str = "2024-03",
    value: float | str | None = 3,
    comment: str | None = None,
) -> DataValueWrite:
    return DataValueWrite(
        indicator=indicator, unit=unit, period=period, value=value, comment=comment
    )


def test_write_read_update_delete_with_numbered_audited_changes(session: Session) -> None:
    first = write(session, v(value=3))
    assert first.created == 1
    assert first.first_change == first.last_change
    stored = get_value(session=session, indicator="VT_TRAM_5G", unit="02647", period="2024-03")
    assert stored.value == 3.0 and stored.unit_name == "Phường Kim Tân"

    second = write(session, v(value="5,0", comment="sửa số"))
    assert second.updated == 1
    assert second.first_change is not None and first.last_change is not None
    assert second.first_change > first.last_change

    write(session, v(value=None), strategy=WriteStrategy.DELETE)
    with pytest.raises(NotFound, match="No value of VT_TRAM_5G"):
        get_value(session=session, indicator="VT_TRAM_5G", unit="02647", period="2024-03")
    gone = get_value(
        session=session,
        indicator="VT_TRAM_5G",
        unit="02647",
        period="2024-03",
        include_deleted=True,
    )
    assert gone.deleted and gone.value == 5.0  # soft: the value is kept

    trail = list_changes(session=session)
    assert [(c.operation, c.old_value, c.new_value) for c in trail] == [
        ("create", None, 3.0),
        ("update", 3.0, 5.0),
        ("delete", 5.0, None),
    ]
    assert [c.change for c in trail] == sorted(c.change for c in trail)
    assert all(c.actor == "tester" and c.source == "test" for c in trail)
    assert list_changes(session=session, after=trail[1].change)[0].operation == "delete"


def test_sending_the_same_values_again_changes_nothing(session: Session) -> None:
    batch = [v(period=f"2024-{m:02d}", value=m) for m in range(1, 13)]
    assert write(session, *batch).created == 12
    before = _count(session)
    again = write(session, *batch)
    assert again.unchanged == 12
    assert again.created == again.updated == 0
    assert _count(session) == before


def test_a_reused_code_names_the_unit_in_force_at_the_period_end(session: Session) -> None:
    write(
        session,
        v(unit="02647", period="2025-06", value=1),
        v(unit="02647", period="2025-08", value=2),
    )
    old = get_value(session=session, indicator="VT_TRAM_5G", unit="02647", period="2025-06")
    new = get_value(session=session, indicator="VT_TRAM_5G", unit="02647", period="2025-08")
    assert old.unit_name == "Phường Kim Tân"
    assert new.unit_name == "Phường Lào Cai"
    assert old.unit_uid != new.unit_uid


def test_bad_rows_are_all_reported_and_nothing_is_written(session: Session) -> None:
    write(session, v(value=1))
    before = _count(session)
    bad = [
        v(value=2),  # row 1 fine
        v(indicator="VT_TRAM_5Q"),  # unknown indicator
        v(unit="99999"),  # unknown unit
        v(period="2024-13"),  # bad period
        v(value="nhiều"),  # not a number
        v(value=-1),  # below minimum
        v(value=1.5),  # not a whole number
        v(indicator="CDS_DAN_SO", period="2024-03"),  # yearly indicator, monthly period
        v(indicator="BC_DOANH_THU", unit="02647"),  # province figure at a commune
        v(indicator="BC_TY_LE_XA_CO_DIEM", period="2024"),  # derived: cannot be entered
        v(unit="080", period="2025-08"),  # district ended with the reform
        v(value=2),  # repeats row 1
    ]
    with pytest.raises(ValidationError) as caught:
        write(session, *bad)
    errors = {(e.row, e.field): e.message for e in caught.value.errors}
    assert "nothing was saved" in caught.value.message
    assert "did you mean 'VT_TRAM_5G'" in errors[(2, "indicator")]
    assert "no unit code '99999'" in errors[(3, "unit")]
    assert "month must be 01–12" in errors[(4, "period")]
    assert "'nhiều' is not a number" in errors[(5, "value")]
    assert "below the smallest allowed value 0" in errors[(6, "value")]
    assert "not a whole number" in errors[(7, "value")]
    assert "reported by year" in errors[(8, "period")]
    assert "is a commune" in errors[(9, "unit")]
    assert "computed from a formula" in errors[(10, "indicator")]
    assert "31/08/2025" in errors[(11, "unit")]
    assert "repeats row 1" in errors[(12, "period")]
    assert (1, "value") not in errors
    assert _count(session) == before


def test_create_and_update_strategies_refuse_what_does_not_fit(session: Session) -> None:
    write(session, v(value=1))
    with pytest.raises(ValidationError, match="clash"):
        write(session, v(value=2), strategy=WriteStrategy.CREATE)
    with pytest.raises(ValidationError, match="clash"):
        write(session, v(period="2024-04"), strategy=WriteStrategy.UPDATE)


def test_dry_run_reports_without_writing(session: Session) -> None:
    before = _count(session)
    summary = write(session, v(value=1), v(period="2024-04", value=2), dry_run=True)
    assert summary.created == 2
    assert _count(session) == before


def test_list_values_filters_and_change_feed_pages(session: Session) -> None:
    write(session, *[v(period=f"2024-{m:02d}", value=m) for m in range(1, 7)])
    write(session, v(unit="02644", period="2024-01", value=9))
    rows = list_values(session=session, query=ValueQuery(units=["02647"]))
    assert [r.period for r in rows] == [f"2024-{m:02d}" for m in range(1, 7)]
    q2 = list_values(session=session, query=ValueQuery(periods=["202402", "2024-03"]))
    assert {r.period for r in q2} == {"2024-02", "2024-03"}
    last = list_changes(session=session)[-1].change
    assert [
        r.unit for r in list_values(session=session, query=ValueQuery(changed_after=last - 1))
    ] == ["02644"]
