"""The outbound rules on their own: which addresses are public, which entries mean what."""

from __future__ import annotations

import ipaddress

import pytest

from fansipan.domain.outbound import AllowList, EntryKind, is_public, parse_entry
from fansipan.errors import ValidationError

NOT_PUBLIC = ["127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1",  # noqa: S104 - data, not a bind
              "192.168.1.1", "169.254.169.254", "100.64.0.1", "192.0.2.1", "198.18.0.1",
              "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12::1",
              "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
              "2002:7f00:1::1", "2002:a9fe:a9fe::1", "64:ff9b::a9fe:a9fe", "2001::1",
              "2001:db8::1", "ff02::1"]
PUBLIC = ["8.8.8.8", "203.113.131.1", "2001:4860:4860::8888", "2002:808:808::1",
          "::ffff:8.8.8.8"]


@pytest.mark.parametrize("text", NOT_PUBLIC)
def test_non_public_addresses(text: str) -> None:
    assert not is_public(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses(text: str) -> None:
    assert is_public(ipaddress.ip_address(text))


def test_entries_are_normalised_or_refused_with_the_fix() -> None:
    assert parse_entry(" API.Example.VN. ").entry == "api.example.vn"
    assert parse_entry("*.laocai.gov.vn").entry == "*.laocai.gov.vn"
    assert parse_entry("10.20.3.4/16") == parse_entry("10.20.0.0/16")
    assert parse_entry("10.20.0.0/16").kind is EntryKind.NETWORK
    assert parse_entry("127.0.0.1/32").entry == "127.0.0.1"
    assert parse_entry("2001:DB8::/32").entry == "2001:db8::/32"
    assert parse_entry("sở-tttt.vn").entry == "xn--s-tttt-bp8b.vn"
    for bad, says in [("", "host name"), ("2130706433", "127.0.0.1"), ("127.1", "127.0.0.1"),
                      ("0x7f.1", "127.0.0.1"), ("::ffff:127.0.0.1", "IPv4"),
                      ("10.0.0.256", "address"), ("exa mple.vn", "host name"),
                      ("-bad.vn", "host name")]:
        with pytest.raises(ValidationError) as caught:
            parse_entry(bad)
        assert says in caught.value.errors[0].message, bad


def _ips(*texts: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    return [ipaddress.ip_address(t) for t in texts]


def test_names_and_the_addresses_they_resolve_to() -> None:
    allow = AllowList([parse_entry("api.example.vn"), parse_entry("*.laocai.gov.vn"),
                       parse_entry("127.0.0.1"), parse_entry("10.5.0.0/16")])
    assert allow.address_problem("api.example.vn", _ips("8.8.8.8")) is None
    assert allow.address_problem("ioc.laocai.gov.vn", _ips("203.113.131.1")) is None
    assert allow.address_problem("laocai.gov.vn.evil.com", _ips("8.8.8.8")) is not None
    # A listed name whose record points inside is refused unless the address is listed.
    rebound = allow.address_problem("api.example.vn", _ips("8.8.8.8", "192.168.0.1"))
    assert rebound is not None and "192.168.0.1" in rebound
    assert allow.address_problem("api.example.vn", _ips("10.5.3.3")) is None
    assert allow.address_problem("api.example.vn", _ips("::ffff:169.254.169.254")) is not None
    # An unlisted name is allowed only into listed networks.
    assert allow.address_problem("dhis2.internal", _ips("10.5.9.9")) is None
    assert allow.address_problem("dhis2.internal", _ips("10.6.9.9")) is not None
    assert allow.address_problem("public.example.org", _ips("8.8.8.8")) is not None
    # Addresses written in the URL must themselves be listed, and written plainly.
    assert allow.host_problem("127.0.0.1") is None
    assert allow.host_problem("127.0.0.2") is not None
    assert allow.host_problem("::ffff:127.0.0.1") is not None
    assert allow.host_problem("2130706433") is not None
    assert allow.host_problem("8.8.8.8") is not None
