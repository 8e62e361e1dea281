"""The rules' watchers: what each kind of rule finds in freshly computed figures.

Each watcher takes what the refresher has just computed (series, odds, flags, reports,
tasks), keeps what a rule covers, and hands the alerts service its findings and the
subjects it examined (an examined subject without a finding clears its alert).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.alerts import AT_RISK_OUTLOOKS, AlertStatus, Operator, RuleKind, Severity
from fansipan.domain.numbers import format_number
from fansipan.domain.periods import parse_period
from fansipan.domain.regimes import SubmissionStatus
from fansipan.domain.reporting import ExpectedReport
from fansipan.forecasting import Series
from fansipan.services.catalog import Catalog
from fansipan.services.foresight.alerts import (
    Finding,
    Raised,
    active_rules,
    record_findings,
    rule_covers,
)
from fansipan.services.foresight.series import SeriesKey
from fansipan.services.foresight.tasks_source import OverdueTask
from fansipan.store.foresight_tables import AlertRow, AlertRuleRow, QualityFlagRow, TargetOddsRow

_OUTLOOK_WORDS = {"at_risk": ("có nguy cơ không đạt", "at risk"),
                  "off_track": ("khó đạt", "off track")}


def _num(value: float | None, decimals: int, lang: str) -> str:
    return "—" if value is None else format_number(value, decimals, lang)


def _merge(into: Raised, more: Raised) -> None:
    into.deliver.extend(more.deliver)
    into.cleared += more.cleared
    into.seen_again += more.seen_again


def watch_thresholds(session: Session, catalog: Catalog, series: Mapping[SeriesKey, Series],
                     change: int) -> Raised:
    """A series' latest value past a rule's limit; periods with an open alert are checked
    again, so a corrected value clears its alert."""
    out = Raised(deliver=[])
    for rule in active_rules(session, [RuleKind.THRESHOLD]):
        if rule.operator is None or rule.threshold is None:
            continue
        op, limit = Operator(rule.operator), rule.threshold
        for key, s in series.items():
            ind_id = catalog.indicator_ids[key.indicator]
            if not rule_covers(catalog, rule, ind_id, key.unit_id) or not s.observations:
                continue
            prefix = f"{key.indicator}@{key.unit_id}@"
            examined = {prefix + s.observations[-1].period.id} | _open_subjects(
                session, rule, prefix)
            findings = []
            for subject in examined:
                period = parse_period(subject.rsplit("@", 1)[1])
                value = s.value_at(period)
                if value is not None and op.holds(value, limit):
                    findings.append(_threshold_finding(catalog, rule, key, period.id, value))
            _merge(out, record_findings(session, rule, findings, examined, change=change))
    return out


def _open_subjects(session: Session, rule: AlertRuleRow, prefix: str) -> set[str]:
    return set(session.scalars(select(AlertRow.subject).where(
        AlertRow.rule_id == rule.id, AlertRow.status != AlertStatus.RESOLVED.value,
        AlertRow.subject.startswith(prefix, autoescape=True))))


def _threshold_finding(catalog: Catalog, rule: AlertRuleRow, key: SeriesKey, period: str,
                       value: float) -> Finding:
    ind = catalog.indicators[key.indicator]
    unit = catalog.hierarchy.unit(key.unit_id)
    op = Operator(rule.operator or ">")
    limit = rule.threshold or 0.0
    d = ind.decimals
    return Finding(
        subject=f"{key.indicator}@{key.unit_id}@{period}",
        title_vi=f"{ind.name_vi} của {unit.name} kỳ {period}: {_num(value, d, 'vi')} "
                 f"{ind.unit_vi}, {op.words('vi')} ngưỡng {_num(limit, d, 'vi')}",
        title_en=f"{ind.name_en}, {unit.name}, {period}: {_num(value, d, 'en')} "
                 f"{ind.unit_en}, {op.words('en')} the threshold of {_num(limit, d, 'en')}",
        indicator_id=catalog.indicator_ids[key.indicator], unit_id=key.unit_id, period=period,
        value=value)


def watch_targets(session: Session, catalog: Catalog, odds: Sequence[TargetOddsRow],
                  change: int) -> Raised:
    """Targets whose odds put them at risk or off track. A target off track under a rule
    that also fires at risk is one step more severe (a warning becomes critical)."""
    out = Raised(deliver=[])
    for rule in active_rules(session, [RuleKind.TARGET_AT_RISK]):
        fires_on = AT_RISK_OUTLOOKS[rule.outlook or "at_risk"]
        findings, examined = [], []
        for o in odds:
            if not rule_covers(catalog, rule, o.indicator_id, o.unit_id):
                continue
            subject = f"target:{o.target_id}"
            examined.append(subject)
            if o.outlook not in fires_on:
                continue
            severity = Severity(rule.severity)
            if o.outlook == "off_track" and "at_risk" in fires_on:
                severity = Severity.CRITICAL if severity is not Severity.INFO else (
                    Severity.WARNING)
            findings.append(_target_finding(catalog, o, subject, severity))
        _merge(out, record_findings(session, rule, findings, examined, change=change))
    return out


def _target_finding(catalog: Catalog, o: TargetOddsRow, subject: str,
                    severity: Severity) -> Finding:
    code = catalog.indicator_codes[o.indicator_id]
    ind = catalog.indicators[code]
    unit = catalog.hierarchy.unit(o.unit_id)
    vi, en = _OUTLOOK_WORDS[o.outlook]
    p = o.probability or 0.0
    d = ind.decimals
    return Finding(
        subject=subject,
        title_vi=f"Chỉ tiêu {ind.name_vi} ({unit.name}, {o.period}) {vi}: khả năng đạt "
                 f"{format_number(100 * p, 0, 'vi')} %",
        title_en=f"Target {ind.name_en} ({unit.name}, {o.period}) is {en}: "
                 f"{format_number(100 * p, 0, 'en')} % chance of meeting it",
        detail_vi=f"Kế hoạch {_num(o.planned, d, 'vi')}; dự kiến {_num(o.expected, d, 'vi')} "
                  f"(80 %: {_num(o.lower_80, d, 'vi')}–{_num(o.upper_80, d, 'vi')}).",
        detail_en=f"Planned {_num(o.planned, d, 'en')}; expected {_num(o.expected, d, 'en')} "
                  f"(80 %: {_num(o.lower_80, d, 'en')}–{_num(o.upper_80, d, 'en')}).",
        indicator_id=o.indicator_id, unit_id=o.unit_id, period=o.period, value=o.probability,
        severity=severity)


def watch_outliers(session: Session, catalog: Catalog, opened: Iterable[QualityFlagRow],
                   closed: Iterable[QualityFlagRow], change: int) -> Raised:
    """A flag opened raises an alert; a flag confirmed or corrected clears it."""
    out = Raised(deliver=[])
    opened, closed = list(opened), list(closed)
    for rule in active_rules(session, [RuleKind.OUTLIER]):
        findings = [_outlier_finding(catalog, f) for f in opened
                    if rule_covers(catalog, rule, f.indicator_id, f.unit_id)]
        examined = [f"flag:{f.id}" for f in closed
                    if rule_covers(catalog, rule, f.indicator_id, f.unit_id)]
        _merge(out, record_findings(session, rule, findings,
                                    examined + [f.subject for f in findings], change=change))
    return out


def _outlier_finding(catalog: Catalog, f: QualityFlagRow) -> Finding:
    code = catalog.indicator_codes[f.indicator_id]
    ind = catalog.indicators[code]
    unit = catalog.hierarchy.unit(f.unit_id)
    d = ind.decimals
    return Finding(
        subject=f"flag:{f.id}",
        title_vi=f"Số liệu bất thường: {ind.name_vi}, {unit.name}, kỳ {f.period}: "
                 f"{_num(f.value, d, 'vi')} {ind.unit_vi}",
        title_en=f"Unusual value: {ind.name_en}, {unit.name}, {f.period}: "
                 f"{_num(f.value, d, 'en')} {ind.unit_en}",
        detail_vi=f.reason_vi, detail_en=f.reason_en, indicator_id=f.indicator_id,
        unit_id=f.unit_id, period=f.period, value=f.value)


def watch_reports(session: Session, catalog: Catalog, reports: Sequence[ExpectedReport],
                  today: date, change: int) -> Raised:
    """A report overdue and not received raises an alert; its arrival clears it."""
    out = Raised(deliver=[])
    rules = active_rules(session, [RuleKind.LATE_REPORT])
    if not rules:
        return out
    for rule in rules:
        findings, examined = [], []
        for r in reports:
            ind_id = catalog.indicator_ids[r.indicator]
            if not rule_covers(catalog, rule, ind_id, r.unit_id):
                continue
            subject = f"report:{r.indicator}@{r.unit_id}@{r.period.id}"
            examined.append(subject)
            if r.status(today) is SubmissionStatus.OVERDUE:
                findings.append(_report_finding(catalog, r, subject, today))
        _merge(out, record_findings(session, rule, findings, examined, change=change))
    return out


def _report_finding(catalog: Catalog, r: ExpectedReport, subject: str, today: date) -> Finding:
    ind = catalog.indicators[r.indicator]
    unit = catalog.hierarchy.unit(r.unit_id)
    due = f"{r.due.day:02d}/{r.due.month:02d}/{r.due.year}"
    late = (today - r.due).days
    return Finding(
        subject=subject,
        title_vi=f"{unit.name} chưa gửi {ind.name_vi} kỳ {r.period.id}, hạn {due}",
        title_en=f"{unit.name} has not sent {ind.name_en} for {r.period.id}, due {due}",
        detail_vi=f"Quá hạn {late} ngày.", detail_en=f"{late} days overdue.",
        indicator_id=catalog.indicator_ids[r.indicator], unit_id=r.unit_id,
        period=r.period.id, value=float(late))


def watch_tasks(session: Session, catalog: Catalog, tasks: Sequence[OverdueTask],
                change: int) -> Raised:
    """Key tasks past their deadline; a task no longer listed as overdue clears its alert."""
    out = Raised(deliver=[])
    for rule in active_rules(session, [RuleKind.OVERDUE_TASK]):
        findings = []
        for t in tasks:
            if not rule_covers(catalog, rule, None, t.unit_id):
                continue
            unit = catalog.hierarchy.unit(t.unit_id)
            due = f"{t.deadline.day:02d}/{t.deadline.month:02d}/{t.deadline.year}"
            findings.append(Finding(
                subject=f"task:{t.id}",
                title_vi=f"Nhiệm vụ quá hạn: {t.title} ({unit.name}), hạn {due}",
                title_en=f"Overdue task: {t.title} ({unit.name}), due {due}",
                detail_vi=f"Quá hạn {t.working_days_late} ngày làm việc.",
                detail_en=f"{t.working_days_late} working days overdue.",
                unit_id=t.unit_id, value=float(t.working_days_late)))
        examined = [f.subject for f in findings] + sorted(_open_subjects(session, rule,
                                                                          "task:"))
        _merge(out, record_findings(session, rule, findings, examined, change=change))
    return out
