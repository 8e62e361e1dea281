"""A report of results as a Decree 30 document (Mẫu 1.4): "BÁO CÁO Kết quả thực hiện chỉ
tiêu, nhiệm vụ năm 2021", from what `content` gathered.

I. Targets: the summary ("10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt
kế hoạch"), the table of plan, result, per cent of plan, status and whether each figure
is official or an estimate; for part of a year, the odds of meeting the year's plan
where they were worked out by the report's date, in a column and a sentence ("Theo dự
báo ngày 04/12/2026, 5/8 chỉ tiêu có khả năng đạt kế hoạch năm từ 80% trở lên; …");
the multi-year goals. II. Key tasks: the completion rate over
tasks fallen due, the tasks and, when several units lead them, the rate of each.
III. Next year's targets and tasks (a year report), or the tasks still open (part of a
year). Then "Nơi nhận" and the signature block of the issuer.
"""

from __future__ import annotations

from datetime import date

from fansipan.domain.documents import Authority
from fansipan.domain.numbers import format_number
from fansipan.domain.targets import TargetStatus
from fansipan.forecasting import AT_RISK_ODDS, ON_TRACK_ODDS, Outlook
from fansipan.reports.model import (
    Block,
    Column,
    Heading,
    Number,
    Paragraph,
    Report,
    Signature,
    Table,
)
from fansipan.services.direction.reports.content import ReportContent
from fansipan.services.direction.shapes import TaskPublic

DECREE_09 = ("Nghị định số 09/2019/NĐ-CP ngày 24/01/2019 của Chính phủ quy định về chế độ "
             "báo cáo của cơ quan hành chính nhà nước")
_LEVELS = ("Tỉnh ", "Thành phố ", "Huyện ", "Thị xã ", "Xã ", "Phường ", "Thị trấn ")


def pct(value: float | None) -> str:
    """98,6% — a whole number without decimals: 100%."""
    if value is None:
        return "-"
    if abs(value - round(value)) < 0.05:
        return f"{round(value)}%"
    return format_number(value, 1, "vi") + "%"


def in_text(name: str) -> str:
    """A unit's name inside a sentence: "huyện Bát Xát", but "Sở Y tế" as it is."""
    return name[0].lower() + name[1:] if name.startswith(_LEVELS) else name


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def subject(c: ReportContent) -> str:
    text = f"Kết quả thực hiện chỉ tiêu, nhiệm vụ {c.period.label('vi')}"
    return text if c.top else f"{text} của {in_text(c.unit.name)}"


def summary_sentence(c: ReportContent) -> str:
    """"Năm 2021, 10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch."
    ("Ước thực hiện cả năm 2026, …" when a figure is an estimate; "9 tháng đầu năm 2021,
    7/10 chỉ tiêu đúng tiến độ kế hoạch năm; …" for part of a year.)"""
    s = c.summary
    if s.total == 0:
        return f"Chưa giao chỉ tiêu kế hoạch năm {c.period.year} cho {in_text(c.unit.name)}."
    T = TargetStatus  # noqa: N806 - a short name for the enum in the lists below
    extra: list[tuple[str, tuple[TargetStatus, ...]]]
    if c.period.is_year:
        head = (f"Ước thực hiện cả năm {c.period.year}" if c.estimates
                else f"Năm {c.period.year}")
        text = f"{head}, {s.met_or_better}/{s.total} chỉ tiêu đạt"
        text += (f" và vượt kế hoạch, trong đó {s.exceeded} chỉ tiêu vượt kế hoạch"
                 if s.exceeded else " kế hoạch")
        extra = [("không đạt kế hoạch", (T.MISSED,)), ("chưa có số liệu", (T.NO_DATA,))]
    else:
        on_track = sum(1 for line in c.lines if line.status in (T.ON_TRACK, T.MET, T.EXCEEDED))
        text = (f"{c.period.figures_label('vi')}, {on_track}/{s.total} chỉ tiêu đúng tiến độ "
                "kế hoạch năm")
        extra = [("có nguy cơ không đạt kế hoạch năm", (T.AT_RISK, T.MISSED)),
                 ("chưa có số liệu", (T.NO_DATA,))]
    for what, statuses in extra:
        names = [line.name for line in c.lines if line.status in statuses]
        if names:
            text += f"; {len(names)} chỉ tiêu {what} ({'; '.join(names)})"
    return text + "."


