"""Who the client is, when a reverse proxy stands in front: `X-Forwarded-For` and
`X-Forwarded-Proto`, believed only from the proxies FANSIPAN_TRUSTED_PROXIES names.

By default no proxy is trusted, so a header any client can send never changes the
address the audit log, the sign-in throttle and the network rules (administration,
metrics) see. With proxies listed, the address list is read from the right (the hop
nearest to us) and the first address that is not one of our proxies is the client;
anything left of it was written by the client itself and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:4711
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 203.0.113.7:4711
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class ForwardedHeaders:
    def __init__(self, app: ASGIApp, *, trusted: Sequence[str]) -> None:
        self.app = app
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in trusted)

    def _trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in n for n in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.networks and scope["type"] in ("http", "websocket"):
            scope = self._rewrite(scope)
        await self.app(scope, receive, send)

    def _rewrite(self, scope: Scope) -> Scope:
        client = scope.get("client")
        if not client or not self._trusted(_address(str(client[0]))):
            return scope
        hops: list[str] = []
        proto = ""
        for name, value in scope.get("headers") or ():
            if name == b"x-forwarded-for":
                hops.extend(value.decode("latin-1").split(","))
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1").split(",")[-1].strip().lower()
        found = None
        for hop in reversed([h for h in hops if h.strip()]):
            address = _address(hop)
            if address is None:
                break  # a hop we cannot read: nothing left of it can be believed
            found = address
            if not self._trusted(address):
                break
        changed = dict(scope)
        if found is not None:
            changed["client"] = (str(found), 0)
        if proto in ("http", "https"):
            changed["scheme"] = proto if scope["type"] == "http" else (
                "wss" if proto == "https" else "ws")
        return changed
