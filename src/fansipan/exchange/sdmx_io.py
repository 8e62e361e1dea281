"""SDMX for statistics offices, through the `sdmx1` library: SDMX-ML 2.1 structure-specific
data and SDMX-CSV, with the data structure (DSD) they follow.

One observation is indicator × reference area (unit code) × time period → value. Time
periods are written as SDMX writes them (2024-Q1, 2024-S1, 2024-W05, 2024-03).

Marked data (the illustrative demo data) carries the mark on every observation, in the
optional `COMMENT_OBS` attribute (the SDMX cross-domain observation comment), and an
SDMX-ML message also says it in its header: `Test` true and a `Source` note in both
languages.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from fansipan.domain.rows import ValueMark
from fansipan.errors import ValidationError
from fansipan.exchange.cells import LINE_END, csv_value

AGENCY = "FANSIPAN"
DSD_ID, FLOW_ID, VERSION = "DSD_VALUES", "DF_VALUES", "1.0"
DIMENSIONS = ("INDICATOR", "REF_AREA", "TIME_PERIOD")
COMMENT = "COMMENT_OBS"  # the observation-level comment attribute
MAX_ML = 200_000  # observations per SDMX-ML file; the whole message is built in memory
_PAGE = 20_000
_INDEXED = re.compile(r"^(\d{4})([QSW])(\d{1,2})$")


def sdmx_period(period: str) -> str:
    """2024Q1 → 2024-Q1, 2024S2 → 2024-S2, 2024W5 → 2024-W05; others unchanged."""
    if m := _INDEXED.match(period):
        year, kind, n = m.groups()
        return f"{year}-{kind}{int(n):02d}" if kind == "W" else f"{year}-{kind}{int(n)}"
    return period


def structure() -> tuple[Any, Any]:
    """The data structure definition and the dataflow every export uses."""
    from sdmx.model import common
    from sdmx.model import v21 as m

    agency = m.Agency(id=AGENCY)
    dsd = m.DataStructureDefinition(id=DSD_ID, maintainer=agency, version=VERSION)
    for n, name in enumerate(DIMENSIONS[:2]):
        dsd.dimensions.append(m.Dimension(id=name, order=n))
    dsd.dimensions.append(m.TimeDimension(id="TIME_PERIOD", order=2))
    dsd.measures.append(m.PrimaryMeasure(id="OBS_VALUE"))
    dsd.attributes.append(common.DataAttribute(
        id=COMMENT, related_to=m.PrimaryMeasureRelationship(),
        usage_status=common.UsageStatus.conditional))
    flow = m.DataflowDefinition(id=FLOW_ID, maintainer=agency, version=VERSION, structure=dsd)
    return dsd, flow


def structure_xml() -> bytes:
    """An SDMX-ML structure message with the DSD and dataflow (to read the data with)."""
    import sdmx
    from sdmx.message import Header, StructureMessage
    from sdmx.model import v21 as m

    dsd, flow = structure()
    message = StructureMessage(header=Header(id="FANSIPAN_STRUCTURE",
                                             sender=m.Agency(id=AGENCY)))
    message.add(dsd)
    message.add(flow)
    return bytes(sdmx.to_xml(message, pretty_print=True))


def _dataset(rows: Iterable[Sequence[Any]], dsd: Any, flow: Any,
             mark: ValueMark | None = None) -> Any:
    from sdmx.model import v21 as m
    from sdmx.model.common import Key

    dataset = m.StructureSpecificDataSet(structured_by=dsd, described_by=flow)
    measure = dsd.measures[0]
    comment = dsd.attributes.get(COMMENT)

    def attached() -> dict[str, Any]:
        if mark is None:
            return {}
        return {COMMENT: m.AttributeValue(value=mark.row, value_for=comment)}

    dataset.add_obs([
        m.Observation(dimension=dsd.make_key(Key, {
            "INDICATOR": r[0], "REF_AREA": r[1], "TIME_PERIOD": sdmx_period(r[2])}),
            value=r[3], value_for=measure, attached_attribute=attached())
        for r in rows if r[3] is not None])
    return dataset


def write_sdmx_ml(batches: Iterable[Sequence[Sequence[Any]]], out: IO[bytes],
                  progress: Callable[[int], None] | None = None, *,
                  mark: ValueMark | None = None) -> int:
    import sdmx
    from sdmx.message import DataMessage, Header
    from sdmx.model import common
    from sdmx.model import v21 as m

    rows: list[Sequence[Any]] = []
    for batch in batches:
        rows.extend(batch)
        if len(rows) > MAX_ML:
            raise ValidationError(
                f"SDMX-ML files are limited to {MAX_ML:,} observations; narrow the export "
                "(indicators, units, periods) or choose sdmx-csv, which has no limit")
    dsd, flow = structure()
    header = Header(id="FANSIPAN_DATA", sender=m.Agency(id=AGENCY))
    if mark is not None:
        header.test = True
        header.source = common.InternationalString({"vi": mark.note_vi, "en": mark.note_en})
    message = DataMessage(header=header, dataflow=flow, data=[_dataset(rows, dsd, flow, mark)])
    out.write(sdmx.to_xml(message, pretty_print=True))
    if progress:
        progress(len(rows))
    return len(rows)


def write_sdmx_csv(batches: Iterable[Sequence[Sequence[Any]]], out: IO[bytes],
                   progress: Callable[[int], None] | None = None, *,
                   mark: ValueMark | None = None) -> int:
    """SDMX-CSV, converted by sdmx1 a page at a time (memory stays flat)."""
    import sdmx

    pandas: Any = importlib.import_module("pandas")  # comes with sdmx1; has no type stubs

    dsd, flow = structure()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    header_written = False
    rows = 0
    page: list[Sequence[Any]] = []

    def flush() -> None:
        nonlocal header_written, rows
        if not page:
            return
        frame: Any = sdmx.to_csv(_dataset(page, dsd, flow, mark), rtype=pandas.DataFrame,
                                 attributes="o" if mark is not None else "")
        for column in frame.columns:
            if column != "OBS_VALUE":  # the numbers stay numbers
                frame[column] = frame[column].map(csv_value)
        text.write(frame.to_csv(index=False, header=not header_written, lineterminator=LINE_END))
        header_written = True
        rows += len(frame)
        page.clear()
        if progress:
            progress(rows)

    for batch in batches:
        for row in batch:
            page.append(row)
            if len(page) >= _PAGE:
                flush()
    flush()
    if not header_written:
        csv.writer(text, lineterminator=LINE_END).writerow(
            ["STRUCTURE", "STRUCTURE_ID", "ACTION", *DIMENSIONS, "OBS_VALUE",
             *([COMMENT] if mark is not None else [])])
    text.flush()
    text.detach()
    return rows
