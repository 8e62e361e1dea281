"""The sources data came from are named for people: the overview's freshness table
lists them, and a code such as `records` must not reach a Vietnamese page as it is."""

from __future__ import annotations

import pytest

from fansipan.services.citizens.record_counts import RECORDS_SOURCE
from fansipan.web.labels import known, label
from tests.web.vietnamese import english_words


@pytest.mark.parametrize("code", [RECORDS_SOURCE, "demo", "targets"])
def test_a_source_the_product_writes_has_a_name(code: str) -> None:
    assert code in known("source")
    vietnamese = label("source", code, "vi")
    assert vietnamese != code
    assert not english_words(vietnamese), vietnamese


def test_counted_records_are_named_in_both_languages() -> None:
    assert label("source", RECORDS_SOURCE, "vi") == "Đếm từ phản ánh và hồ sơ"
    assert label("source", RECORDS_SOURCE, "en") == "Counted from field reports and dossiers"
