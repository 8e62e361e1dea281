"""The words of foresight's page parts (forecast band, odds, alerts), Vietnamese first."""

from __future__ import annotations

from typing import Final

FORESIGHT_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "forecast": ("Dự báo", "Forecast"),
    "forecast_of": ("Dự báo — {unit}", "Forecast — {unit}"),
    "forecast_model": ("Mô hình", "Model"),
    "forecast_backtest": ("Sai số kiểm định ngược (MASE)", "Backtest error (MASE)"),
    "forecast_baseline": ("{mase} (lặp lại cùng kỳ năm trước: {naive})",
                          "{mase} (same period last year: {naive})"),
    "forecast_coverage": ("Độ phủ khoảng 80 % trên kiểm định ngược",
                          "Backtest coverage of the 80 % interval"),
    "forecast_coverage_value": ("{own} theo mô hình, {calibrated} sau khi nới ×{factor}",
                                "{own} as the model gave it, {calibrated} once widened "
                                "×{factor}"),
    "forecast_note": ("Dải đậm: khoảng 80 %; dải nhạt: khoảng 95 %. Số liệu các kỳ trước được "
                      "quy về đơn vị hành chính hiện nay.",
                      "Dark band: the 80 % interval; light band: 95 %. Earlier periods are "
                      "counted in today's administrative units."),
    "forecast_none": ("Chưa dự báo được: {reason}", "No forecast: {reason}"),
    "forecast_old_unit": ("Đơn vị này không còn tồn tại nên không dự báo; chọn đơn vị hiện nay.",
                          "This unit no longer exists, so it is not forecast; choose one of "
                          "today's units."),
    "odds": ("Khả năng đạt", "Odds"),
    "outlook": ("Triển vọng", "Outlook"),
    "odds_pending": ("đang tính", "being computed"),
    "odds_note": ("Khả năng đạt: tỷ lệ trong 1.000 kịch bản mô phỏng mà chỉ tiêu đạt vào cuối "
                  "kỳ (số liệu đã có cộng phần còn lại mô phỏng theo mô hình dự báo).",
                  "Odds: the share of 1,000 simulated paths on which the target is met by "
                  "the period's end (the figures so far plus the simulated rest)."),
    "alerts": ("Cảnh báo", "Alerts"),
    "alerts_open": ("{n} cảnh báo đang mở", "{n} open alerts"),
    "alerts_none": ("Không có cảnh báo nào đang mở.", "No alert is open."),
    "alerts_all": ("Tất cả cảnh báo", "All alerts"),
    "alert_severity": ("Mức độ", "Severity"),
    "alert_owner": ("Phụ trách", "Owner"),
    "alert_seen": ("Ghi nhận", "Seen"),
    "targets_outlook": ("Triển vọng các chỉ tiêu năm {year}", "Outlook of the {year} targets"),
    "sign_in_alerts": ("Đăng nhập để xem cảnh báo.", "Sign in to see alerts."),
}
