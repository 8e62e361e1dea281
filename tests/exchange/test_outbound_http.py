"""The connectors' HTTP client against a real loopback server, with a stand-in for DNS:
a name is resolved once, every answer is checked, and the checked address is the one
connected to; credentials do not follow a redirect to another origin."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fansipan.domain.outbound import AllowList, parse_entry
from fansipan.exchange import http
from tests.exchange.sources import Remote


def dns(*answers: list[str]) -> tuple[Callable[[str, int], list[str]], list[str]]:
    """A resolver giving each answer in turn (the last one again and again)."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), len(answers)) - 1]

    return resolve, asked


def outbound(*entries: str, resolve: Callable[[str, int], list[str]]) -> http.Outbound:
    return http.Outbound(allow=AllowList(parse_entry(e) for e in entries), resolve=resolve)


def test_the_checked_address_is_the_one_connected_to(remote: Remote, tmp_path: Path) -> None:
    remote.bodies["/a.csv"] = ("text/csv", b"x\n")
    resolve, asked = dns(["127.0.0.1"], ["10.255.0.1"])  # a second answer would rebind
    out = outbound("data.example.test", "127.0.0.1", resolve=resolve)
    size = http.fetch_to(f"http://data.example.test:{remote.port}/a.csv", tmp_path / "a",
                         {}, out)
    assert size == 2 and asked == ["data.example.test"]
    assert remote.seen[0].headers["host"] == f"data.example.test:{remote.port}"


@pytest.mark.parametrize("answer", [["127.0.0.1"], ["8.8.8.8", "127.0.0.1"],
                                    ["::ffff:127.0.0.1"], ["169.254.169.254"]])
def test_a_listed_name_that_resolves_inside_is_refused(answer: list[str], remote: Remote,
                                                       tmp_path: Path) -> None:
    resolve, _ = dns(answer)
    out = outbound("data.example.test", resolve=resolve)
    with pytest.raises(http.OutboundRefused) as refused:
        http.fetch_to(f"http://data.example.test:{remote.port}/a.csv", tmp_path / "a", {}, out)
    assert "not a public address" in refused.value.message
    assert remote.seen == []


def test_credentials_stay_with_their_origin_across_redirects(remote: Remote,
                                                             tmp_path: Path) -> None:
    remote.bodies["/b.csv"] = ("text/csv", b"y\n")
    remote.redirects["/a.csv"] = f"http://mirror.example.test:{remote.port}/b.csv"
    remote.redirects["/same.csv"] = "/b.csv"
    resolve, _ = dns(["127.0.0.1"])
    out = outbound("127.0.0.1", resolve=resolve)
    secret = {"Authorization": "Bearer fsp_only-for-data"}
    http.fetch_to(f"http://data.example.test:{remote.port}/a.csv", tmp_path / "a", secret, out)
    first, second = remote.seen
    assert first.headers["authorization"] == "Bearer fsp_only-for-data"
    assert "authorization" not in second.headers  # another origin: not sent
    http.fetch_to(f"http://data.example.test:{remote.port}/same.csv", tmp_path / "b", secret,
                  out)
    assert [s.headers.get("authorization") for s in remote.seen[2:]] == [
        "Bearer fsp_only-for-data"] * 2  # the same origin: sent on


def test_a_push_is_never_redirected(remote: Remote) -> None:
    resolve, _ = dns(["127.0.0.1"])
    out = outbound("127.0.0.1", resolve=resolve)
    answer = http.post(remote.base + "/api/dataValueSets", b'{"dataValues": []}', {}, out)
    assert answer.status == 200
    remote.redirects["/api/dataValueSets"] = f"http://127.0.0.1:{remote.port}/elsewhere"
    with pytest.raises(http.FetchFailed) as redirected:
        http.post(remote.base + "/api/dataValueSets", b'{"dataValues": []}', {}, out)
    assert "redirect" in redirected.value.message and not redirected.value.retry
    assert [s.path for s in remote.seen] == ["/api/dataValueSets"] * 2
    with pytest.raises(http.OutboundRefused):
        http.post("http://169.254.169.254/latest", b"{}", {}, out)
