"""Who may do what: roles, permissions and the principal behind a request.

Pure: no SQL, no HTTP. A `Principal` is a signed-in user, an API client (a connected
system with a token), an anonymous visitor, or the system itself (the CLI, the demo
loader). Roles grant permissions; scopes (units and their descendants, indicators
and sectors) limit the data the permissions reach. Services enforce both; see
`fansipan.services.trust.access`.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # quản trị: accounts, metadata, audit, backups
    LEADER = "leader"  # lãnh đạo: reads everything in scope
    OFFICER = "officer"  # cán bộ nhập liệu: enters and imports for their units
    APPROVER = "approver"  # người phê duyệt: approves and locks a unit's period
    INTEGRATOR = "integrator"  # quản trị kết nối: manages connected systems
    REPORTER = "reporter"  # ứng dụng phản ánh: a citizens' app posting Open311 reports


class Permission(StrEnum):
    READ_DATA = "data.read"
    READ_CHANGES = "changes.read"
    WRITE_DATA = "data.write"
    WRITE_TARGETS = "targets.write"
    SUBMIT = "approval.submit"
    APPROVE = "approval.decide"
    MANAGE_USERS = "users.manage"
    MANAGE_CLIENTS = "clients.manage"
    MANAGE_METADATA = "metadata.manage"
    READ_AUDIT = "audit.read"
    READ_RECORDS = "records.read"  # field reports (staff view) and dossiers, in scope
    HANDLE_REPORTS = "reports.handle"  # triage, assign, resolve ... a field report in scope
    SUBMIT_REPORTS = "reports.submit"  # post citizens' reports through Open311 (an app)
    ASSIGN_TASKS = "tasks.assign"  # directives, tasks, extensions, cancellations
    UPDATE_TASKS = "tasks.update"  # progress, comments, attachments, completion
    ISSUE_REPORTS = "reports.issue"  # take a number from the register for a signed report
    MANAGE_ALERTS = "alerts.manage"
    MANAGE_SECRETS = "secrets.manage"  # credentials of remote systems
    MANAGE_OUTBOUND = "outbound.manage"  # the addresses connectors may reach


# Least privilege: an administrator manages the system but does not enter data; a
# person who needs both holds both roles, and granting a role is audited.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({
        Permission.READ_DATA, Permission.READ_CHANGES, Permission.MANAGE_USERS,
        Permission.MANAGE_CLIENTS, Permission.MANAGE_METADATA, Permission.READ_AUDIT,
        Permission.MANAGE_ALERTS,
        Permission.MANAGE_SECRETS, Permission.MANAGE_OUTBOUND,
    }),
    # A leader assigns key tasks and grants extensions; the officers of the lead unit
    # report on them. Reports are numbered by whoever issues them (either of the two).
    Role.LEADER: frozenset({Permission.READ_DATA, Permission.READ_CHANGES,
                            Permission.READ_RECORDS, Permission.ASSIGN_TASKS,
                            Permission.ISSUE_REPORTS}),
    Role.OFFICER: frozenset({
        Permission.READ_DATA, Permission.READ_CHANGES, Permission.WRITE_DATA,
        Permission.WRITE_TARGETS, Permission.SUBMIT, Permission.READ_RECORDS,
        Permission.HANDLE_REPORTS, Permission.UPDATE_TASKS, Permission.ISSUE_REPORTS,
    }),
    Role.APPROVER: frozenset({Permission.READ_DATA, Permission.READ_CHANGES,
                              Permission.APPROVE, Permission.READ_RECORDS}),
    Role.INTEGRATOR: frozenset({Permission.READ_DATA, Permission.MANAGE_CLIENTS}),
    # An application that collects citizens' reports may post them, and nothing else.
    Role.REPORTER: frozenset({Permission.SUBMIT_REPORTS}),
}

# What anyone may do without signing in: read the indicators an administrator
# marked public, for every unit.
ANONYMOUS_PERMISSIONS = frozenset({Permission.READ_DATA})

# Roles an integrator may give the connected systems it manages.
CLIENT_ROLES = frozenset({Role.OFFICER, Role.LEADER, Role.REPORTER})


class PrincipalKind(StrEnum):
    USER = "user"
    CLIENT = "client"
    ANONYMOUS = "anonymous"
    SYSTEM = "system"


@dataclass(frozen=True)
class Principal:
    """The one behind a request, with the roles and scopes it holds."""

    kind: PrincipalKind
    name: str
    id: int | None = None
    roles: frozenset[Role] = frozenset()
    all_units: bool = False
    unit_ids: frozenset[int] = frozenset()  # roots; their descendants are included
    all_indicators: bool = False
    indicators: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    must_change_password: bool = False
    via: str = ""  # "session:<id>" or "token:<id>": how it signed in, for the audit log
    ip: str | None = None
    extra_permissions: frozenset[Permission] = field(default_factory=frozenset)

    @classmethod
    def anonymous(cls, ip: str | None = None) -> Principal:
        return cls(kind=PrincipalKind.ANONYMOUS, name="anonymous", all_units=True, ip=ip,
                   extra_permissions=ANONYMOUS_PERMISSIONS)

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """The CLI and internal loaders: every permission, every unit and indicator."""
        return cls(kind=PrincipalKind.SYSTEM, name=name, roles=frozenset(Role),
                   all_units=True, all_indicators=True)

    @property
    def is_anonymous(self) -> bool:
        return self.kind is PrincipalKind.ANONYMOUS

    @property
    def public_only(self) -> bool:
        """Anonymous visitors see public indicators only."""
        return self.is_anonymous

    @property
    def permissions(self) -> frozenset[Permission]:
        granted: set[Permission] = set(self.extra_permissions)
        for role in self.roles:
            granted |= ROLE_PERMISSIONS[role]
        return frozenset(granted)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def actor(self) -> str:
        """The name written into the audit trail and the change log."""
        if self.kind is PrincipalKind.CLIENT:
            return f"client:{self.name}"
        return self.name


def parse_roles(names: list[str] | tuple[str, ...] | str) -> frozenset[Role]:
    """Roles from their names (a list, or one string joined with '|'); unknown ones raise."""
    if isinstance(names, str):
        names = [n for n in names.split("|") if n]
    return frozenset(Role(n) for n in names)


def readable_indicators(allowed: Set[str], parts: Mapping[str, Set[str]],
                        disclosed: Set[str] = frozenset()) -> frozenset[str]:
    """The indicators of `allowed` that may be read: a derived one only when each of its
    parts may be read as well, or when an administrator confirmed that showing it
    discloses them (`disclosed`). A public rate over a private count would otherwise
    give the count to anyone (population from broadband subscriptions per 100 people).
    """
    return frozenset(
        code for code in allowed
        if code in disclosed or not (parts.get(code, frozenset()) - allowed)
    )
