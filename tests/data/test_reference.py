"""The reference data shipped in fansipan.data, read through fansipan.data.reference."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from fansipan.data import reference as ref
from fansipan.data.reference import AgencyRow, IndicatorRow, UnitRow

OLD_LAST_DAY = date(2025, 6, 30)
NEW_FIRST_DAY = date(2025, 7, 1)
OLD_LAO_CAI = "10"
NEW_LAO_CAI = "15"
LAO_CAI_DISTRICTS = {"080", "082", "083", "084", "085", "086", "087", "088", "089"}

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def units() -> list[UnitRow]:
    return ref.read_units()


@pytest.fixture(scope="module")
def indicators() -> list[IndicatorRow]:
    return ref.read_indicators()


@pytest.fixture(scope="module")
def by_code(indicators: list[IndicatorRow]) -> dict[str, IndicatorRow]:
    return {row.code: row for row in indicators}


@pytest.fixture(scope="module")
def agencies() -> list[AgencyRow]:
    return ref.read_agencies()


def in_force(units: list[UnitRow], day: date, level: str, parents: set[str]) -> list[UnitRow]:
    return [u for u in units if u.level == level and u.parent_code in parents and u.in_force(day)]


def overlaps(
    a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None
) -> bool:
    start_a, start_b = a_from or date.min, b_from or date.min
    end_a, end_b = a_to or date.max, b_to or date.max
    return start_a <= end_b and start_b <= end_a


# --------------------------------------------------------------------------- units


def test_old_lao_cai_has_9_districts_and_151_communes_on_the_last_day(
    units: list[UnitRow],
) -> None:
    districts = in_force(units, OLD_LAST_DAY, "district", {OLD_LAO_CAI})
    assert {d.code for d in districts} == LAO_CAI_DISTRICTS
    communes = in_force(units, OLD_LAST_DAY, "commune", LAO_CAI_DISTRICTS)
    assert len(communes) == 151
    assert len({c.code for c in communes}) == 151


def test_ta_chai_ended_2024_10_31(units: list[UnitRow]) -> None:
    ever = [u for u in units if u.level == "commune" and u.parent_code in LAO_CAI_DISTRICTS]
    assert len(ever) == 152
    ended = [u for u in ever if u.valid_to != OLD_LAST_DAY]
    assert [(u.code, u.name, u.valid_to) for u in ended] == [
        ("02872", "Xã Tà Chải", date(2024, 10, 31))
    ]
    assert len(in_force(units, date(2024, 10, 31), "commune", LAO_CAI_DISTRICTS)) == 152


def test_new_province_15_has_99_communes_and_wards(units: list[UnitRow]) -> None:
    provinces = [u for u in units if u.level == "province" and u.in_force(NEW_FIRST_DAY)]
    assert [(p.code, p.name) for p in provinces] == [(NEW_LAO_CAI, "Tỉnh Lào Cai")]
    communes = in_force(units, NEW_FIRST_DAY, "commune", {NEW_LAO_CAI})
    assert len(communes) == 99
    assert sum(c.name.startswith("Xã ") for c in communes) == 89
    assert sum(c.name.startswith("Phường ") for c in communes) == 10
    assert not in_force(units, NEW_FIRST_DAY, "district", {NEW_LAO_CAI, OLD_LAO_CAI})


def test_a_code_with_a_date_identifies_one_unit(units: list[UnitRow]) -> None:
    spans: dict[str, list[UnitRow]] = defaultdict(list)
    for unit in units:
        for other in spans[unit.code]:
            assert not overlaps(unit.valid_from, unit.valid_to, other.valid_from, other.valid_to), (
                unit.code
            )
        spans[unit.code].append(unit)
    reused = {code for code, rows in spans.items() if len(rows) > 1}
    assert {"15", "02647", "02839"} <= reused


def test_every_parent_exists_when_the_child_is_in_force(units: list[UnitRow]) -> None:
    for unit in units:
        if unit.parent_code is None:
            assert unit.level == "province"
            continue
        day = unit.valid_to or unit.valid_from or NEW_FIRST_DAY
        parents = [u for u in units if u.code == unit.parent_code and u.in_force(day)]
        assert len(parents) == 1, (unit.code, unit.parent_code, day)


# --------------------------------------------------------------------------- successions


def test_successions_link_old_communes_to_existing_units(units: list[UnitRow]) -> None:
    successions = ref.read_successions()
    district_province = {u.code: u.parent_code for u in units if u.level == "district"}
    old_lao_cai = 0
    for row in successions:
        day_before = date.fromordinal(row.effective.toordinal() - 1)
        old = [
            u
            for u in units
            if u.code == row.old_code
            and u.level == "commune"
            and u.parent_code == row.old_district_code
            and u.in_force(day_before)
            and not u.in_force(row.effective)
        ]
        assert len(old) == 1, row
        if district_province[row.old_district_code] == OLD_LAO_CAI:
            old_lao_cai += 1
        new = [
            u
            for u in units
            if u.code == row.new_code
            and u.level == "commune"
            and row.new_province_code in {u.parent_code, district_province.get(u.parent_code or "")}
            and u.in_force(row.effective)
        ]
        assert len(new) == 1, row
        assert new[0].name == row.new_name.strip()
    assert old_lao_cai == 152


def test_yen_bai_2024_arrangement_ends_five_communes(units: list[UnitRow]) -> None:
    yen_bai_districts = {u.code for u in units if u.level == "district" and u.parent_code == "15"
                         and u.in_force(OLD_LAST_DAY)}
    ended = sorted((u.code, u.name) for u in units if u.level == "commune"
                   and u.parent_code in yen_bai_districts and u.valid_to == date(2024, 12, 31))
    assert ended == [("04267", "Phường Hồng Hà"), ("04507", "Xã Đào Thịnh"),
                     ("04528", "Xã Nga Quán"), ("04561", "Xã Bảo Hưng"), ("04774", "Xã Yên Bình")]
    assert len(in_force(units, date(2024, 12, 31), "commune", yen_bai_districts)) == 173
    assert len(in_force(units, OLD_LAST_DAY, "commune", yen_bai_districts)) == 168
    links = {s.old_code: s.new_code for s in ref.read_successions()
             if s.effective == date(2025, 1, 1)}
    # Nga Quán and Bảo Hưng: their successor is not sourced (see ATTRIBUTION.md).
    assert links == {"04267": "04264", "04507": "04510", "04774": "04762"}


def test_every_old_lao_cai_commune_has_a_2025_successor(units: list[UnitRow]) -> None:
    old = {c.code for c in in_force(units, OLD_LAST_DAY, "commune", LAO_CAI_DISTRICTS)}
    linked = {s.old_code for s in ref.read_successions() if s.effective == NEW_FIRST_DAY}
    assert old <= linked
    ta_chai = [s for s in ref.read_successions() if s.old_code == "02872"]
    assert [(s.new_code, s.effective) for s in ta_chai] == [("02839", date(2024, 11, 1))]


# --------------------------------------------------------------------------- agencies


def test_agencies_are_dated_units_under_the_province(
    agencies: list[AgencyRow], units: list[UnitRow]
) -> None:
    assert 20 <= len(agencies) <= 40
    codes = {a.code for a in agencies}
    for agency in agencies:
        assert agency.name_vi
        assert agency.name_en
        assert agency.parent_code is not None
        if agency.parent_code in codes:
            continue
        parents = [
            u
            for u in units
            if u.code == agency.parent_code
            and u.level == "province"
            and (agency.valid_to is None or u.in_force(agency.valid_to))
            and (agency.valid_from is None or u.in_force(agency.valid_from))
        ]
        assert len(parents) == 1, agency
        if agency.parent_code == OLD_LAO_CAI:
            assert agency.valid_to is not None
            assert agency.valid_to <= OLD_LAST_DAY
    by_code: dict[str, list[AgencyRow]] = defaultdict(list)
    for agency in agencies:
        for other in by_code[agency.code]:
            assert not overlaps(
                agency.valid_from, agency.valid_to, other.valid_from, other.valid_to
            ), agency.code
        by_code[agency.code].append(agency)


def test_dic_merged_into_science_and_technology(agencies: list[AgencyRow]) -> None:
    dic = [a for a in agencies if a.code == "so-tttt"]
    assert [(a.parent_code, a.valid_to) for a in dic] == [(OLD_LAO_CAI, date(2025, 2, 28))]
    dost = [a for a in agencies if a.code == "so-kh-cn"]
    assert any(a.in_force(date(2025, 3, 1)) for a in dost)
    assert [a.parent_code for a in dost if a.in_force(date(2030, 1, 1))] == [NEW_LAO_CAI]
    for code in ("ubnd-tinh", "so-tai-chinh", "buu-dien-tinh", "vnpt-lao-cai", "viettel-lao-cai"):
        assert any(a.code == code and a.in_force(date(2022, 1, 1)) for a in agencies), code


def test_every_ended_agency_has_a_successor_in_force_the_next_day(
    agencies: list[AgencyRow],
) -> None:
    links = ref.read_agency_successions()
    for agency in agencies:
        if agency.valid_to is None:
            continue
        after = date.fromordinal(agency.valid_to.toordinal() + 1)
        found = [s for s in links if s.old_code == agency.code and s.effective == after]
        assert len(found) == 1, agency
        heirs = [a for a in agencies if a.code == found[0].new_code and a.in_force(after)]
        assert len(heirs) == 1, found[0]
        assert heirs[0].parent_code == (NEW_LAO_CAI if after >= NEW_FIRST_DAY else OLD_LAO_CAI)
    by_old = {s.old_code: s for s in links if s.change == "merged"}
    assert by_old["so-tttt"].new_code == "so-kh-cn"
    assert by_old["so-kh-dt"].new_code == "so-tai-chinh"
    assert (by_old["dai-ptth"].new_code, by_old["dai-ptth"].effective) == (
        "bao-lao-cai", date(2025, 4, 1))
    # The operators, the post and the press go on under the new province.
    for code in ("buu-dien-tinh", "vnpt-lao-cai", "viettel-lao-cai", "bao-lao-cai", "so-vhttdl"):
        assert any(a.code == code and a.parent_code == NEW_LAO_CAI and a.valid_to is None
                   for a in agencies), code
    assert all(s.basis for s in links)


# --------------------------------------------------------------------------- sectors and indicators

CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FORMULA_CHARS = re.compile(r"[A-Z0-9_ +\-*/().]+")
# Where data entered at one level can be aggregated to (agencies belong to the province).
REACHES = {
    "commune": {"commune", "district", "province"},
    "district": {"district", "province"},
    "province": {"province"},
    "agency": {"agency", "province"},
}


def references(formula: str) -> set[str]:
    return set(TOKEN.findall(formula))


def test_sectors() -> None:
    sectors = ref.read_sectors()
    assert [s.code for s in sorted(sectors, key=lambda s: s.sort)] == [
        "postal",
        "telecom",
        "it_dx",
        "press",
        "ktxh",
        "feedback",
        "public_service",
    ]
    assert all(s.name_vi and s.name_en for s in sectors)


def test_catalogue_size_and_codes(indicators: list[IndicatorRow]) -> None:
    assert len(indicators) >= 45
    codes = [row.code for row in indicators]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert CODE.fullmatch(code), code
        assert code.isascii()


def test_exactly_ten_plan_targets(indicators: list[IndicatorRow]) -> None:
    targets = [row for row in indicators if row.plan_target]
    assert len(targets) == 10
    assert {row.sector for row in targets} >= {"postal", "telecom", "it_dx"}


def test_enum_columns_take_allowed_values(indicators: list[IndicatorRow]) -> None:
    sectors = {s.code for s in ref.read_sectors()}
    for row in indicators:
        assert row.sector in sectors, row.code
        assert row.value_type in ref.VALUE_TYPES, row.code
        assert row.direction in ref.DIRECTIONS, row.code
        assert row.periodicity in ref.PERIODICITIES, row.code
        assert 0 <= row.decimals <= (4 if row.unit_en == "score (0–1)" else 2), row.code
        assert row.levels, row.code
        assert set(row.levels) <= ref.LEVELS, row.code
        if row.is_derived:
            assert row.agg_units is None, row.code
            assert row.agg_time is None, row.code
        else:
            assert row.agg_units in ref.AGG_UNITS, row.code
            assert row.agg_time in ref.AGG_TIME, row.code


def test_kinds_follow_what_the_figures_are(indicators: list[IndicatorRow]) -> None:
    for row in indicators:
        assert row.kind in ref.KINDS, row.code
        if row.value_type == "percent" or "/100" in row.unit_vi:
            assert row.kind == "rate", row.code  # changes in points, never in per cent
        if row.kind == "denominator":
            # A count that only sizes a rate: no better or worse, nothing to rank.
            assert row.direction == "none" and not row.is_derived, row.code
    kinds = {row.code: row.kind for row in indicators}
    assert kinds["BC_TONG_XA"] == "denominator"  # communes: the 2025 reform made them fewer
    assert kinds["CDS_CHI_SO_DTI"] == kinds["CDS_XEP_HANG_DTI"] == "index"
    assert kinds["CDS_DAN_SO"] == "amount"  # population growth in per cent is a figure


def test_names_and_descriptions_in_both_languages(indicators: list[IndicatorRow]) -> None:
    vietnamese = re.compile(
        r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]"
    )
    for row in indicators:
        for text in (row.name_vi, row.name_en, row.unit_vi, row.unit_en):
            assert text.strip(), row.code
        for text in (row.description_vi, row.description_en):
            assert text.endswith("."), row.code
        assert vietnamese.search(row.name_vi.lower()), row.code
        assert not vietnamese.search(row.name_en.lower()), row.code
        assert row.name_vi != row.name_en, row.code


def test_every_indicator_names_its_source_body(indicators: list[IndicatorRow]) -> None:
    bodies = {"Cục Thống kê", "Sở Tài chính", "Sở Văn hóa, Thể thao và Du lịch", "Sở Công Thương",
              "Bộ Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo",
              "Sở Nội vụ", "Văn phòng Ủy ban nhân dân tỉnh",
              "Ngân hàng Nhà nước Việt Nam (chi nhánh khu vực)",
              # The reporting counts: what the operations centre sees arrive, by regime.
              "Trung tâm Giám sát, điều hành thông minh tỉnh"}
    for row in indicators:
        named = row.source_vi.split("; ")
        assert set(named) <= bodies, (row.code, row.source_vi)
        assert len(row.source_en.split("; ")) == len(named), row.code
        assert row.source_en.isascii(), row.code
    by_code = {r.code: r for r in indicators}
    assert by_code["CDS_CHI_SO_DTI"].source_vi == "Bộ Khoa học và Công nghệ"
    assert by_code["KTXH_TANG_TRUONG_GRDP"].source_vi == "Cục Thống kê"
    assert by_code["KTXH_THU_NSNN"].source_vi == "Sở Tài chính"
    assert by_code["KTXH_KHACH_DU_LICH"].source_vi == "Sở Văn hóa, Thể thao và Du lịch"
    assert by_code["KTXH_XNK_CUA_KHAU"].source_vi == "Sở Công Thương"
    assert by_code["TTBC_TIN_BAI"].source_vi == "Sở Văn hóa, Thể thao và Du lịch"


def test_the_catalogue_has_what_a_province_reports_and_is_ranked_on(
    by_code: dict[str, IndicatorRow],
) -> None:
    dti = [c for c in by_code if c.startswith("CDS_DTI_")]
    assert len(dti) == 11  # 3 pillars and 8 main indices of Decision 922/QĐ-BTTTT
    assert all(by_code[c].max_value == 1 and by_code[c].decimals == 4 for c in dti)
    for code in ("CDS_TY_TRONG_KTS_GRDP", "CNTT_TY_LE_VB_DIEN_TU", "CNTT_TY_LE_VB_KY_SO",
                 "CDS_TO_CNS_CONG_DONG", "CNTT_TY_LE_SO_HOA", "TTBC_TY_LE_PHU_SONG_PT",
                 "TTBC_TY_LE_PHU_SONG_TH", "VT_TY_LE_SMARTPHONE", "KTXH_TANG_TRUONG_GRDP",
                 "KTXH_THU_NSNN", "KTXH_KHACH_DU_LICH", "KTXH_XNK_CUA_KHAU", "CNTT_DVC_MOT_PHAN"):
        assert code in by_code, code
    # Decree 42/2022: "toàn trình / một phần"; the old "mức độ 4" stays as history.
    assert by_code["CNTT_DVC_MUC_4"].name_vi == "Số dịch vụ công trực tuyến toàn trình"
    assert "mức độ 4" in by_code["CNTT_DVC_MUC_4"].description_vi
    assert not any("mức độ 4" in r.name_vi for r in by_code.values())


def test_bounds(indicators: list[IndicatorRow]) -> None:
    for row in indicators:
        if row.min_value is not None and row.max_value is not None:
            assert row.min_value <= row.max_value, row.code
        if row.value_type == "percent":
            assert (row.min_value, row.max_value) == (0, 100), row.code
        if row.value_type == "integer" and row.min_value is not None:
            assert row.min_value == int(row.min_value), row.code


def test_formulas_reference_only_known_base_indicators(
    indicators: list[IndicatorRow], by_code: dict[str, IndicatorRow]
) -> None:
    derived = [row for row in indicators if row.is_derived]
    assert len(derived) >= 8
    for row in derived:
        assert row.formula is not None
        assert FORMULA_CHARS.fullmatch(row.formula), row.code
        assert row.formula.count("(") == row.formula.count(")"), row.code
        parts = references(row.formula)
        assert parts, f"{row.code} has no parts"
        unknown = parts - by_code.keys()
        assert not unknown, f"{row.code} refers to unknown {sorted(unknown)}"
        assert row.code not in parts, row.code
        # No chains: the parts of a derived indicator are base indicators.
        assert not [p for p in parts if by_code[p].is_derived], row.code


def test_derived_indicators_are_computable_where_they_are_shown(
    indicators: list[IndicatorRow], by_code: dict[str, IndicatorRow]
) -> None:
    for row in indicators:
        if row.formula is None:
            continue
        parts = [by_code[p] for p in references(row.formula)]
        for level in row.levels:
            for part in parts:
                reach = set().union(*(REACHES[lv] for lv in part.levels))
                assert level in reach, (row.code, level, part.code)
        coarsest = "year" if any(p.periodicity == "year" for p in parts) else "month"
        assert row.periodicity == coarsest, row.code


def test_percentages_with_parts_are_derived(indicators: list[IndicatorRow]) -> None:
    # A base percentage is a figure reported as is, never summed over units.
    for row in indicators:
        if row.value_type == "percent" and not row.is_derived:
            assert row.agg_units == "none", row.code
            assert row.levels == ("province",), row.code


def test_plan_targets_include_the_registered_figures(by_code: dict[str, IndicatorRow]) -> None:
    for code in (
        "BC_TY_LE_XA_CO_DIEM",
        "BC_DOANH_THU",
        "VT_DOANH_THU",
        "VT_TY_LE_HO_BRCD",
        "VT_TY_LE_THON_CO_SONG",
        "CNTT_TY_LE_DVC_MUC_4",
        "CNTT_TY_LE_HO_SO_TRUC_TUYEN",
        "CNTT_TY_LE_CQ_TSLCD",
        "CDS_TY_LE_HO_INTERNET",
    ):
        assert by_code[code].plan_target, code


# --------------------------------------------------------------------------- geojson


def test_district_geojson_matches_the_9_district_codes() -> None:
    data = ref.read_geojson("laocai_districts_2024")
    codes = [f["properties"]["code"] for f in data["features"]]
    assert sorted(codes) == sorted(LAO_CAI_DISTRICTS)
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in data["features"])


def test_province_geojson_has_63_provinces_and_both_archipelagos() -> None:
    data = ref.read_geojson("vn_provinces_2024.geojson")
    props = [f["properties"] for f in data["features"]]
    provinces = [p for p in props if p["feature_type"] == "province"]
    assert len(provinces) == 63
    assert len({p["code"] for p in provinces}) == 63
    names = sorted(p["name"] for p in props if p["feature_type"] == "archipelago")
    assert len(names) == 2
    assert names[0].startswith("Quần đảo Hoàng Sa")
    assert names[1].startswith("Quần đảo Trường Sa")
    after = {p["code"]: p["province_2025_code"] for p in provinces}
    assert after[OLD_LAO_CAI] == after["15"] == NEW_LAO_CAI
    assert len(set(after.values())) == 34


def test_unknown_geojson_name_is_refused() -> None:
    assert ref.geojson_names() == ["laocai_districts_2024", "vn_provinces_2024"]
    with pytest.raises(ValueError, match="no such packaged GeoJSON"):
        ref.read_geojson("../units/laocai_units")


# --------------------------------------------------------------------------- parse errors


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_date_names_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "units.csv",
        "code,name,level,parent_code,valid_from,valid_to\n"
        "10,Tỉnh Lào Cai,province,,1991-10-01,\n"
        "080,Thành phố Lào Cai,district,10,,30/06/2025\n",
    )
    with pytest.raises(ValueError, match=r"units\.csv, line 3, field 'valid_to': .*30/06/2025"):
        ref.read_units(path)


def test_bad_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "sectors.csv", "code,name_vi,sort\npostal,Bưu chính,1\n")
    with pytest.raises(ValueError, match=r"sectors\.csv, line 1, field 'name_en'"):
        ref.read_sectors(path)


def test_bad_indicator_cells_are_refused(tmp_path: Path) -> None:
    header = (
        "code,name_vi,name_en,unit_vi,unit_en,sector,value_type,kind,agg_units,agg_time,"
        "direction,decimals,periodicity,levels,formula,min_value,max_value,plan_target,"
        "description_vi,description_en,source_vi,source_en"
    )
    good = ("A_B,Tên,Name,hộ,households,postal,integer,amount,sum,last,up,0,year,commune,,0,,0,"
            "Mô tả.,Text.,Sở Nội vụ,Department of Home Affairs")
    assert ref.read_indicators(write(tmp_path / "ok.csv", f"{header}\n{good}\n"))[0].code == "A_B"
    cases = {
        "value_type": good.replace("integer", "count"),
        "kind": good.replace(",amount,", ",size,"),
        "levels": good.replace("commune", "village"),
        "decimals": good.replace(",0,year", ",5,year"),
        "source_vi": good.replace("Sở Nội vụ", ""),
        "plan_target": good.replace(",0,Mô", ",yes,Mô"),
        "code": good.replace("A_B", "a-b"),
        "agg_units": good.replace(",,0,,0,", ",A_C / A_D,0,,0,"),
    }
    for field, line in cases.items():
        path = write(tmp_path / f"{field}.csv", f"{header}\n{line}\n")
        with pytest.raises(ValueError, match=rf"line 2, field '{field}'"):
            ref.read_indicators(path)
    duplicate = write(tmp_path / "dup.csv", f"{header}\n{good}\n{good}\n")
    with pytest.raises(ValueError, match=r"line 3, field 'code': 'A_B' repeats .* line 2"):
        ref.read_indicators(duplicate)


def test_short_row_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "sectors.csv", "code,name_vi,name_en,sort\npostal,Bưu chính\n")
    with pytest.raises(ValueError, match=r"sectors\.csv, line 2: 2 cells"):
        ref.read_sectors(path)
