"""GET /requests: filters, the 90-day and 1,000-request window, and the public mapping."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fansipan.domain.local_time import VIETNAM
from fansipan.domain.service_request_states import Action
from fansipan.domain.service_request_views import PublicServiceRequest, public_view
from fansipan.domain.service_requests import Location, Reporter, Step, apply_steps, receive_request
from fansipan.errors import NotFound, ValidationError
from fansipan.exchange.open311.documents import render_json
from fansipan.exchange.open311.failures import http_status
from fansipan.exchange.open311.mapping import request_document
from fansipan.exchange.open311.model import service_requests_document
from fansipan.exchange.open311.querying import (
    MAX_REQUESTS,
    parse_request_query,
    select_requests,
)

NOW = datetime(2025, 8, 4, 12, 0, tzinfo=VIETNAM)


def view(rid: str, requested: datetime, code: str = "SAT_LO",
         closed: bool = False) -> PublicServiceRequest:
    r = receive_request(request_id=rid, service_code=code, requested_at=requested,
                        location=Location(lat=22.3364, long=103.8438),
                        reporter=Reporter(email="an@example.vn", phone="0912345678"),
                        agency="so-xay-dung")
    if closed:
        r = apply_steps(r, [Step(Action.RESOLVE, at=requested + timedelta(hours=2),
                                 actor="canbo.ioc", public_note="Đã thông tuyến")])
    return public_view(r)


def test_with_no_filter_the_window_is_the_last_90_days_up_to_now() -> None:
    q = parse_request_query([], now=NOW)
    assert (q.start, q.end) == (NOW - timedelta(days=90), NOW)
    assert q.limit == 1000 and not q.service_codes and not q.statuses


def test_one_end_of_the_range_gives_the_other_90_days_away() -> None:
    q = parse_request_query([("start_date", "2025-01-01T00:00:00+07:00")], now=NOW)
    assert q.end == datetime(2025, 4, 1, tzinfo=VIETNAM)
    q = parse_request_query([("end_date", "2025-04-01T00:00:00Z")], now=NOW)
    assert q.start == datetime.fromisoformat("2025-01-01T00:00:00+00:00")


def test_a_range_over_90_days_or_backwards_or_without_a_zone_is_a_400() -> None:
    parse_request_query([("start_date", "2025-01-01T00:00:00Z"),
                         ("end_date", "2025-04-01T00:00:00Z")], now=NOW)  # exactly 90 days
    for pairs, field, words in [
        ([("start_date", "2025-01-01T00:00:00Z"), ("end_date", "2025-04-01T00:00:01Z")],
         "end_date", "at most 90 days"),
        ([("start_date", "2025-03-01T00:00:00Z"), ("end_date", "2025-02-01T00:00:00Z")],
         "end_date", "must not precede"),
        ([("start_date", "2025-03-01")], "start_date", "time zone is required"),
        ([("status", "in_progress")], "status", "open or closed"),
    ]:
        with pytest.raises(ValidationError) as caught:
            parse_request_query(pairs, now=NOW)
        assert http_status(caught.value) == 400
        assert caught.value.errors[0].field == field
        assert words in caught.value.errors[0].message


def test_ids_override_every_other_filter_even_a_broken_one() -> None:
    q = parse_request_query([("service_request_id", "PA-3, PA-1,,PA-3"),
                             ("start_date", "not a date"), ("status", "whatever")], now=NOW)
    assert q.service_request_ids == ("PA-3", "PA-1")
    assert q.start is None and q.end is None and not q.statuses
    too_many = ",".join(f"PA-{n}" for n in range(MAX_REQUESTS + 1))
    with pytest.raises(ValidationError, match="Invalid query"):
        parse_request_query([("service_request_id", too_many)], now=NOW)


def test_lists_can_be_comma_separated_or_repeated() -> None:
    q = parse_request_query([("service_code", "SAT_LO,DIEN_DUT"), ("service_code", "001"),
                             ("status", "open"), ("status", "closed")], now=NOW)
    assert q.service_codes == ("SAT_LO", "DIEN_DUT", "001")
    assert q.statuses == frozenset({"open", "closed"})
    with pytest.raises(NotFound):
        parse_request_query([("jurisdiction_id", "sfgov.org")], now=NOW,
                            jurisdiction_id="laocai.gov.vn")


def test_the_selection_filters_orders_newest_first_and_stops_at_1000() -> None:
    views = [
        view("old", NOW - timedelta(days=91)),
        view("edge", NOW - timedelta(days=90)),  # the window's start is inclusive
        view("a", NOW - timedelta(days=2)),
        view("b", NOW - timedelta(days=1), closed=True),
        view("c", NOW - timedelta(hours=1), code="DIEN_DUT"),
        view("future", NOW + timedelta(minutes=1)),
    ]
    everything = parse_request_query([], now=NOW)
    assert [v.request_id for v in select_requests(everything, views)] == ["c", "b", "a", "edge"]
    only_open = parse_request_query([("status", "open"), ("service_code", "SAT_LO")], now=NOW)
    assert [v.request_id for v in select_requests(only_open, views)] == ["a", "edge"]
    by_id = parse_request_query([("service_request_id", "old,c,missing")], now=NOW)
    assert [v.request_id for v in select_requests(by_id, views)] == ["old", "c"]
    many = [view(f"PA-{n:04d}", NOW - timedelta(minutes=n)) for n in range(1005)]
    chosen = select_requests(everything, many)
    assert len(chosen) == 1000
    assert chosen[0].request_id == "PA-0000" and chosen[-1].request_id == "PA-0999"


def test_the_open311_request_comes_from_the_public_view_only() -> None:
    closed = view("PA-9", NOW - timedelta(days=1), closed=True)
    doc = request_document(closed, service_name="Sạt lở đất đá trên đường",
                           agency_name="Sở Xây dựng", service_notice="Trong 2 ngày làm việc")
    assert doc.status == "closed" and doc.status_notes == "Đã thông tuyến"
    assert doc.agency_responsible == "Sở Xây dựng"
    assert doc.updated_datetime == NOW - timedelta(days=1) + timedelta(hours=2)
    data = render_json(service_requests_document([doc]))
    assert b"an@example.vn" not in data and b"0912345678" not in data
    assert b"canbo.ioc" not in data
    assert request_document(view("PA-8", NOW), service_name="x").agency_responsible \
        == "so-xay-dung"  # the body's code when no name is given
