"""The odds beside the targets a page shows: which targets are at risk, in what order,
and how many are on track, at risk and off track by their odds."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fansipan.domain.targets import TargetStatus, summarize_statuses
from fansipan.forecasting import Outlook, outlook_for
from fansipan.services.foresight.odds import OddsPublic
from fansipan.services.foresight.panels import TargetKey, outlook_of
from fansipan.services.insight.evaluation import EvaluationReport, TargetEvaluation

YEAR = 2026


def target(code: str, status: TargetStatus, *, sector: str = "it_dx", share: float = 90.0,
           period: str = str(YEAR)) -> TargetEvaluation:
    return TargetEvaluation(
        indicator=code, indicator_name=f"Chỉ tiêu {code}", sector=sector, unit="15",
        unit_name="Tỉnh Lào Cai", period=period, planned=100.0, actual=share,
        status=status, status_label=status.label("vi"), document="", plan_percent=share)


def odds(item: TargetEvaluation, probability: float,
         outlook: Outlook | None = None) -> tuple[TargetKey, OddsPublic]:
    outlook = outlook or outlook_for(probability)
    return (item.indicator, item.unit, item.period), OddsPublic(
        target_id=1, indicator=item.indicator, indicator_name=item.indicator_name,
        unit=item.unit, unit_name=item.unit_name, period=item.period, planned=item.planned,
        probability=probability, outlook=outlook, outlook_label=outlook.label("vi"),
        expected=None, lower_80=None, upper_80=None, known_periods=11, simulated_periods=1,
        model="ETS", reason=None, computed_at=datetime(YEAR, 12, 1, tzinfo=UTC), change=1)


def report(items: list[TargetEvaluation]) -> EvaluationReport:
    return EvaluationReport(year=YEAR, as_of=date(YEAR, 12, 1),
                            summary=summarize_statuses(i.status for i in items), sentence="",
                            by_sector=[], by_unit=[], items=items)


def test_the_targets_at_risk_are_those_the_odds_or_the_pace_flag_lowest_odds_first() -> None:
    behind_sure = target("A", TargetStatus.AT_RISK, share=70)  # behind pace, odds 95 %
    on_pace_doomed = target("B", TargetStatus.ON_TRACK, share=99)  # on pace, odds 20 %
    behind_unknown = target("C", TargetStatus.AT_RISK, share=40)  # behind pace, no odds yet
    shaky = target("D", TargetStatus.ON_TRACK, sector="telecom")  # odds 60 %
    safe = target("E", TargetStatus.ON_TRACK, sector="telecom")  # odds 90 %: not listed
    stored = dict([odds(behind_sure, 0.95), odds(on_pace_doomed, 0.2), odds(shaky, 0.6),
                   odds(safe, 0.9)])
    found = outlook_of(report([behind_sure, on_pace_doomed, behind_unknown, shaky, safe]),
                       stored)
    assert [line.target.indicator for line in found.at_risk] == ["B", "D", "C", "A"]
    assert [line.flagged for line in found.at_risk] == [True, True, False, False]
    assert found.at_risk[0].odds is not None
    assert found.at_risk[0].odds.outlook is Outlook.OFF_TRACK
    assert found.counts == {"on_track": 2, "at_risk": 1, "off_track": 1}
    assert found.by_sector == {"it_dx": {"on_track": 1, "at_risk": 0, "off_track": 1},
                               "telecom": {"on_track": 1, "at_risk": 1, "off_track": 0}}
    few = outlook_of(report([behind_sure, on_pace_doomed, behind_unknown, shaky]), stored,
                     limit=2)
    assert len(few.at_risk) == 2 and few.more_at_risk == 2


def test_a_judged_target_keeps_no_odds_and_nothing_is_counted_without_odds() -> None:
    # Odds computed in the year's last days stay stored once the year is judged: a
    # target met or missed shows its verdict, never those odds.
    met = target("A", TargetStatus.MET, share=101)
    missed = target("B", TargetStatus.MISSED, share=80)
    found = outlook_of(report([met, missed]), dict([odds(met, 0.3), odds(missed, 0.9)]))
    assert found.odds == {} and found.counts == {} and found.at_risk == []
    pending = outlook_of(report([target("C", TargetStatus.AT_RISK, share=50)]), {})
    assert pending.counts == {} and [line.odds for line in pending.at_risk] == [None]


def test_odds_of_a_year_whose_months_are_all_in_count_by_what_they_say() -> None:
    # Every month of the year entered (December's as an estimate) before it ends: nothing
    # is left to simulate, so the odds are 1 (met by the figures) or 0 (missed by them).
    done = target("A", TargetStatus.AT_RISK, share=99)
    short = target("B", TargetStatus.ON_TRACK, share=97)
    found = outlook_of(report([done, short]), dict([odds(done, 1.0, Outlook.MET),
                                                    odds(short, 0.0, Outlook.MISSED)]))
    assert found.counts == {"on_track": 1, "at_risk": 0, "off_track": 1}
    assert [(line.target.indicator, line.flagged) for line in found.at_risk] == [
        ("B", True), ("A", False)]
