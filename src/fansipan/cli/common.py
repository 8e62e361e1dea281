"""What every command shares: consoles, options, settings, a session, errors told in one line."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.numbers import format_number
from fansipan.errors import ConfigurationError, FansipanError
from fansipan.locale import DEFAULT_LANG, say_error, tr
from fansipan.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

out = Console()
err = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder holding the SQLite store (default ./fansipan-data); "
    "ignored when FANSIPAN_DATABASE_URL is set.")]
Host = Annotated[str | None, typer.Option(help="Address to listen on.")]
Port = Annotated[int | None, typer.Option(help="Port to listen on.")]


def settings_from(data_dir: Path | None = None, host: str | None = None,
              port: int | None = None) -> Settings:
    return Settings.from_env().with_overrides(data_dir=data_dir, host=host, port=port)


def cli_lang() -> str:
    """The language of everything a command prints: FANSIPAN_LANG (default Vietnamese)."""
    try:
        return Settings.from_env().language
    except ConfigurationError:
        return DEFAULT_LANG


def _(text: str, /, **params: object) -> str:
    """`text` (an English msgid) in the CLI's language, `{name}`s filled in."""
    return tr(cli_lang(), text, **params)


def figure(n: int) -> str:
    """A count in the CLI's language: 12.345 in Vietnamese, 12,345 in English."""
    return format_number(n, lang=cli_lang())


def friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and store errors into one line on stderr and exit code 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except FansipanError as exc:
            err.print(_("[red]error:[/red] {problem}", problem=say_error(exc, cli_lang())),
                      highlight=False, soft_wrap=True)
        except OperationalError as exc:
            err.print(_("[red]error:[/red] the database cannot be used: {reason}",
                        reason=str(exc.orig)), highlight=False, soft_wrap=True)
        raise typer.Exit(1)

    return wrapper


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """A session whose engine is closed afterwards (the CLI may run inside a test)."""
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    engine = open_store(settings)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def say_if_illustrative(session: Session, console: Console) -> bool:
    """One line saying the figures are illustrative, when the store holds the demo data
    (on stderr for a command whose stdout is a file's content)."""
    from fansipan.services.warehouse.provenance import demo_mark

    mark = demo_mark(session=session)
    if mark is not None:
        console.print(f"⚠ {mark.note} ({mark.row})", highlight=False, soft_wrap=True)
    return mark is not None


def cli_principal() -> Principal:
    """Who the audit trail names for a command typed at this machine."""
    return Principal.system(f"cli:{getpass.getuser()}")


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problem = _("{option} takes a date as YYYY-MM-DD, not {given}", option=option,
                    given=repr(text))
        err.print(_("[red]error:[/red] {problem}", problem=problem))
        raise typer.Exit(2) from None


def dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def many(values: list[str] | None) -> list[str]:
    """Repeated options, each possibly comma-separated: --units 082,088 --units 089."""
    return [v.strip() for given in values or [] for v in given.split(",") if v.strip()]
