"""The public pages of field reports: send, follow, rate, the map and its data twins."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.service_request_states import Action
from fansipan.services.citizens.workflow import ModerationWrite, StepWrite, moderate_report
from fansipan.services.citizens.workflow import take_step as step
from tests.citizens.conftest import MONDAY, SA_PA, landslide, submit

FORM = {"service_code": "SAT_LO", "commune": "03006", "address_string": "Km 12 QL4D",
        "lat": str(SA_PA[0]), "long": str(SA_PA[1]), "description": "Đất đá chắn đường",
        "attribute[TUYEN]": "QL4D", "attribute[MUC_DO]": "chan_duong",
        "full_name": "Nguyễn Văn An", "phone": "0912 345 678", "email": "an@example.vn"}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_the_form_offers_the_categories_then_their_questions(client: TestClient,
                                                             categories: Session) -> None:
    first = client.get("/feedback/new")
    assert first.status_code == 200
    assert 'href="/feedback/new?service=SAT_LO"' in first.text
    assert "Giao thông" in first.text and "Du lịch" in first.text
    form = client.get("/feedback/new", params={"service": "SAT_LO"})
    assert 'name="attribute[TUYEN]"' in form.text
    assert 'name="attribute[MUC_DO]"' in form.text and 'type="radio"' in form.text
    assert "114" in form.text  # the information-only note
    assert "Phường Sa Pa" in form.text  # the communes of the new province
    english = client.get("/feedback/new", params={"service": "SAT_LO", "lang": "en"})
    assert "Report a problem" in english.text and "The road, e.g. QL4D" in english.text
    located = client.get("/feedback/new")
    assert "geolocation=(self)" in located.headers["permissions-policy"]
    assert "geolocation=()" in client.get("/feedback/map").headers["permissions-policy"]


def test_a_citizen_sends_a_report_with_a_photo_and_follows_it(client: TestClient,
                                                            categories: Session) -> None:
    sent = client.post("/feedback/new", data=FORM,
                       files={"media": ("anh.jpg", _jpeg(), "image/jpeg")})
    assert sent.status_code == 200, sent.text
    number = re.search(r'id="fb-number">(PA-\d{4}-\d{6})<', sent.text)
    assert number is not None
    key = re.search(r'id="fb-key">([^<]+)<', sent.text)
    assert key is not None
    assert "Sở Xây dựng tỉnh Lào Cai" in sent.text
    followed = client.get("/feedback/track", params={"id": number.group(1)})
    assert followed.status_code == 200
    assert "Đã chuyển đơn vị xử lý" in followed.text
    assert "/feedback/photos/" in followed.text
    for secret in ("Nguyễn Văn An", "0912 345 678", "an@example.vn", key.group(1)):
        assert secret not in followed.text
    photo = re.search(r'src="(/feedback/photos/[0-9a-f]{64}\.jpg)"', followed.text)
    assert photo is not None and client.get(photo.group(1)).status_code == 200


def test_a_report_without_a_place_is_sent_back_with_its_mistakes(client: TestClient,
                                                                 categories: Session) -> None:
    form = {k: v for k, v in FORM.items() if k not in ("commune", "lat", "long",
                                                        "address_string")}
    form["phone"] = "gọi tôi"
    r = client.post("/feedback/new", data=form)
    assert r.status_code == 422
    assert 'id="err-lat"' in r.text and 'id="err-phone"' in r.text
    assert 'value="Nguyễn Văn An"' in r.text  # what was typed stays
    outside = client.post("/feedback/new", data={**FORM, "lat": "21.0285", "long": "105.8542"})
    assert outside.status_code == 422 and "Hà Nội" in outside.text
    assert client.get("/feedback/map.json").json()["rows"] == []


def test_rating_needs_the_key(client: TestClient, categories: Session,
                              staff: dict[str, object]) -> None:
    receipt = submit(categories, landslide())
    officer = staff["xay_dung"].principal  # type: ignore[attr-defined]
    step(session=categories, principal=officer, request_id=receipt.request_id,
         data=StepWrite(action=Action.RESOLVE, public_note="Đã thông xe"),
         at=MONDAY + timedelta(hours=2))
    page = client.get("/feedback/track", params={"id": receipt.request_id})
    assert 'id="fb-rate"' in page.text and "Đã thông xe" in page.text
    wrong = client.post("/feedback/track", data={"id": receipt.request_id, "key": "sai",
                                                 "satisfied": "yes"})
    assert wrong.status_code == 422
    right = client.post("/feedback/track", data={"id": receipt.request_id,
                                                 "key": receipt.rating_key, "satisfied": "no"})
    assert right.status_code == 200 and 'id="fb-message"' in right.text
    unknown = client.get("/feedback/track", params={"id": "PA-1999-000001"},
                         headers={"accept": "text/html"})
    assert unknown.status_code == 404 and "PA-1999-000001" in unknown.text


def test_the_map_and_its_data_twins_show_no_personal_data(client: TestClient,
                                                          categories: Session) -> None:
    from datetime import datetime

    from fansipan.domain.local_time import VIETNAM

    now = datetime.now(VIETNAM)
    submit(categories, landslide(description="=HYPERLINK(\"http://x\") gọi 0987654321"),
           at=now - timedelta(hours=3))
    page = client.get("/feedback/map")
    assert page.status_code == 200
    figure = json.loads(re.search(r'id="fig-fb-map">(.+?)</script>', page.text,
                                  re.S).group(1))  # type: ignore[union-attr]
    kinds = [t["type"] for t in figure["data"]]
    assert kinds == ["choroplethmap", "scattermap", "scattermap", "scattermap"]
    assert figure["layout"]["map"]["style"] == "white-bg"
    assert len(figure["data"][2]["lat"]) == 1  # one open report, within its time
    assert "0987654321" not in page.text
    as_json = client.get("/feedback/map.json").json()
    assert len(as_json["rows"]) == 1 and as_json["rows"][0]["service_code"] == "SAT_LO"
    book = load_workbook(io.BytesIO(client.get("/feedback/map.xlsx").content))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "Phường Sa Pa" in cells
    csv = client.get("/feedback/map.csv").content.decode("utf-8-sig")
    assert "An" not in csv.split("\n")[1] or "Nguyễn" not in csv


def test_hidden_photos_are_not_served_to_the_public(client: TestClient, categories: Session,
                                                    staff: dict[str, object]) -> None:
    from fansipan.exchange.images import clean_image
    from fansipan.services.citizens.submissions import NewReport

    base = landslide()
    report = NewReport(posted=base.posted, channel="web", commune=base.commune,
                       photos=[clean_image(_jpeg())])
    receipt = submit(categories, report)
    page = client.get("/feedback/track", params={"id": receipt.request_id})
    photo = re.search(r'src="(/feedback/photos/[0-9a-f]{64}\.jpg)"', page.text)
    assert photo is not None
    moderate_report(session=categories, principal=staff["xay_dung"].principal,  # type: ignore[attr-defined]
                    request_id=receipt.request_id,
                    data=ModerationWrite(public_description="Sạt lở chắn đường",
                                         photos_hidden=True))
    assert client.get(photo.group(1)).status_code == 404
    again = client.get("/feedback/track", params={"id": receipt.request_id})
    assert "/feedback/photos/" not in again.text and "Sạt lở chắn đường" in again.text
    officer = staff["xay_dung"].headers  # type: ignore[attr-defined]
    assert client.get(photo.group(1), headers=officer).status_code == 200
    assert Principal.anonymous().is_anonymous


def test_the_panel_counts_this_months_reports_and_renders_in_both_languages(
        client: TestClient, categories: Session, staff: dict[str, object]) -> None:
    from datetime import datetime

    from fansipan.domain.local_time import VIETNAM
    from fansipan.services.citizens.panel import feedback_panel
    from fansipan.web.templating import helpers

    now = datetime.now(VIETNAM).replace(microsecond=0)
    first = submit(categories, landslide(), at=now - timedelta(minutes=30))
    submit(categories, landslide(service_code="RAC_THAI", answers=()),
           at=now - timedelta(minutes=20))
    step(session=categories, principal=staff["xay_dung"].principal,  # type: ignore[attr-defined]
         request_id=first.request_id, data=StepWrite(action=Action.RESOLVE),
         at=now - timedelta(minutes=10))
    panel = feedback_panel(session=categories, at=now)
    assert (panel.received, panel.handled, panel.on_time, panel.open) == (2, 1, 1, 1)
    assert panel.on_time_rate == 100
    assert [c.code for c in panel.top] == ["RAC_THAI", "SAT_LO"]
    template = client.app.state.web_templates.get_template(  # type: ignore[attr-defined]
        "_feedback_panel.html")
    for lang, words in (("vi", "phản ánh tiếp nhận"), ("en", "reports received")):
        html = template.render(**helpers(lang), feedback=panel)
        assert words in html and "100" in html
