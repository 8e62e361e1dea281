"""`fansipan indicators add|edit|retire|delete|history`: the catalogue as the administrator
owns it (registered on the `indicators` group)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    _,
    cli_principal,
    dmy,
    friendly,
    open_session,
    out,
    parse_date,
    settings_from,
)
from fansipan.errors import FieldError, ValidationError, msg

Sets = Annotated[list[str] | None, typer.Option(
    "--set", help="FIELD=VALUE, repeated: name_vi, name_en, unit_vi, unit_en, sector, group, "
    "value_type, kind, agg_units, agg_time, direction, decimals, min_value, max_value, "
    "periodicity, levels (separated by |), formula, source_vi, source_en, description_vi, "
    "description_en.")]
FromFile = Annotated[Path | None, typer.Option(
    "--file", help="A JSON object with the fields (the API's shape).", exists=True,
    dir_okay=False)]


def read_json(file: Path) -> dict[str, Any]:
    """A JSON object from a file, or a one-line refusal."""
    try:
        loaded = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(msg("The file is not JSON: {reason}", reason=str(exc))) from None
    if not isinstance(loaded, dict):
        raise ValidationError(msg("The file must hold one JSON object"))
    return loaded


def _fields(sets: list[str] | None, file: Path | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if file is not None:
        fields.update(read_json(file))
    for item in sets or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError(msg("Bad --set"), [FieldError(
                field="--set", value=item, message=msg("write FIELD=VALUE, such as "
                                                       "decimals=1"))])
        name = name.strip()
        fields[name] = [x for x in value.split("|") if x] if name == "levels" else (
            None if value == "" and name in ("min_value", "max_value") else value)
    return fields


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], fields: dict[str, Any]) -> M:
    """The model, or a ValidationError naming every bad field (never a traceback)."""
    try:
        return model.model_validate(fields)
    except PydanticError as exc:
        raise ValidationError(msg("Some fields are not right"), [
            FieldError(field=".".join(str(p) for p in e["loc"]) or "-",
                       value=str(e.get("input", ""))[:80], message=e["msg"])
            for e in exc.errors()]) from None


def register(app: typer.Typer) -> None:
    """Add the administrator's commands to `fansipan indicators`."""

    @app.command("add")
    @friendly
    def indicators_add(
        code: str, data_dir: DataDir = None, sets: Sets = None, file: FromFile = None,
    ) -> None:
        """Add an indicator (a derived one with --set formula=...)."""
        from fansipan.services.warehouse.indicators import IndicatorCreate, create_indicator

        data = validated(IndicatorCreate, {**_fields(sets, file), "code": code})
        with open_session(settings_from(data_dir)) as session:
            made = create_indicator(session=session, principal=cli_principal(), data=data)
        out.print(_("Indicator {code} added.", code=made.code))

    @app.command("edit")
    @friendly
    def indicators_edit(
        code: str, data_dir: DataDir = None, sets: Sets = None, file: FromFile = None,
        effective_from: Annotated[str | None, typer.Option(
            "--effective-from", help="First day (YYYY-MM-DD) of the new definition; "
            "default today.")] = None,
        note: Annotated[str, typer.Option(help="Why, kept with the version.")] = "",
    ) -> None:
        """Change a definition: a new version, in force from --effective-from."""
        from fansipan.services.warehouse.catalogue_admin import IndicatorEdit, edit_indicator

        fields = _fields(sets, file)
        fields.update(effective_from=parse_date(effective_from, "--effective-from"), note=note)
        with open_session(settings_from(data_dir)) as session:
            edit_indicator(session=session, principal=cli_principal(), code=code,
                           data=validated(IndicatorEdit, fields))
        out.print(_("Indicator {code} changed.", code=code))

    @app.command("retire")
    @friendly
    def indicators_retire(
        code: str, data_dir: DataDir = None,
        on: Annotated[str | None, typer.Option(
            "--from", help="First day (YYYY-MM-DD) it takes no values; default today.")] = None,
        undo: Annotated[bool, typer.Option("--undo", help="Bring it back.")] = False,
        note: Annotated[str, typer.Option(help="Why.")] = "",
    ) -> None:
        """Retire an indicator: its history stays, it takes no more values."""
        from datetime import date

        from fansipan.services.warehouse.catalogue_admin import IndicatorRetire, retire_indicator

        day = None if undo else (parse_date(on, "--from") or date.today())
        with open_session(settings_from(data_dir)) as session:
            retire_indicator(session=session, principal=cli_principal(), code=code,
                             data=IndicatorRetire(retired_from=day, note=note))
        out.print(_("Indicator {code} is in use again.", code=code) if day is None else
                  _("Indicator {code} is retired from {day}.", code=code, day=dmy(day)))

    @app.command("delete")
    @friendly
    def indicators_delete(code: str, data_dir: DataDir = None) -> None:
        """Delete an indicator that never held data (one with data is retired instead)."""
        from fansipan.services.warehouse.catalogue_admin import delete_indicator

        with open_session(settings_from(data_dir)) as session:
            delete_indicator(session=session, principal=cli_principal(), code=code)
        out.print(_("Indicator {code} deleted.", code=code))

    @app.command("history")
    @friendly
    def indicators_history(code: str, data_dir: DataDir = None) -> None:
        """What changed in a definition, when, by whom."""
        from fansipan.services.warehouse.indicator_history import list_versions

        with open_session(settings_from(data_dir)) as session:
            versions = list_versions(session=session, principal=cli_principal(), code=code)
        table = Table(_("Version"), _("In force from"), _("By"), _("Changes"), _("Note"),
                      title=code)
        for v in versions:
            changes = "; ".join(f"{c.field}: {c.old!r} → {c.new!r}" for c in v.changes)
            table.add_row(str(v.version), dmy(v.effective_from) if v.effective_from else "—",
                          v.actor, changes, v.note)
        out.print(table)