def odds_sentence(c: ReportContent) -> str | None:
    """"Theo dự báo ngày 04/12/2026, 5/8 chỉ tiêu có khả năng đạt kế hoạch năm từ 80% trở
    lên; 2 chỉ tiêu có nguy cơ không đạt, khả năng đạt từ 50% đến dưới 80% (…); 1 chỉ tiêu
    khó đạt, khả năng đạt dưới 50% (…)." None when the report quotes no odds."""
    quoted = [line for line in c.lines if line.odds is not None]
    if not quoted or c.odds_on is None:
        return None
    on, risk = pct(100 * ON_TRACK_ODDS), pct(100 * AT_RISK_ODDS)
    likely = sum(1 for line in quoted if line.outlook is Outlook.ON_TRACK)
    text = (f"Theo dự báo ngày {_dmy(c.odds_on)}, {likely}/{len(quoted)} chỉ tiêu có khả "
            f"năng đạt kế hoạch năm từ {on} trở lên")
    for outlook, what in ((Outlook.AT_RISK, f"có nguy cơ không đạt, khả năng đạt từ {risk} "
                                            f"đến dưới {on}"),
                          (Outlook.OFF_TRACK, f"khó đạt, khả năng đạt dưới {risk}")):
        named = sorted((line for line in quoted if line.outlook is outlook),
                       key=lambda line: line.odds or 0.0)
        if named:
            text += (f"; {len(named)} chỉ tiêu {what} ("
                     + "; ".join(f"{line.name} {_odds(line.odds)}" for line in named) + ")")
    if len(quoted) < len(c.lines):
        text += f"; {len(c.lines) - len(quoted)} chỉ tiêu chưa tính được khả năng đạt"
    return text + "."


def _odds(odds: float | None) -> str:
    return "-" if odds is None else pct(round(100 * odds))


def task_sentence(c: ReportContent) -> str:
    r = c.rate
    who = f" của {in_text(c.unit.name)}" if not c.top else ""
    if r.total == 0:
        return f"Chưa có nhiệm vụ trọng tâm nào được giao trong năm {c.period.year}{who}."
    text = (f"Năm {c.period.year}, có {r.total} nhiệm vụ trọng tâm được giao{who} "
            f"(tính đến ngày {_dmy(c.as_of)}). ")
    if r.due == 0:
        return text + f"Chưa có nhiệm vụ nào đến hạn; {r.open_in_time} nhiệm vụ đang trong hạn."
    text += (f"Đã hoàn thành {r.done}/{r.due} nhiệm vụ đến hạn, đạt {pct(r.rate)}, trong đó "
             f"{r.done_on_time} nhiệm vụ hoàn thành đúng hạn, {r.done_late} nhiệm vụ hoàn "
             "thành quá hạn")
    if r.open_overdue:
        text += f"; {r.open_overdue} nhiệm vụ quá hạn chưa hoàn thành"
    if r.open_in_time:
        text += f"; {r.open_in_time} nhiệm vụ đang trong hạn"
    if r.cancelled:
        text += f"; {r.cancelled} nhiệm vụ đã hủy (không tính)"
    return text + "."


def indicator_table(c: ReportContent) -> Table:
    year = c.period.year
    result = ("Ước TH " if c.estimates else "Thực hiện ") + (
        f"năm {year}" if c.period.is_year else c.period.figures_label("vi").lower())
    with_odds = any(line.odds is not None for line in c.lines)
    rows = []
    for n, line in enumerate(c.lines, start=1):
        odds: tuple[str | Number, ...] = ()
        if with_odds:
            odds = ("-" if line.odds is None else Number(round(100 * line.odds)),)
        rows.append((
            str(n), line.name, line.measure, Number(line.planned, line.decimals),
            None if line.actual is None else Number(line.actual, line.decimals),
            None if line.share is None else Number(round(line.share, 1), 1),
            line.status_label, *odds, "Ước TH" if line.estimate else "Chính thức",
        ))
    return Table(
        columns=(Column("STT", width=0.7, align="center"),
                 Column("Chỉ tiêu", width=2.5 if with_odds else 3.6),
                 Column("Đơn vị tính", width=1.1, align="center"),
                 Column(f"Kế hoạch năm {year}", numeric=True, width=1.2),
                 Column(result, numeric=True, width=1.25),
                 Column("Đạt % kế hoạch", numeric=True, width=1.0),
                 Column("Đánh giá", width=1.3, align="center"),
                 *((Column("Khả năng đạt KH năm (%)", numeric=True, width=1.1),)
                   if with_odds else ()),
                 Column("Số liệu", width=1.05, align="center")),
        rows=tuple(rows),
        caption=f"Bảng 1. Kết quả thực hiện các chỉ tiêu {c.period.label('vi')}",
        notes=_table_notes(c))


