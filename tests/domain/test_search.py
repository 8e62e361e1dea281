"""Names are found as people type them: without accents, case or spacing."""

from __future__ import annotations

import pytest

from fansipan.domain.search import fold, matches


@pytest.mark.parametrize(("query", "name"), [
    ("dan so", "Dân số"), ("DÂN SỐ", "Dân số"), ("bat xat", "Huyện Bát Xát"),
    ("sa pa", "Phường Sa Pa"), ("  Sa   Pa ", "Thị xã Sa Pa"), ("duong", "Đường giao thông"),
    ("ĐƯỜNG", "đường"), ("coc leu", "Chợ Cốc Lếu"),
    # Typed in decomposed form (a combining mark after the letter), as some keyboards do.
    ("da\u0302n so\u0302\u0301", "Dân số"),
])
def test_a_name_is_found_without_accents_or_case(query: str, name: str) -> None:
    assert matches(query, name)


@pytest.mark.parametrize(("query", "name"), [
    ("sapa", "Sa Pa"), ("bat xat", "Bản Xèo"), ("dan so", "Doanh số"),
])
def test_other_names_are_not_found(query: str, name: str) -> None:
    assert not matches(query, name)


def test_an_empty_query_finds_everything_and_a_missing_text_nothing() -> None:
    assert matches("", "Dân số") and matches("   ")
    assert not matches("dan", None, "")
    assert fold("Tỉnh  Lào Cai") == "tinh lao cai"
