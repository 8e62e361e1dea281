"""Outbound addresses (địa chỉ được phép kết nối ra): what a connector may reach. Pure.

An administrator keeps an allow-list of host names (`api.example.vn`, or every name
under a domain: `*.laocai.gov.vn`) and of addresses or networks (`127.0.0.1`,
`10.20.0.0/16`, `2001:db8::/32`). A request goes out only when:

- its host is a listed name, or every address the name resolves to lies in a listed
  network; an address written in the URL must itself lie in a listed network;
- and every address it would connect to is public, or lies in a listed network: a
  listed name that resolves to a loopback, private, link-local or other non-public
  address (DNS rebinding, a mistaken record) is refused unless that address is listed.

IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry, and addresses
written in other spellings (`2130706433`, `0x7f000001`, `127.1`, `[::ffff:127.0.0.1]`)
are refused outright: nobody configures a real system that way.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fansipan.errors import FieldError, ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# What inet_aton would read as an IPv4 address: 1 to 4 parts, decimal, octal or hex.
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$")
_DOTTED_QUAD = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class EntryKind(StrEnum):
    HOST = "host"
    NETWORK = "network"


@dataclass(frozen=True)
class Destination:
    """One entry of the allow-list, in its normal form."""

    entry: str
    kind: EntryKind


def _entry_error(text: str, why: str) -> ValidationError:
    return ValidationError(
        "Mục này không dùng được trong danh sách địa chỉ được phép / This entry cannot go on "
        "the outbound allow-list", [FieldError(field="entry", value=text[:200], message=why)])


def parse_entry(text: str) -> Destination:
    """An allow-list entry from what an administrator typed, or a clear refusal."""
    given = text.strip().lower().rstrip(".")
    if not given:
        raise _entry_error(text, "write a host name (api.example.vn, *.laocai.gov.vn), an "
                                 "address (10.0.0.5) or a network (10.0.0.0/24)")
    if "/" in given or ":" in given or _LEGACY_IPV4.match(given):
        address_part = given.partition("/")[0]
        try:
            address = ipaddress.ip_address(address_part)
            network = ipaddress.ip_network(given, strict=False)
        except ValueError:
            why = ("an address written in an unusual form; write it like 127.0.0.1"
                   if _LEGACY_IPV4.match(address_part) and not _DOTTED_QUAD.match(address_part)
                   else "not an address or network; write it like 10.0.0.5, 10.0.0.0/24 or "
                        "2001:db8::/32")
            raise _entry_error(text, why) from None
        if unmapped(address) != address:
            raise _entry_error(text, "write IPv4 addresses as IPv4 (10.0.0.5), not mapped "
                                     "into IPv6")
        if str(address) != address_part:
            raise _entry_error(text, f"write the address as {address}")
        single = network.num_addresses == 1
        return Destination(str(network.network_address) if single else str(network),
                           EntryKind.NETWORK)
    name = given[2:] if given.startswith("*.") else given
    problem = host_name_problem(name)
    if problem:
        raise _entry_error(text, problem)
    return Destination(("*." if given.startswith("*.") else "") + ascii_host(name),
                       EntryKind.HOST)


def ascii_host(name: str) -> str:
    """A host name as DNS carries it (internationalised names in their xn-- form)."""
    try:
        return name.lower().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return name.lower().rstrip(".")


def host_name_problem(name: str) -> str | None:
    """Why `name` is not a usable DNS host name (None when it is)."""
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return "not a valid host name"
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        return "not a valid host name (letters, digits and hyphens, separated by dots)"
    if labels[-1].isdigit() or _LEGACY_IPV4.match(ascii_name):
        return "an address written in an unusual form; write it like 127.0.0.1"
    return None


def unmapped(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv4-mapped IPv6 address carries; any other as it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet (not loopback, private, link-local,
    shared, reserved, multicast or unspecified), looking inside IPv6 tunnels too."""
    address = unmapped(address)
    if (address.is_multicast or address.is_unspecified or address.is_loopback
            or address.is_link_local or address.is_private or address.is_reserved
            or not address.is_global):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address in _TEREDO:
            return False
        if address in _SIX_TO_FOUR and address.sixtofour is not None:
            return is_public(address.sixtofour)
        if address in _NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return True


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host names directly, or None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class AllowList:
    """The administrator's list, asked about one request at a time."""

    def __init__(self, destinations: Iterable[Destination]) -> None:
        self.destinations = tuple(destinations)
        self._names = {d.entry for d in self.destinations
                       if d.kind is EntryKind.HOST and not d.entry.startswith("*.")}
        self._suffixes = tuple(d.entry[1:] for d in self.destinations
                               if d.kind is EntryKind.HOST and d.entry.startswith("*."))
        self._networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(d.entry, strict=False) for d in self.destinations
            if d.kind is EntryKind.NETWORK)

    def lists_host(self, host: str) -> bool:
        name = ascii_host(host)
        return name in self._names or any(name.endswith(s) for s in self._suffixes)

    def lists_address(self, address: IPAddress) -> bool:
        address = unmapped(address)
        return any(address.version == n.version and address in n for n in self._networks)

    def host_problem(self, host: str) -> str | None:
        """What is wrong with a URL's host before any name is resolved (None: nothing)."""
        literal = literal_address(host)
        if literal is not None:
            if unmapped(literal) != literal:
                return (f"{host} is an IPv4 address written as IPv6; write it as "
                        f"{unmapped(literal)}")
            if not self.lists_address(literal):
                return f"{literal} is not on the outbound allow-list"
            return None
        return host_name_problem(host.lower().rstrip("."))

    def address_problem(self, host: str, addresses: Iterable[IPAddress]) -> str | None:
        """Why a request to `host`, reaching `addresses`, may not go out (None: it may)."""
        found = [unmapped(a) for a in addresses]
        if not found:
            return f"{host} resolves to no address"
        if literal_address(host) is not None:
            return self.host_problem(host)
        named = self.lists_host(host)
        for address in found:
            if self.lists_address(address):
                continue
            if not named:
                return f"{host} is not on the outbound allow-list"
            if not is_public(address):
                return (f"{host} resolves to {address}, which is not a public address; only "
                        f"an administrator listing {address} itself allows that")
        return None
