"""The dashboard's words in Vietnamese (the default) and English.

One flat catalogue, key → (vi, en). A missing key fails loudly in the tests
(`tests/web/test_i18n.py` renders every template in both languages).
"""

from __future__ import annotations

from typing import Final

from fansipan.web.i18n_citizens import CITIZENS_MESSAGES
from fansipan.web.i18n_direction import DIRECTION_MESSAGES
from fansipan.web.i18n_foresight import FORESIGHT_MESSAGES

LANGS: Final = ("vi", "en")

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "app": ("Trung tâm giám sát điều hành thông minh", "Intelligent operations centre"),
    "skip": ("Bỏ qua, đến nội dung chính", "Skip to the main content"),
    "nav": ("Điều hướng chính", "Main navigation"),
    "overview": ("Tổng quan", "Overview"),
    "indicators": ("Chỉ tiêu", "Indicators"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "sectors": ("Lĩnh vực", "Sectors"),
    "sector": ("Lĩnh vực", "Sector"),
    "targets": ("Kế hoạch", "Targets"),
    "entry": ("Nhập số liệu", "Data entry"),
    "imports": ("Nhập từ tệp", "Imports"),
    "wall": ("Màn hình lớn", "Wall screen"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "signed_in_as": ("Đang đăng nhập:", "Signed in as"),
    "anonymous_note": ("Bạn đang xem số liệu công khai. Đăng nhập để xem thêm.",
                       "You are seeing public figures. Sign in to see more."),
    "illustrative": ("Số liệu minh họa, không phải số liệu chính thức",
                     "Illustrative figures, not official statistics"),
    "data_source": ("Nguồn số liệu", "Data source"),
    "source_body": ("Cơ quan cung cấp số liệu", "Provided by"),
    "switch_lang": ("English", "Tiếng Việt"),
    "switch_lang_title": ("Switch to English", "Chuyển sang tiếng Việt"),
    "download": ("Tải bảng:", "Download:"),
    "no_data": ("Chưa có số liệu", "No data"),
    "unit": ("Đơn vị", "Unit"),
    "units": ("Đơn vị", "Units"),
    "unit_of_measure": ("Đơn vị tính", "Unit of measure"),
    "period": ("Kỳ", "Period"),
    "year": ("Năm", "Year"),
    "value": ("Giá trị", "Value"),
    "last_year": ("Cùng kỳ năm trước", "Same period last year"),
    "change": ("Thay đổi", "Change"),
    "change_pct": ("Thay đổi (%)", "Change (%)"),
    "share": ("Tỷ trọng (%)", "Share (%)"),
    "rank": ("Xếp hạng", "Rank"),
    "rank_of": ("{rank}/{of}", "{rank} of {of}"),
    "status": ("Đánh giá", "Status"),
    "planned": ("Kế hoạch", "Planned"),
    "actual": ("Thực hiện", "Actual"),
    "document": ("Văn bản giao", "Document"),
    "show": ("Xem", "Show"),
    "save": ("Lưu", "Save"),
    "code": ("Mã", "Code"),
    "name": ("Tên", "Name"),
    "all_sectors": ("Tất cả lĩnh vực", "All sectors"),
    # Overview
    "targets_of_year": ("Thực hiện kế hoạch năm {year}", "Targets for {year}"),
    "no_targets": ("Chưa giao chỉ tiêu kế hoạch nào cho năm {year}.",
                   "No targets have been set for {year}."),
    "headline": ("Chỉ tiêu chính", "Headline indicators"),
    "vs_last_year": ("so với cùng kỳ", "vs same period last year"),
    "freshness": ("Cập nhật số liệu", "Data freshness"),
    "source": ("Nguồn", "Source"),
    "last_update": ("Cập nhật lần cuối", "Last update"),
    "changes_count": ("Số lần ghi", "Changes"),
    "no_changes": ("Chưa có số liệu nào được ghi.", "No data has been written yet."),
    "st_exceeded": ("Vượt", "Exceeded"),
    "st_met": ("Đạt", "Met"),
    "st_missed": ("Không đạt", "Missed"),
    "st_on_track": ("Đúng tiến độ", "On track"),
    "st_at_risk": ("Có nguy cơ", "At risk"),
    "st_no_data": ("Chưa có số liệu", "No data"),
    "all_targets": ("Tất cả lĩnh vực", "All sectors"),
    "live_note": ("Trang tự cập nhật khi có số liệu mới.",
                  "This page refreshes itself when new data lands."),
    # Indicator page
    "definition": ("Định nghĩa", "Definition"),
    "aggregation": ("Cách tổng hợp", "Aggregation"),
    "agg_units": ("theo đơn vị: {a}", "over units: {a}"),
    "agg_time": ("theo thời gian: {a}", "over time: {a}"),
    "direction": ("Chiều tốt", "Better when"),
    "dir_up": ("càng cao càng tốt", "higher"),
    "dir_down": ("càng thấp càng tốt", "lower"),
    "dir_none": ("không đánh giá", "not judged"),
    "periodicity": ("Kỳ báo cáo", "Reported"),
    "formula": ("Công thức", "Formula"),
    "levels": ("Cấp nhập số liệu", "Entered at"),
    "trend": ("Diễn biến theo năm", "Trend by year"),
    "trend_note_mapped": ("Số liệu các năm trước được quy về đơn vị hành chính hiện nay.",
                          "Earlier years are counted in today's administrative units."),
    "partial_year": ("năm đang diễn ra, số liệu đến nay", "the running year, figures so far"),
    "by_unit": ("Theo đơn vị — {period}", "By unit — {period}"),
    "map": ("Bản đồ", "Map"),
    "map_alt": ("Bản đồ các huyện của {unit}: {indicator}, {period}",
                "Map of the districts of {unit}: {indicator}, {period}"),
    "no_map_communes": ("Chưa có ranh giới cấp xã theo giấy phép mở, nên cấp xã được thể hiện "
                        "bằng ô màu và bảng.",
                        "No open-licensed commune boundaries exist yet, so communes are shown "
                        "as coloured tiles and a table."),
    "no_map_reform": ("Từ 01/7/2025 không còn cấp huyện; ranh giới các xã, phường mới chưa có, "
                      "nên số liệu được thể hiện bằng ô màu và bảng.",
                      "Districts were abolished on 1 July 2025 and the new communes' boundaries "
                      "are not available, so the figures are shown as coloured tiles and a "
                      "table."),
    "drill_hint": ("Chọn một đơn vị trên bản đồ, ô màu hoặc bảng để xem chi tiết cấp dưới.",
                   "Choose a unit on the map, the tiles or the table to see the level below."),
    "tree_note": ("Đơn vị hành chính theo thời điểm {day}.",
                  "Administrative units as they stood on {day}."),
    "total": ("Tổng", "Total"),
    # The statistics office is Cục Thống kê (Ministry of Finance) since March 2025.
    "attribution": ("Ranh giới: Who's On First (CC0), Natural Earth. Mã đơn vị: Cục Thống kê "
                    "(Bộ Tài chính).", "Boundaries: Who's On First (CC0), Natural Earth. "
                                      "Codes: National Statistics Office of Viet Nam "
                                      "(Ministry of Finance)."),
    "other_years": ("Chọn kỳ", "Choose a period"),
    "unit_page": ("Trang đơn vị", "Unit page"),
    # Unit page
    "children": ("Đơn vị trực thuộc", "Units below"),
    "all_indicators_of": ("Các chỉ tiêu của {unit} — {period}",
                          "Every indicator of {unit} — {period}"),
    # Sector page
    "sector_targets": ("Kế hoạch năm {year} của lĩnh vực", "The sector's targets for {year}"),
    "sector_indicators": ("Chỉ tiêu của lĩnh vực", "The sector's indicators"),
    # Targets page
    "targets_title": ("Chỉ tiêu kế hoạch năm {year}", "Targets for {year}"),
    "edit_target": ("Sửa hoặc thêm chỉ tiêu kế hoạch", "Edit or add a target"),
    "target_saved": ("Đã lưu chỉ tiêu kế hoạch {indicator} ({unit}, {period}).",
                     "Saved the target {indicator} ({unit}, {period})."),
    "tolerance": ("Dung sai (0–1)", "Tolerance (0–1)"),
    # Entry
    "entry_title": ("Nhập số liệu", "Enter data"),
    "entry_pick": ("Chọn đơn vị, kỳ và nhóm chỉ tiêu", "Choose unit, period and group"),
    "group": ("Nhóm chỉ tiêu", "Indicator group"),
    "previous": ("Kỳ trước ({period})", "Previous period ({period})"),
    "this_period": ("Kỳ này ({period})", "This period ({period})"),
    "comment": ("Ghi chú", "Comment"),
    "save_draft": ("Lưu nháp", "Save draft"),
    "submit": ("Gửi phê duyệt", "Submit for approval"),
    "saved": ("Đã lưu: {created} mới, {updated} sửa, {unchanged} không đổi.",
              "Saved: {created} new, {updated} changed, {unchanged} unchanged."),
    "submitted": ("Đã gửi {unit} kỳ {period} để phê duyệt.",
                  "Submitted {unit}, {period} for approval."),
    "not_saved": ("Chưa lưu được: sửa các ô được đánh dấu rồi lưu lại.",
                  "Nothing was saved: correct the marked fields and save again."),
    "approval_state": ("Trạng thái phê duyệt: {state}", "Approval: {state}"),
    "state_open": ("đang mở", "open"),
    "state_submitted": ("đã gửi, chờ phê duyệt", "submitted, awaiting approval"),
    "state_approved": ("đã phê duyệt, khóa", "approved and locked"),
    "no_fields": ("Không có chỉ tiêu nào của nhóm này nhập cho đơn vị và kỳ đã chọn.",
                  "No indicator of this group is entered for this unit and period."),
    "entry_keys": ("Mẹo: Tab hoặc Enter chuyển sang ô sau; số viết như 1.234,5 hoặc 1234.5.",
                   "Tip: Tab or Enter moves to the next field; write numbers like 1.234,5 or "
                   "1234.5."),
    "range": ("từ {lo} đến {hi}", "from {lo} to {hi}"),
    # Imports
    "imports_title": ("Nhập số liệu từ tệp", "Import data from a file"),
    "file": ("Tệp (CSV, XLSX, JSON)", "File (CSV, XLSX, JSON)"),
    "upload": ("Tải lên và kiểm tra", "Upload and check"),
    "template": ("Mẫu nhập liệu XLSX", "XLSX entry template"),
    "template_get": ("Tải mẫu", "Download the template"),
    "template_help": ("Mẫu có sẵn các chỉ tiêu của nhóm cho đơn vị và các đơn vị trực thuộc, "
                      "kèm số liệu đã có; điền rồi tải lên ở trên.",
                      "The template lists the group's indicators for the unit and the units "
                      "below it, with the figures already stored; fill it in and upload it "
                      "above."),
    "import_more": ("… và {more} lỗi khác không liệt kê.", "… and {more} more not listed."),
    "import_help": ("Cột: mã chỉ tiêu, mã đơn vị, kỳ, giá trị, ghi chú (tiêu đề tiếng Việt "
                    "hoặc tiếng Anh). Tệp CSV, XLSX, JSON hoặc DHIS2. Tệp được kiểm tra toàn "
                    "bộ: nếu có dòng sai, không dòng nào được ghi.",
                    "Columns: indicator code, unit code, period, value, comment (headers in "
                    "Vietnamese or English). CSV, XLSX, JSON or DHIS2 files. The whole file is "
                    "checked: if any row is wrong, nothing is written."),
    "import_ok": ("Đã nhập {rows} dòng: {created} mới, {updated} sửa, {ignored} bỏ qua "
                  "(không đổi).", "Imported {rows} rows: {created} new, {updated} changed, "
                                  "{ignored} ignored (unchanged)."),
    "import_rejected": ("Tệp {file} có {count} lỗi; không dòng nào được ghi.",
                        "{file} has {count} problems; nothing was written."),
    "row": ("Dòng", "Row"),
    "field": ("Cột", "Field"),
    "problem": ("Lỗi", "Problem"),
    "given": ("Giá trị đã ghi", "Given"),
    # Sign-in
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "otp": ("Mã xác thực (nếu có)", "Authentication code (if any)"),
    "change_password": ("Đổi mật khẩu", "Change password"),
    "current_password": ("Mật khẩu hiện tại", "Current password"),
    "new_password": ("Mật khẩu mới", "New password"),
    "must_change": ("Bạn cần đổi mật khẩu ban đầu trước khi dùng hệ thống.",
                    "Change your initial password before using the system."),
    "password_changed": ("Đã đổi mật khẩu.", "Your password has been changed."),
    # Errors
    "error": ("Không thực hiện được", "This could not be done"),
    "error_back": ("Quay lại trang tổng quan", "Back to the overview"),
    "sign_in_needed": ("Cần đăng nhập để xem trang này.", "Sign in to see this page."),
    # Wall
    "wall_title": ("Trung tâm điều hành — {unit}", "Operations centre — {unit}"),
    "updated_at": ("Cập nhật {time}", "Updated {time}"),
}

MESSAGES.update(FORESIGHT_MESSAGES)


MESSAGES.update(CITIZENS_MESSAGES)  # one catalogue, kept in two files
# The direction pages' words (tasks, directives, reports), kept in a catalogue of their own.
MESSAGES.update(DIRECTION_MESSAGES)


def translate(key: str, lang: str, **values: object) -> str:
    vi, en = MESSAGES[key]
    text = en if lang == "en" else vi
    return text.format(**values) if values else text
