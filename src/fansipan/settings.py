"""Settings: built once at the edge (CLI, server start, test) and passed in.

Nothing reads the environment at import time; `Settings.from_env()` is called by
whoever starts the program, and `create_app(settings)` takes the result.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from fansipan.errors import ConfigurationError, FansipanError, msg

DEFAULT_DATA_DIR = Path("fansipan-data")
SQLITE_FILE_NAME = "fansipan.sqlite3"
LANGUAGES = ("vi", "en")
ENVIRONMENTS = ("development", "production")
SMTP_SECURITY = ("none", "starttls", "tls")
ANALYTICS_ENGINES = ("duckdb", "clickhouse")


@dataclass(frozen=True)
class Settings:
    """Everything a Fansipan process needs to know about where it runs."""

    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    secret: str | None = None
    # The language of whatever has no visitor's choice to follow: pages without a
    # language cookie or ?lang=, and everything the CLI prints (FANSIPAN_LANG).
    language: str = "vi"
    environment: str = "development"
    # Security and operations; each is documented in docs/operations.md.
    tls: bool | None = None  # None: on in production, off in development
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    password_min_length: int = 12
    password_character_classes: int = 0  # ASVS: no composition rules by default
    password_max_age_days: int = 0  # 0: no forced rotation (ASVS 6.2.10; 742 may ask for it)
    login_max_failures: int = 5
    lockout_minutes: int = 15
    login_ip_max_failures: int = 30
    reports_per_hour: int = 20  # citizens' reports from one address without signing in
    admin_networks: tuple[str, ...] = ()  # empty: administration from anywhere
    metrics_networks: tuple[str, ...] = ()  # empty: /metrics is closed
    trusted_proxies: tuple[str, ...] = ()  # empty: X-Forwarded-* is never believed
    allowed_hosts: tuple[str, ...] = ()  # besides `host` and the loopback names
    shutdown_timeout: int = 30
    workers: int = 1  # server processes `fansipan serve` runs (--workers overrides)
    # Working days: what the Government or the province announced beyond the library's
    # calendar (a day given off, a Saturday worked); see docs/reports.md.
    days_off: tuple[date, ...] = ()
    working_days: tuple[date, ...] = ()
    # The nine-month report's data cut-off, which provinces set themselves.
    nine_months_cutoff: str = "15/12..14/09"
    # Alerts by e-mail and webhook; each is documented in docs/operations.md.
    smtp_host: str | None = None  # None: no e-mail is sent (alerts stay on the dashboard)
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | tls
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "fansipan@localhost"
    alert_digest_hour: int = 7  # Vietnam time; the daily digest goes out from this hour
    webhook_timeout: int = 10  # seconds
    public_url: str = ""  # the dashboard's address, for links in messages
    foresight_poll_seconds: int = 5  # how often the refresher looks for new changes
    foresight_worker: bool = True  # False: no background refresher in this process
    # The secret store's key (else derived from `secret`); several, comma-separated, while
    # rotating: the first encrypts, every one decrypts.
    secrets_key: str | None = None
    outbound_max_mb: int = 1024  # the largest answer a connector reads
    outbound_timeout: int = 300  # seconds a connector's request may take, answer included
    # Single sign-on with the province's identity platform (OpenID Connect); see
    # docs/operations.md. An empty issuer: no SSO, the sign-in page offers passwords only.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str | None = None
    oidc_scopes: str = "openid profile email"
    oidc_redirect_url: str = ""  # empty: FANSIPAN_PUBLIC_URL (else the request's) + callback
    oidc_new_accounts: str = "refuse"  # refuse | create (with no roles)
    oidc_timeout: int = 10  # seconds for each request to the platform
    # Roles and units from a claim: empty claim, Fansipan's own assignments stand.
    oidc_role_claim: str = ""
    oidc_role_map: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (value, role, units)
    # The analytics engine: duckdb (in process) or clickhouse (a server or cluster at
    # clickhouse_url; chDB in process when no URL is given). See docs/operations.md.
    analytics_engine: str = "duckdb"
    clickhouse_url: str | None = None  # http[s]://user:password@host:8123
    clickhouse_database: str = "fansipan"
    clickhouse_cluster: str | None = None  # a cluster name: replicated, sharded facts

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ConfigurationError(
                msg("FANSIPAN_LANG must be one of {value}, not {language}",
                    value=', '.join(LANGUAGES), language=repr(self.language))
            )
        if self.environment not in ENVIRONMENTS:
            raise ConfigurationError(
                msg("FANSIPAN_ENVIRONMENT must be one of {value}, not {environment}",
                    value=', '.join(ENVIRONMENTS), environment=repr(self.environment))
            )
        if not 0 < self.port < 65536:
            raise ConfigurationError(msg("FANSIPAN_PORT must be 1–65535, not {port}",
                                         port=self.port))
        _check_range("FANSIPAN_SESSION_IDLE_MINUTES", self.session_idle_minutes, 1, 24 * 60)
        _check_range("FANSIPAN_SESSION_ABSOLUTE_HOURS", self.session_absolute_hours, 1, 24 * 30)
        _check_range("FANSIPAN_PASSWORD_MIN_LENGTH", self.password_min_length, 8, 64)
        _check_range("FANSIPAN_PASSWORD_CHARACTER_CLASSES", self.password_character_classes, 0, 4)
        _check_range("FANSIPAN_PASSWORD_MAX_AGE_DAYS", self.password_max_age_days, 0, 3650)
        _check_range("FANSIPAN_LOGIN_MAX_FAILURES", self.login_max_failures, 1, 100)
        _check_range("FANSIPAN_LOCKOUT_MINUTES", self.lockout_minutes, 1, 24 * 60)
        _check_range("FANSIPAN_LOGIN_IP_MAX_FAILURES", self.login_ip_max_failures, 1, 10_000)
        _check_range("FANSIPAN_REPORTS_PER_HOUR", self.reports_per_hour, 1, 100_000)
        _check_range("FANSIPAN_SHUTDOWN_TIMEOUT", self.shutdown_timeout, 1, 3600)
        _check_range("FANSIPAN_WORKERS", self.workers, 1, 64)
        from fansipan.domain.report_periods import parse_cut_off

        try:
            parse_cut_off(self.nine_months_cutoff)
        except FansipanError as exc:
            raise ConfigurationError(f"FANSIPAN_NINE_MONTHS_CUTOFF: {exc.message}") from None
        clash = sorted(set(self.days_off) & set(self.working_days))
        if clash:
            raise ConfigurationError(
                "FANSIPAN_DAYS_OFF and FANSIPAN_WORKING_DAYS both name "
                f"{', '.join(d.isoformat() for d in clash)}; keep each day in one of them")
        _check_range("FANSIPAN_SMTP_PORT", self.smtp_port, 1, 65535)
        _check_range("FANSIPAN_ALERT_DIGEST_HOUR", self.alert_digest_hour, 0, 23)
        _check_range("FANSIPAN_WEBHOOK_TIMEOUT", self.webhook_timeout, 1, 300)
        _check_range("FANSIPAN_FORESIGHT_POLL_SECONDS", self.foresight_poll_seconds, 1, 3600)
        if self.smtp_security not in SMTP_SECURITY:
            raise ConfigurationError(
                f"FANSIPAN_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, "
                f"not {self.smtp_security!r}")
        _check_range("FANSIPAN_OUTBOUND_MAX_MB", self.outbound_max_mb, 1, 1 << 20)
        _check_range("FANSIPAN_OUTBOUND_TIMEOUT", self.outbound_timeout, 1, 24 * 3600)
        _check_range("FANSIPAN_OIDC_TIMEOUT", self.oidc_timeout, 1, 120)
        _check_oidc(self)
        if self.analytics_engine not in ANALYTICS_ENGINES:
            raise ConfigurationError(
                msg("FANSIPAN_ANALYTICS_ENGINE must be one of {value}, not {engine}",
                    value=", ".join(ANALYTICS_ENGINES), engine=repr(self.analytics_engine)))
        for name, text in (("FANSIPAN_CLICKHOUSE_DATABASE", self.clickhouse_database),
                           ("FANSIPAN_CLICKHOUSE_CLUSTER", self.clickhouse_cluster or "x")):
            if not _IDENTIFIER.match(text):
                raise ConfigurationError(
                    msg("{name} takes a name of letters, digits and _ (such as fansipan), "
                        "not {text}", name=name, text=repr(text)))
        if self.clickhouse_url and not self.clickhouse_url.startswith(("http://", "https://")):
            raise ConfigurationError(
                msg("FANSIPAN_CLICKHOUSE_URL takes an address such as "
                    "https://user:password@clickhouse.example:8443, not {url}",
                    url=repr(self.clickhouse_url.split("@")[-1])))
        for key in self.secrets_keys:
            if len(key) < 32:
                raise ConfigurationError(
                    "Each key in FANSIPAN_SECRETS_KEY must be at least 32 characters (for "
                    "example: python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        for name, nets in (("FANSIPAN_ADMIN_NETWORKS", self.admin_networks),
                           ("FANSIPAN_METRICS_NETWORKS", self.metrics_networks),
                           ("FANSIPAN_TRUSTED_PROXIES", self.trusted_proxies)):
            for net in nets:
                try:
                    ipaddress.ip_network(net, strict=False)
                except ValueError:
                    raise ConfigurationError(
                        msg("{name} takes networks such as 10.0.0.0/8,192.168.1.5; {net} is "
                            "not one", name=name, net=repr(net))
                    ) from None

        for host in self.allowed_hosts:
            if not _HOST_PATTERN.match(host):
                raise ConfigurationError(
                    "FANSIPAN_ALLOWED_HOSTS takes host names such as ioc.laocai.gov.vn, "
                    f"*.laocai.gov.vn or 10.1.2.3 (no scheme, no port); {host!r} is not one")

    @property
    def hosts(self) -> frozenset[str]:
        """Host names requests may be addressed to (the Host header, without its port)."""
        names = {self.host.lower(), "localhost", "127.0.0.1", "::1"}
        names.update(h.lower() for h in self.allowed_hosts)
        return frozenset(names)

    @property
    def behind_tls(self) -> bool:
        """Whether cookies get `Secure` and responses HSTS (production unless told otherwise)."""
        return self.environment == "production" if self.tls is None else self.tls

    @property
    def secrets_keys(self) -> tuple[str, ...]:
        """The secret store's keys, newest first (empty: derive one from the secret)."""
        return tuple(k.strip() for k in (self.secrets_key or "").split(",") if k.strip())

    @property
    def store_url(self) -> str:
        """The database URL: the explicit one, else a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / SQLITE_FILE_NAME).resolve()}"

    def analytics_engine_options(self) -> dict[str, str | None]:
        """The keyword arguments of `analytics.engines.make_analytics_engine`."""
        return {"kind": self.analytics_engine, "clickhouse_url": self.clickhouse_url,
                "clickhouse_database": self.clickhouse_database,
                "clickhouse_cluster": self.clickhouse_cluster}

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
                msg("FANSIPAN_PORT must be a whole number, not {given}",
                    given=repr(port_text))
            ) from None
        numbers = {
            name: _int_env(env, f"FANSIPAN_{name.upper()}", default)
            for name, default in _INT_SETTINGS.items()
        }
        tls_text = env.get("FANSIPAN_TLS", "").strip().lower()
        return cls(
            **numbers,
            tls=None if not tls_text else tls_text in ("1", "true", "yes", "on"),
            admin_networks=_list_env(env, "FANSIPAN_ADMIN_NETWORKS", ()),
            metrics_networks=_list_env(env, "FANSIPAN_METRICS_NETWORKS", ()),
            trusted_proxies=_list_env(env, "FANSIPAN_TRUSTED_PROXIES", ()),
            allowed_hosts=_list_env(env, "FANSIPAN_ALLOWED_HOSTS", ()),
            data_dir=Path(env.get("FANSIPAN_DATA_DIR", str(DEFAULT_DATA_DIR))),
            database_url=env.get("FANSIPAN_DATABASE_URL") or None,
            host=env.get("FANSIPAN_HOST", "127.0.0.1"),
            port=port,
            secret=env.get("FANSIPAN_SECRET") or None,
            secrets_key=env.get("FANSIPAN_SECRETS_KEY") or None,
            # FANSIPAN_LANGUAGE is the older name, still read when FANSIPAN_LANG is unset.
            language=(env.get("FANSIPAN_LANG") or env.get("FANSIPAN_LANGUAGE") or "vi")
            .strip().lower(),
            environment=env.get("FANSIPAN_ENVIRONMENT", "development"),
            days_off=_dates_env(env, "FANSIPAN_DAYS_OFF"),
            working_days=_dates_env(env, "FANSIPAN_WORKING_DAYS"),
            nine_months_cutoff=env.get("FANSIPAN_NINE_MONTHS_CUTOFF", "15/12..14/09"),
            smtp_host=env.get("FANSIPAN_SMTP_HOST") or None,
            smtp_security=env.get("FANSIPAN_SMTP_SECURITY", "none").strip().lower(),
            smtp_user=env.get("FANSIPAN_SMTP_USER") or None,
            smtp_password=env.get("FANSIPAN_SMTP_PASSWORD") or None,
            smtp_from=env.get("FANSIPAN_SMTP_FROM", "fansipan@localhost"),
            public_url=env.get("FANSIPAN_PUBLIC_URL", "").rstrip("/"),
            oidc_issuer=env.get("FANSIPAN_OIDC_ISSUER", "").strip().rstrip("/"),
            oidc_client_id=env.get("FANSIPAN_OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=env.get("FANSIPAN_OIDC_CLIENT_SECRET") or None,
            oidc_scopes=" ".join(env.get("FANSIPAN_OIDC_SCOPES", "openid profile email")
                                 .replace(",", " ").split()),
            oidc_redirect_url=env.get("FANSIPAN_OIDC_REDIRECT_URL", "").strip(),
            oidc_new_accounts=env.get("FANSIPAN_OIDC_NEW_ACCOUNTS", "refuse").strip().lower(),
            oidc_role_claim=env.get("FANSIPAN_OIDC_ROLE_CLAIM", "").strip(),
            oidc_role_map=parse_role_map(env.get("FANSIPAN_OIDC_ROLE_MAP", "")),
            analytics_engine=env.get("FANSIPAN_ANALYTICS_ENGINE", "duckdb").strip().lower(),
            clickhouse_url=env.get("FANSIPAN_CLICKHOUSE_URL") or None,
            clickhouse_database=env.get("FANSIPAN_CLICKHOUSE_DATABASE", "fansipan").strip(),
            clickhouse_cluster=env.get("FANSIPAN_CLICKHOUSE_CLUSTER", "").strip() or None,
            foresight_worker=env.get("FANSIPAN_FORESIGHT_WORKER", "1").strip().lower()
            not in ("0", "false", "no", "off"),
        )

    def check_can_serve(self) -> None:
        """Refuse to serve production with a missing or short secret (there is no default)."""
        if self.environment != "production":
            return
        if not self.secret or len(self.secret) < 32 or _looks_default(self.secret):
            raise ConfigurationError(
                msg("FANSIPAN_SECRET must be set to a random value of at least 32 characters in "
                    "production (for example: python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))')")
            )


# Whole-number settings read from FANSIPAN_<NAME>, with their defaults.
_INT_SETTINGS = {
    "session_idle_minutes": 30,
    "session_absolute_hours": 12,
    "password_min_length": 12,
    "password_character_classes": 0,
    "password_max_age_days": 0,
    "login_max_failures": 5,
    "lockout_minutes": 15,
    "login_ip_max_failures": 30,
    "reports_per_hour": 20,
    "shutdown_timeout": 30,
    "workers": 1,
    "smtp_port": 25,
    "alert_digest_hour": 7,
    "webhook_timeout": 10,
    "foresight_poll_seconds": 5,
    "outbound_max_mb": 1024,
    "outbound_timeout": 300,
    "oidc_timeout": 10,
}

# A host name, an IPv4 or IPv6 address, `*.` before a domain, or `*` for any host.
_HOST_PATTERN = re.compile(r"^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|[0-9A-Fa-f:]+)$")

# A ClickHouse database or cluster name: it goes into statements, so nothing else.
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

# Values people copy from examples; a secret made of them is no secret.
_DEFAULT_WORDS = ("change", "secret", "default", "example", "password", "fansipan", "xxxx")


def _looks_default(secret: str) -> bool:
    lowered = secret.lower()
    return len(set(secret)) < 8 or any(word in lowered for word in _DEFAULT_WORDS)


OIDC_NEW_ACCOUNTS = ("refuse", "create")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


MAPPABLE_ROLES = ("leader", "officer", "approver")  # administrators are made in Fansipan


def parse_role_map(text: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """`lanh-dao=leader@15;can-bo-bat-xat=officer@082,083`: a claim value, the role it
    gives, and the units (codes as in force today; `*` for every unit; none for none)."""
    found = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        value, _, rest = part.partition("=")
        role, _, units = rest.partition("@")
        codes = tuple(u.strip() for u in units.split(",") if u.strip())
        if not value.strip() or role.strip() not in MAPPABLE_ROLES:
            raise ConfigurationError(msg(
                "FANSIPAN_OIDC_ROLE_MAP takes entries such as lanh-dao=leader@15 separated by "
                "semicolons, with a role among {roles}; {part} is not one",
                roles=", ".join(MAPPABLE_ROLES), part=repr(part)))
        found.append((value.strip(), role.strip(), codes))
    return tuple(found)


def _check_oidc(settings: Settings) -> None:
    """Single sign-on is all or nothing: an issuer needs a client and an address to trust."""
    if settings.oidc_new_accounts not in OIDC_NEW_ACCOUNTS:
        raise ConfigurationError(msg("FANSIPAN_OIDC_NEW_ACCOUNTS must be one of {value}, not "
                                     "{given}", value=", ".join(OIDC_NEW_ACCOUNTS),
                                     given=repr(settings.oidc_new_accounts)))
    if settings.oidc_role_map and not settings.oidc_role_claim:
        raise ConfigurationError(msg("FANSIPAN_OIDC_ROLE_MAP needs FANSIPAN_OIDC_ROLE_CLAIM: the "
                                     "claim whose values it maps (for example groups)"))
    if not settings.oidc_issuer:
        return
    if not settings.oidc_client_id:
        raise ConfigurationError(msg("FANSIPAN_OIDC_CLIENT_ID must be set with "
                                     "FANSIPAN_OIDC_ISSUER (the client id the identity platform "
                                     "gave Fansipan)"))
    if "openid" not in settings.oidc_scopes.split():
        raise ConfigurationError(msg("FANSIPAN_OIDC_SCOPES must include openid, not {scopes}",
                                     scopes=repr(settings.oidc_scopes)))
    for name, url in (("FANSIPAN_OIDC_ISSUER", settings.oidc_issuer),
                      ("FANSIPAN_OIDC_REDIRECT_URL", settings.oidc_redirect_url)):
        if not url:
            continue
        loopback = url.startswith(tuple(f"http://{h}" for h in _LOOPBACK_HOSTS))
        if not (url.startswith("https://") or (loopback and settings.environment != "production")):
            raise ConfigurationError(msg("{name} must be an https:// address (plain http only on "
                                         "this machine, in development), not {url}", name=name,
                                         url=repr(url)))


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ConfigurationError(msg("{name} must be between {low} and {high}, not {value}",
                                     name=name, low=low, high=high, value=value))


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ConfigurationError(msg("{name} must be a whole number, not {text}", name=name,
                                     text=repr(text))) from None


def _list_env(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    text = env.get(name)
    if text is None:
        return default
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _dates_env(env: Mapping[str, str], name: str) -> tuple[date, ...]:
    days = []
    for part in _list_env(env, name, ()):
        try:
            days.append(date.fromisoformat(part))
        except ValueError:
            raise ConfigurationError(
                f"{name} takes dates as YYYY-MM-DD separated by commas "
                f"(2027-03-05,2027-03-06); {part!r} is not one") from None
    return tuple(days)