def _table_notes(c: ReportContent) -> str:
    notes = []
    if c.estimates:
        notes.append(f"“Ước TH”: số ước thực hiện{' cả năm' if c.period.is_year else ''}, "
                     "sẽ được thay bằng số chính thức khi có")
    if not c.period.is_year:
        notes.append("đánh giá theo tiến độ kế hoạch năm")
    if c.odds_on is not None and any(line.odds is not None for line in c.lines):
        notes.append("“Khả năng đạt KH năm”: tỷ lệ trong 1.000 kịch bản mô phỏng theo "
                     "mô hình dự báo (số liệu đã có cộng phần còn lại của năm) mà chỉ tiêu "
                     f"đạt kế hoạch năm, tính ngày {_dmy(c.odds_on)}")
    if c.illustrative:
        notes.append("số liệu minh họa, không phải số liệu chính thức")
    return ("Ghi chú: " + "; ".join(notes) + ".") if notes else ""


def horizon_table(c: ReportContent, number: int) -> Table:
    rows = []
    for n, h in enumerate(c.horizons, start=1):
        ind_decimals = 1 if h.planned != round(h.planned) else 0
        rows.append((str(n), h.indicator_name, h.horizon_label.replace("Giai đoạn ", ""),
                     Number(h.planned, ind_decimals),
                     None if h.actual is None else Number(h.actual, ind_decimals),
                     None if h.plan_percent is None else Number(round(h.plan_percent, 1), 1),
                     h.status_label, h.document))
    return Table(
        columns=(Column("STT", width=0.7, align="center"), Column("Mục tiêu", width=3.0),
                 Column("Giai đoạn", width=1.2, align="center"),
                 Column("Mục tiêu cuối kỳ", numeric=True, width=1.2),
                 Column(f"Thực hiện năm {c.period.year}", numeric=True, width=1.2),
                 Column("Đạt % mục tiêu", numeric=True, width=1.0),
                 Column("Đánh giá", width=1.3, align="center"),
                 Column("Văn bản", width=1.6)),
        rows=tuple(rows), caption=f"Bảng {number}. Thực hiện các mục tiêu giai đoạn")


def _result(t: TaskPublic) -> str:
    if t.completed_on is not None:
        how = " (chỉ tiêu đạt)" if t.completed_by_target else ""
        return f"Hoàn thành ngày {_dmy(t.completed_on)}{how}"
    if t.cancelled_on is not None:
        return f"Hủy ngày {_dmy(t.cancelled_on)}: {t.cancel_reason}"
    if t.progress > 0:
        return f"Tiến độ {format_number(t.progress, 0, 'vi')}%"
    return "Chưa thực hiện"


def task_table(tasks: list[TaskPublic], number: int, caption: str) -> Table:
    rows = []
    for n, t in enumerate(tasks, start=1):
        deadline = _dmy(t.deadline) + (f" (gia hạn {t.extensions} lần)" if t.extensions else "")
        rows.append((str(n), t.title, t.lead_unit.name, deadline, _result(t), t.status_label))
    return Table(
        columns=(Column("STT", width=0.7, align="center"), Column("Nhiệm vụ", width=3.7),
                 Column("Đơn vị chủ trì", width=1.8), Column("Thời hạn", width=1.55,
                                                               align="center"),
                 Column("Kết quả", width=1.75), Column("Tình trạng", width=1.5)),
        rows=tuple(rows), caption=f"Bảng {number}. {caption}")


def unit_table(c: ReportContent, number: int) -> Table:
    rows = tuple((str(n), g.name, str(g.total), str(g.due), str(g.done_on_time),
                  str(g.done_late), str(g.open_overdue), pct(g.rate))
                 for n, g in enumerate(c.by_unit, start=1))
    return Table(
        columns=(Column("STT", width=0.7, align="center"), Column("Đơn vị chủ trì", width=3.0),
                 *(Column(t, width=1.0, align="right") for t in (
                     "Được giao", "Đến hạn", "Đúng hạn", "Quá hạn", "Quá hạn chưa xong")),
                 Column("Tỷ lệ hoàn thành", width=1.2, align="right")),
        rows=rows, caption=f"Bảng {number}. Tỷ lệ hoàn thành nhiệm vụ theo đơn vị chủ trì",
        notes="Tỷ lệ hoàn thành = số nhiệm vụ đã hoàn thành / số nhiệm vụ đã đến hạn.")


def plan_table(c: ReportContent, number: int) -> Table:
    year = c.period.year + 1
    rows = tuple((str(n), p.name, p.measure, Number(p.planned, p.decimals), p.document)
                 for n, p in enumerate(c.next_lines, start=1))
    return Table(
        columns=(Column("STT", width=0.7, align="center"), Column("Chỉ tiêu", width=4.2),
                 Column("Đơn vị tính", width=1.2, align="center"),
                 Column(f"Kế hoạch năm {year}", numeric=True, width=1.4),
                 Column("Văn bản giao", width=2.6)),
        rows=rows, caption=f"Bảng {number}. Chỉ tiêu kế hoạch năm {year}")


