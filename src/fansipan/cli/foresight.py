"""`fansipan forecast` and `fansipan alerts`: forecasts and alerts at the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    cli_principal,
    friendly,
    open_session,
    out,
    settings_from,
)

app = typer.Typer(help="Alerts (cảnh báo): list them, refresh them.", no_args_is_help=True)

Lang = Annotated[str, typer.Option(help="vi or en.")]


@friendly
def forecast(
    code: Annotated[str, typer.Argument(help="The indicator code, e.g. VT_TRAM_5G.")],
    unit: Annotated[str, typer.Option(help="A unit code or uid, as in force today.")],
    horizon: Annotated[int | None, typer.Option(
        help="Periods ahead (default: 12 months, 4 quarters or 3 years).")] = None,
    data_dir: DataDir = None,
    lang: Lang = "vi",
) -> None:
    """Forecast an indicator for a unit: the values ahead, their 80 % and 95 % intervals,
    and the model chosen by backtest."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.domain.numbers import format_number
    from fansipan.services.foresight.forecasts import get_forecast

    lang = "en" if lang == "en" else "vi"
    with open_session(settings_from(data_dir)) as session:
        f = get_forecast(session=session, warehouse=Warehouse(), principal=cli_principal(),
                         indicator=code, unit=unit, horizon=horizon, lang=lang)
    d = 2

    def num(v: float | None) -> str:
        return "—" if v is None else format_number(v, d, lang)

    vi = lang == "vi"
    table = Table("kỳ" if vi else "period", "dự báo" if vi else "forecast",
                  "80 %", "95 %", title=f"{f.indicator} — {f.unit_name} ({f.unit})")
    for p in f.points:
        table.add_row(p.period, num(p.value), f"{num(p.lower_80)} – {num(p.upper_80)}",
                      f"{num(p.lower_95)} – {num(p.upper_95)}")
    out.print(table)
    model = f"{f.model_label} ({f.model})" if f.model else f.model_label
    out.print(f"{'Mô hình' if vi else 'Model'}: {model}", highlight=False)
    if f.backtest_mase is not None:
        out.print(f"MASE (backtest): {num(f.backtest_mase)}; "
                  f"{'cùng kỳ năm trước' if vi else 'same period last year'}: "
                  f"{num(f.seasonal_naive_mase)}", highlight=False)
    for c in f.coverage:
        if c.empirical is not None:
            out.print(f"{c.level} %: {'độ phủ' if vi else 'coverage'} "
                      f"{format_number(100 * c.empirical, 0, lang)} % → "
                      f"{format_number(100 * (c.calibrated or 0), 0, lang)} % "
                      f"(×{format_number(c.factor, 2, lang)})", highlight=False)
    if f.reason:
        out.print(f.reason, highlight=False)
    out.print(f"{'Số liệu' if vi else 'Values'}: {f.observations} "
              f"({f.first_period} … {f.last_period})", highlight=False)


@app.command("list")
@friendly
def alerts_list(
    open_only: Annotated[bool, typer.Option("--open", help="Open and acknowledged only.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    data_dir: DataDir = None,
    lang: Lang = "vi",
) -> None:
    """List alerts: severity, status, owner and what they are about."""
    from fansipan.services.foresight.alerts import list_alerts

    lang = "en" if lang == "en" else "vi"
    with open_session(settings_from(data_dir)) as session:
        found = list_alerts(session=session, principal=cli_principal(), open_only=open_only,
                            limit=limit, lang=lang)
    vi = lang == "vi"
    table = Table("#", "mức độ" if vi else "severity", "trạng thái" if vi else "status",
                  "phụ trách" if vi else "owner", "cảnh báo" if vi else "alert",
                  "lần" if vi else "seen")
    for a in found:
        table.add_row(str(a.id), a.severity_label, a.status_label, a.owner or "—", a.title,
                      str(a.occurrences))
    out.print(table)
    if not found:
        out.print("Không có cảnh báo." if vi else "No alerts.", highlight=False)


@app.command("refresh")
@friendly
def alerts_refresh(
    data_dir: DataDir = None,
    sweep: Annotated[bool, typer.Option(help="Also run the daily chores now.")] = False,
) -> None:
    """Bring forecasts, odds, flags and alerts up to the newest change, then send what is
    due (what the server's refresher does every few seconds)."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.foresight.refresh import Refresher
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    settings = settings_from(data_dir)
    engine = open_store(settings)
    try:
        refresher = Refresher(make_session_factory(engine), Warehouse(), settings)
        report = refresher.run()
        if sweep:
            refresher.sweep(force=True)
        sent = refresher.send()
    finally:
        engine.dispose()
    out.print(f"{report.changes} thay đổi / changes, {report.forecasts} dự báo / forecasts, "
              f"{report.flags_opened} cờ / flags, {report.alerts_raised} cảnh báo / alerts, "
              f"{sent} tin đã gửi / messages sent", highlight=False)
