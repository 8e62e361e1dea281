"""The names of the fields a person can get a message about, for the catalogue.

`fansipan.locale.field_label` reads them under the context "field"; this list is
what puts them in the catalogue (a field missing here is shown by its code name).
"""

from __future__ import annotations

from typing import Final

from fansipan.errors import Message, pmsg

FIELD_NAMES: Final[tuple[Message, ...]] = (
    pmsg("field", "*"),
    pmsg("field", "action"),
    pmsg("field", "address"),
    pmsg("field", "agency"),
    pmsg("field", "all_indicators"),
    pmsg("field", "all_units"),
    pmsg("field", "api_key"),
    pmsg("field", "approval"),
    pmsg("field", "as_of"),
    pmsg("field", "body"),
    pmsg("field", "co"),
    pmsg("field", "code"),
    pmsg("field", "comment"),
    pmsg("field", "current_password"),
    pmsg("field", "datetime"),
    pmsg("field", "description"),
    pmsg("field", "document"),
    pmsg("field", "expected_datetime"),
    pmsg("field", "file"),
    pmsg("field", "format"),
    pmsg("field", "formula"),
    pmsg("field", "importStrategy"),
    pmsg("field", "indicator"),
    pmsg("field", "indicators"),
    pmsg("field", "job"),
    pmsg("field", "lang"),
    pmsg("field", "lat"),
    pmsg("field", "long"),
    pmsg("field", "max_value"),
    pmsg("field", "min_value"),
    pmsg("field", "name"),
    pmsg("field", "new_password"),
    pmsg("field", "next"),
    pmsg("field", "now"),
    pmsg("field", "otp"),
    pmsg("field", "owner"),
    pmsg("field", "parent"),
    pmsg("field", "password"),
    pmsg("field", "period"),
    pmsg("field", "period_type"),
    pmsg("field", "periods"),
    pmsg("field", "planned"),
    pmsg("field", "query"),
    pmsg("field", "read"),
    pmsg("field", "request"),
    pmsg("field", "requested_datetime"),
    pmsg("field", "roles"),
    pmsg("field", "sector"),
    pmsg("field", "target"),
    pmsg("field", "token_id"),
    pmsg("field", "tolerance"),
    pmsg("field", "unit"),
    pmsg("field", "units"),
    pmsg("field", "username"),
    pmsg("field", "value"),
    pmsg("field", "year"),
)