def compose(c: ReportContent) -> Report:
    """The document, ready for the DOCX, XLSX and PDF writers."""
    label = c.period.label("vi")
    window = c.period.window
    where = "theo quy định của tỉnh" if c.period.kind == "9m" else "theo Điều 12 " + \
        "Nghị định số 09/2019/NĐ-CP"
    blocks: list[Block] = [
        Paragraph(f"Thực hiện {DECREE_09}, {c.issuer.name} báo cáo kết quả thực hiện chỉ tiêu, "
                  f"nhiệm vụ {label}{'' if c.top else ' của ' + in_text(c.unit.name)} như sau:"),
        Paragraph(f"Thời gian chốt số liệu: từ ngày {_dmy(window.start)} đến ngày "
                  f"{_dmy(window.end)} ({where}).", italic=True),
    ]
    if c.illustrative:
        blocks.append(Paragraph("Số liệu trong báo cáo là số liệu minh họa, không phải số liệu "
                                "chính thức.", italic=True))
    blocks += [Heading("Kết quả thực hiện các chỉ tiêu", 1), Paragraph(summary_sentence(c))]
    odds = odds_sentence(c)
    if odds is not None:
        blocks.append(Paragraph(odds))
    tables = 0
    if c.lines:
        tables += 1
        blocks.append(indicator_table(c))
    if c.horizons:
        tables += 1
        blocks += [Heading("Các mục tiêu giai đoạn", 2),
                   Paragraph("Kết quả năm so với mục tiêu các nghị quyết, kế hoạch nhiều năm:"),
                   horizon_table(c, tables)]
    blocks += [Heading("Kết quả thực hiện nhiệm vụ trọng tâm", 1), Paragraph(task_sentence(c))]
    if c.tasks:
        tables += 1
        blocks.append(task_table(c.tasks, tables, f"Kết quả thực hiện nhiệm vụ trọng tâm "
                                                  f"năm {c.period.year}"))
    if len(c.by_unit) > 1:
        tables += 1
        blocks.append(unit_table(c, tables))
    blocks += _outlook(c, tables)
    blocks.append(Paragraph(f"Trên đây là báo cáo kết quả thực hiện chỉ tiêu, nhiệm vụ {label}"
                            f" của {c.issuer.name}."))
    issuer = c.issuer
    chain = tuple((Authority(p), whom) for p, whom in issuer.authority)
    return Report(
        issuing_body=issuer.name, parent_body=issuer.parent_body, symbol=issuer.symbol,
        place=issuer.place, issued_on=c.issued_on, number=c.number, subject=subject(c),
        blocks=tuple(blocks), signature=Signature(name=issuer.signer_name,
                                                  title=issuer.signer_title or None,
                                                  chain=chain),
        recipients=tuple(issuer.recipients), archive=issuer.archive,
        title=f"Báo cáo {subject(c)}")


def _outlook(c: ReportContent, tables: int) -> list[Block]:
    year = c.period.year
    if c.period.is_year:
        out: list[Block] = [Heading(f"Phương hướng, nhiệm vụ năm {year + 1}", 1),
                            Heading(f"Chỉ tiêu kế hoạch năm {year + 1}", 2)]
        if c.next_lines:
            tables += 1
            out.append(plan_table(c, tables))
        else:
            out.append(Paragraph(f"Chỉ tiêu kế hoạch năm {year + 1} chưa được giao."))
        out.append(Heading(f"Nhiệm vụ trọng tâm năm {year + 1}", 2))
        if c.next_tasks:
            tables += 1
            out.append(Paragraph(f"Có {len(c.next_tasks)} nhiệm vụ trọng tâm năm {year + 1} "
                                 f"được giao; tình trạng tính đến ngày {_dmy(c.issued_on)}:"))
            out.append(task_table(c.next_tasks, tables, f"Nhiệm vụ trọng tâm năm {year + 1}"))
        else:
            out.append(Paragraph(f"Chưa có nhiệm vụ trọng tâm năm {year + 1} được giao."))
        return out
    still = [t for t in c.tasks if not t.status.is_done and t.cancelled_on is None]
    out = [Heading("Nhiệm vụ trọng tâm thời gian tới", 1)]
    if still:
        tables += 1
        out.append(Paragraph(f"Tiếp tục thực hiện {len(still)} nhiệm vụ trọng tâm năm {year} "
                             "chưa hoàn thành, tập trung các nhiệm vụ quá hạn:"))
        out.append(task_table(still, tables, "Nhiệm vụ chưa hoàn thành"))
    else:
        out.append(Paragraph(f"Các nhiệm vụ trọng tâm năm {year} đến nay đã hoàn thành."))
    return out
