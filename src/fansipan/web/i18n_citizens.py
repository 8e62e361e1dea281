"""The words of the field-report and dossier pages, Vietnamese then English.

Kept apart from the dashboard's catalogue (`i18n.py` merges them) so the two grow
without treading on each other; same shape: key → (vi, en).
"""

from __future__ import annotations

from typing import Final

CITIZENS_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "nav_feedback": ("Phản ánh", "Report a problem"),
    "nav_dossiers": ("Hồ sơ TTHC", "Public services"),
    # Sending a report
    "fb_new_title": ("Gửi phản ánh hiện trường", "Report a problem"),
    "fb_new_lead": ("Sạt lở, đường hỏng, dây điện đứt, mất nước, rác thải, lấn chiếm vỉa hè, "
                    "chặt chém du khách… Phản ánh được chuyển ngay đến cơ quan có trách nhiệm "
                    "và được theo dõi đến khi xử lý xong.",
                    "A landslide, a broken road, a fallen power line, no water, rubbish, a "
                    "blocked pavement, tourists overcharged… Your report goes straight to the "
                    "body responsible and is followed until it is dealt with."),
    "fb_privacy": ("Loại phản ánh, nội dung, vị trí và ảnh được công khai; họ tên, số điện "
                   "thoại, thư điện tử của bạn không bao giờ được công khai. Số điện thoại, "
                   "thư điện tử ghi trong nội dung sẽ được ẩn.",
                   "The kind of problem, your description, the place and the photos are "
                   "public; your name, phone and e-mail never are. A phone number or e-mail "
                   "written in the description is hidden."),
    "fb_track_link": ("Tra cứu phản ánh đã gửi", "Follow a report"),
    "fb_map_link": ("Bản đồ phản ánh", "Map of reports"),
    "fb_pick_category": ("Bạn muốn phản ánh về việc gì?", "What is the problem about?"),
    "fb_category": ("Loại phản ánh", "Kind of problem"),
    "fb_deadline_promise": ("Thời hạn xử lý: {days} ngày làm việc.",
                            "To be dealt with within {days} working days."),
    "fb_where": ("Ở đâu?", "Where?"),
    "fb_commune": ("Xã, phường", "Commune or ward"),
    "fb_commune_pick": ("— Chọn xã, phường —", "— Choose a commune or ward —"),
    "fb_address": ("Địa chỉ, địa danh", "Address or place"),
    "fb_address_hint": ("Ví dụ: Km 12 QL4D, thôn Tả Van", "e.g. Km 12 QL4D, Tả Van village"),
    "fb_locate": ("Dùng vị trí hiện tại của tôi", "Use my current position"),
    "fb_lat": ("Vĩ độ", "Latitude"),
    "fb_long": ("Kinh độ", "Longitude"),
    "fb_where_public": ("Vị trí là nơi xảy ra sự việc và được công khai trên bản đồ.",
                        "The place is where the problem is, and is shown on the public map."),
    "fb_what": ("Chuyện gì xảy ra?", "What is wrong?"),
    "fb_description": ("Mô tả", "Description"),
    "fb_photos": ("Ảnh (tối đa {n} ảnh)", "Photos (at most {n})"),
    "fb_photos_note": ("JPEG, PNG hoặc WebP, tối đa 10 MB mỗi ảnh. Thông tin vị trí và máy "
                       "chụp trong ảnh được xóa trước khi công khai.",
                       "JPEG, PNG or WebP, at most 10 MB each. The position and camera data "
                       "inside a photo are removed before it is shown."),
    "fb_who": ("Liên hệ (không bắt buộc)", "Contact (optional)"),
    "fb_who_note": ("Để cơ quan xử lý liên hệ khi cần. Không công khai.",
                    "So the body can reach you if needed. Never shown to the public."),
    "fb_full_name": ("Họ và tên", "Full name"),
    "fb_phone": ("Số điện thoại", "Phone"),
    "fb_email": ("Thư điện tử", "E-mail"),
    "fb_send": ("Gửi phản ánh", "Send the report"),
    # Receipt
    "fb_received_title": ("Đã nhận phản ánh {id}", "Report {id} received"),
    "fb_received_h": ("Đã nhận phản ánh của bạn", "Your report has been received"),
    "fb_your_number": ("Mã phản ánh của bạn (dùng để tra cứu):",
                       "Your report's number (to follow it):"),
    "fb_agency": ("Cơ quan xử lý", "Responsible body"),
    "fb_triage": ("Đang phân loại tại Trung tâm Giám sát, điều hành thông minh",
                  "Being triaged by the Intelligent Operations Centre"),
    "fb_deadline": ("Hạn xử lý", "Deadline"),
    "fb_rating_key": ("Mã đánh giá:", "Rating key:"),
    "fb_rating_key_note": ("Lưu mã này: khi phản ánh đã được xử lý, bạn dùng nó để đánh giá "
                           "có hài lòng hay không. Mã chỉ hiện một lần.",
                           "Keep this key: once the report is dealt with, use it to say "
                           "whether you are satisfied. It is shown only once."),
    "fb_follow": ("Theo dõi phản ánh", "Follow the report"),
    "fb_another": ("Gửi phản ánh khác", "Send another report"),
    # Following
    "fb_track_title": ("Tra cứu phản ánh", "Follow a report"),
    "fb_number": ("Mã phản ánh", "Report number"),
    "fb_look_up": ("Tra cứu", "Look up"),
    "fb_overdue": ("Quá hạn", "Overdue"),
    "fb_duplicate_of": ("Trùng với phản ánh", "Duplicate of"),
    "fb_photo_alt": ("Ảnh hiện trường {n}", "Photo {n} of the place"),
    "fb_photo_link": ("Ảnh do ứng dụng gửi kèm", "Photo sent by the application"),
    "fb_history": ("Quá trình xử lý", "What has been done"),
    "fb_rate_title": ("Đánh giá kết quả xử lý", "Rate the handling"),
    "fb_rate_question": ("Bạn có hài lòng với kết quả xử lý không?",
                         "Are you satisfied with how it was dealt with?"),
    "fb_satisfied": ("Hài lòng", "Satisfied"),
    "fb_dissatisfied": ("Không hài lòng", "Not satisfied"),
    "fb_rate_note": ("Ý kiến thêm (công khai, không ghi thông tin cá nhân)",
                     "Anything to add (public: no personal details)"),
    "fb_rate_send": ("Gửi đánh giá", "Send the rating"),
    "fb_rated": ("Cảm ơn bạn đã đánh giá.", "Thank you for your rating."),
    "fb_pick_rating": ("Chọn hài lòng hoặc không hài lòng", "Choose satisfied or not"),
    # The map
    "fb_map_title": ("Bản đồ phản ánh hiện trường", "Map of field reports"),
    "fb_all_categories": ("Tất cả", "All"),
    "fb_all_states": ("Tất cả", "All"),
    "fb_group_open": ("Đang xử lý", "Open"),
    "fb_group_closed": ("Đã xử lý", "Dealt with"),
    "fb_group_overdue": ("Quá hạn", "Overdue"),
    "fb_map_legend": ("Phản ánh theo tình trạng xử lý", "Reports by how they stand"),
    "fb_map_note": ("Các phản ánh trong 90 ngày gần nhất (tối đa 1.000). Không hiển thị thông "
                    "tin cá nhân. Bấm vào một điểm để xem phản ánh.",
                    "Reports of the last 90 days (at most 1,000). No personal data is shown. "
                    "Click a point to see the report."),
    "fb_map_alt": ("Bản đồ {n} phản ánh trên địa bàn tỉnh", "Map of {n} reports in the "
                                                           "province"),
    "fb_latest": ("Phản ánh gần đây", "Latest reports"),
    "fb_received": ("Tiếp nhận", "Received"),
    "fb_status": ("Trạng thái", "Status"),
    # The staff inbox
    "ib_title": ("Xử lý phản ánh hiện trường", "Field reports to handle"),
    "ib_state_open": ("Đang xử lý", "Open"),
    "ib_state_overdue": ("Quá hạn", "Overdue"),
    "ib_state_closed": ("Đã xử lý", "Dealt with"),
    "ib_state_all": ("Tất cả", "All"),
    "ib_take_call": ("Ghi nhận phản ánh qua điện thoại, đường dây nóng",
                     "Take down a report made by phone or on the hotline"),
    "ib_search": ("Tìm mã, nội dung, địa chỉ", "Search number, text, address"),
    "ib_open": ("phản ánh đang xử lý", "open reports"),
    "ib_overdue": ("quá hạn", "overdue"),
    "ib_shown": ("Hiển thị {n}/{total} phản ánh; quá hạn xếp trên cùng.",
                 "Showing {n} of {total} reports; overdue ones first."),
    "ib_empty": ("Không có phản ánh nào.", "No reports."),
    "ib_the_report": ("Nội dung phản ánh", "The report"),
    "ib_actor_citizen": ("người dân", "citizen"),
    "ib_actor_system": ("tự động", "automatic"),
    "ib_channel_web": ("trang phản ánh", "public page"),
    "ib_channel_open311": ("ứng dụng Open311", "Open311 application"),
    "ib_channel_staff": ("cán bộ tiếp nhận", "taken by staff"),
    "ib_point": ("Tọa độ", "Position"),
    "ib_reporter": ("Người phản ánh:", "Reporter:"),
    "ib_not_public": ("không công khai", "never public"),
    "ib_internal": ("Nội bộ", "Internal"),
    "ib_next_step": ("Bước tiếp theo", "Next step"),
    "ib_step": ("Bước", "Step"),
    "ib_pick_step": ("Chọn một bước trong danh sách", "Choose a step from the list"),
    "ib_to_body": ("Giao cho", "Give to"),
    "ib_reason": ("Lý do (công khai)", "Reason (public)"),
    "ib_referred_to": ("Cơ quan có thẩm quyền", "The responsible body"),
    "ib_public_note": ("Ghi chú công khai", "Public note"),
    "ib_internal_note": ("Ghi chú nội bộ", "Internal note"),
    "ib_record_step": ("Ghi nhận", "Record the step"),
    "ib_step_done": ("Đã ghi nhận bước «{step}».", "Recorded: {step}."),
    "ib_maybe_duplicates": ("Có thể trùng với", "May duplicate"),
    "ib_hours": ("giờ", "hours"),
    "ib_moderation": ("Kiểm duyệt nội dung công khai", "What the public sees"),
    "ib_moderation_note": ("Thay nội dung công khai khi người dân ghi thông tin cá nhân hoặc "
                           "lời lẽ không phù hợp; ẩn ảnh có người, biển số xe.",
                           "Replace the public description when it holds personal details "
                           "or abuse; hide photos that show people or number plates."),
    "ib_public_description": ("Nội dung công khai thay thế (để trống: giữ nguyên, đã ẩn số "
                              "điện thoại, thư điện tử)", "Public description instead (empty: "
                              "as written, phone numbers and e-mails hidden)"),
    "ib_hide_photos": ("Ẩn ảnh khỏi công chúng", "Hide the photos from the public"),
    "ib_moderated": ("Đã lưu nội dung công khai.", "Saved what the public sees."),
    "ib_public_sees": ("Công chúng thấy", "What the public sees"),
    "ib_public_page": ("Mở trang công khai của phản ánh", "Open the report's public page"),
    # Dossiers
    "dv_title": ("Giải quyết hồ sơ thủ tục hành chính", "Public-service dossiers"),
    "dv_as_of": ("Kỳ {period}, số liệu tính đến {time}, theo Quyết định 766/QĐ-TTg.",
                 "{period}, as things stood at {time}, as Decision 766/QĐ-TTg counts."),
    "dv_total": ("Toàn tỉnh", "The whole province"),
    "dv_dossiers": ("hồ sơ", "dossiers"),
    "dv_body": ("Cơ quan giải quyết", "Handling body"),
    "dv_received": ("Tiếp nhận", "Received"),
    "dv_handled": ("Đã giải quyết", "Handled"),
    "dv_early": ("Trước hạn", "Early"),
    "dv_on_time": ("Đúng hạn", "On time"),
    "dv_late": ("Quá hạn", "Late"),
    "dv_open_overdue": ("Quá hạn chưa giải quyết", "Overdue, still open"),
    "dv_rate_766": ("Đúng hạn (766)", "On time (766)"),
    "dv_rate_766_long": ("Tỷ lệ giải quyết trước hạn, đúng hạn trên số hồ sơ đã giải quyết",
                         "Handled early or on time, of the dossiers handled"),
    "dv_rate_overdue": ("Đúng hạn (kể cả tồn quá hạn)", "On time (with open overdue)"),
    "dv_rate_overdue_long": ("Tỷ lệ trước hạn, đúng hạn trên số đã giải quyết và quá hạn "
                             "chưa giải quyết", "Early or on time, of those handled plus "
                                                "those overdue and still open"),
    "dv_average_days": ("Số ngày giải quyết bình quân", "Average days to handle"),
    "dv_net_of_waiting": ("đã trừ thời gian chờ bổ sung", "net of the time waiting for "
                                                          "documents"),
    "dv_carried": ("tồn kỳ trước {n}", "{n} carried over"),
    "dv_open_within": ("đang giải quyết trong hạn {n}", "{n} open within time"),
    "dv_online": ("Nộp trực tuyến", "Submitted online"),
    "dv_paid_online": ("Thanh toán trực tuyến", "Paid online"),
    "dv_e_result": ("Kết quả điện tử", "Electronic result"),
    "dv_digitised": ("Số hóa", "Digitised"),
    "dv_rates_note": ("Hai tỷ lệ đúng hạn: theo Quyết định 766 (mẫu số là hồ sơ đã giải quyết) "
                      "và kể cả hồ sơ quá hạn chưa giải quyết (để hồ sơ tồn đọng không bị bỏ "
                      "ra ngoài). Thời gian chờ bổ sung không tính vào hạn.",
                      "Two on-time rates: as Decision 766 counts (of the dossiers handled), "
                      "and with the overdue dossiers still open (so a backlog cannot vanish "
                      "from the rate). Time waiting for documents does not count."),
    "dv_by_agency": ("Xếp hạng cơ quan giải quyết", "Handling bodies ranked"),
    "dv_by_unit": ("Theo địa bàn", "By area"),
    "dv_drill_hint": ("Bấm tên cơ quan để xem các hồ sơ quá hạn.",
                      "Click a body to see its late dossiers."),
    "dv_late_title": ("Hồ sơ quá hạn — {body}", "Late dossiers — {body}"),
    "dv_late_h": ("Hồ sơ giải quyết quá hạn và quá hạn chưa giải quyết",
                  "Dossiers handled late and overdue ones still open"),
    "dv_late_note": ("Kỳ {period}; hồ sơ quá hạn nhiều nhất xếp trên cùng.",
                     "{period}; the furthest past their due moment first."),
    "dv_number": ("Số hồ sơ", "Dossier number"),
    "dv_procedure": ("Thủ tục", "Procedure"),
    "dv_received_at": ("Tiếp nhận", "Received"),
    "dv_due_at": ("Hẹn trả", "Due"),
    "dv_effective_due": ("Hạn (đã lùi theo thời gian chờ)", "Due (moved by waiting)"),
    "dv_completed_at": ("Hoàn thành", "Completed"),
    "dv_days_late": ("Số ngày quá hạn", "Days late"),
    "dv_none_late": ("Không có hồ sơ quá hạn trong kỳ.", "No late dossiers in the period."),
    # The panel of the overview and the wall
    "fp_title": ("Phản ánh hiện trường tháng {month}", "Field reports, {month}"),
    "fp_received": ("phản ánh tiếp nhận trong tháng", "reports received this month"),
    "fp_on_time": ("xử lý đúng hạn (trên {n} đã xử lý)", "handled on time (of {n} handled)"),
    "fp_open": ("đang xử lý", "open"),
    "fp_overdue": ("quá hạn chưa xử lý", "overdue, still open"),
    "fp_top": ("Nhiều nhất:", "Most reported:"),
}
