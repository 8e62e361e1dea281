"""Settings: built once at the edge (CLI, server start, test) and passed in.

Nothing reads the environment at import time; `Settings.from_env()` is called by
whoever starts the program, and `create_app(settings)` takes the result.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from fansipan.errors import ConfigurationError

DEFAULT_DATA_DIR = Path("fansipan-data")
SQLITE_FILE_NAME = "fansipan.sqlite3"
LANGUAGES = ("vi", "en")
ENVIRONMENTS = ("development", "production")


@dataclass(frozen=True)
class Settings:
    """Everything a Fansipan process needs to know about where it runs."""

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    secret: str | None = None
    language: str = "vi"
    environment: str = "development"

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ConfigurationError(
                f"FANSIPAN_LANGUAGE must be one of {', '.join(LANGUAGES)}, not {self.language!r}"
            )
        if self.environment not in ENVIRONMENTS:
            raise ConfigurationError(
                f"FANSIPAN_ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}, "
                f"not {self.environment!r}"
            )
        if not 0 < self.port < 65536:
            raise ConfigurationError(f"FANSIPAN_PORT must be 1–65535, not {self.port}")

    @property
    def store_url(self) -> str:
        """The database URL: the explicit one, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / SQLITE_FILE_NAME).resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.store_url.startswith("sqlite")

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields replaced; `None` values are ignored."""
        given = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **given)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        port_text = env.get("FANSIPAN_PORT", "8000")
        try:
            port = int(port_text)
        except ValueError:
            raise ConfigurationError(
                f"FANSIPAN_PORT must be a whole number, not {port_text!r}"
            ) from None
        return cls(
            data_dir=Path(env.get("FANSIPAN_DATA_DIR", str(DEFAULT_DATA_DIR))),
            database_url=env.get("FANSIPAN_DATABASE_URL") or None,
            host=env.get("FANSIPAN_HOST", "127.0.0.1"),
            port=port,
            secret=env.get("FANSIPAN_SECRET") or None,
            language=env.get("FANSIPAN_LANGUAGE", "vi"),
            environment=env.get("FANSIPAN_ENVIRONMENT", "development"),
        )

    def check_can_serve(self) -> None:
        """Refuse to serve production with a missing or short secret (there is no default)."""
        if self.environment != "production":
            return
        if not self.secret or len(self.secret) < 32:
            raise ConfigurationError(
                "FANSIPAN_SECRET must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
