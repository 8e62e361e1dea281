"""Analytics answers kept until a value changes: the same question asked again (a page
seen again) is answered without working it out, but never across askers of different
reach, days, catalogues, or a change of any value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal, Role
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.support.accounts import Account

RECEIVED = "CNTT_HO_SO_TIEP_NHAN"
WARD = "02647"  # Phường Lào Cai from 2025-07-01: six old wards merged (Kim Tân among them)
SYSTEM = Principal.system("tests")
QUESTION = AnalyticsRequest(indicators=[RECEIVED], units=[WARD], periods=["2024", "2025-09"],
                            hierarchy="mapped", as_of=date(2026, 1, 1), today=date(2026, 1, 1))


def _put(session: Session, *rows: tuple[str, str, float]) -> None:
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=RECEIVED, unit=u, period=p, value=v) for u, p, v in rows])


def test_an_answer_is_kept_per_reach_until_a_value_changes(
        session: Session, make_account: Callable[..., Account]) -> None:
    _put(session, ("02647", "2024-03", 40), ("02644", "2024-03", 60), (WARD, "2025-09", 70))
    warehouse = Warehouse()
    whole = run_analytics(session=session, warehouse=warehouse, principal=SYSTEM,
                          request=QUESTION)
    assert run_analytics(session=session, warehouse=warehouse, principal=SYSTEM,
                         request=QUESTION) is whole
    assert whole.values() == {(RECEIVED, WARD, "2024"): 100, (RECEIVED, WARD, "2025-09"): 70}
    # The ward's own account may not see its predecessors' 2024: never the kept answer.
    ward = make_account(Role.OFFICER, units=[WARD], units_as_of="2025-07-01").principal
    own = run_analytics(session=session, warehouse=warehouse, principal=ward, request=QUESTION)
    assert own.values() == {(RECEIVED, WARD, "2025-09"): 70}
    # Another day is another question.
    later = QUESTION.model_copy(update={"today": date(2026, 2, 1)})
    assert run_analytics(session=session, warehouse=warehouse, principal=SYSTEM,
                         request=later) is not whole
    _put(session, (WARD, "2025-09", 75))
    moved = run_analytics(session=session, warehouse=warehouse, principal=SYSTEM,
                          request=QUESTION)
    assert moved.values()[(RECEIVED, WARD, "2025-09")] == 75
    warehouse.forget_answers()
    assert run_analytics(session=session, warehouse=warehouse, principal=SYSTEM,
                         request=QUESTION) is not moved
