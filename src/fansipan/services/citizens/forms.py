"""What the public form shows: the categories with their questions, the communes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fansipan.domain.report_categories import Category
from fansipan.domain.units import Unit
from fansipan.services.catalog import load_catalog
from fansipan.services.citizens.categories import read_categories
from fansipan.services.citizens.places import communes_on


@dataclass(frozen=True)
class ReportForm:
    categories: list[Category]
    chosen: Category | None
    communes: list[Unit]
    groups: list[tuple[str, list[Category]]]  # (Vietnamese group name, its categories)


def report_form(*, session: Session, service: str | None, on: date) -> ReportForm:
    with session.begin():
        catalog = load_catalog(session)
        categories = read_categories(session)
        communes = communes_on(catalog, on)
    chosen = next((c for c in categories if c.code == service), None)
    groups: dict[str, list[Category]] = {}
    for c in categories:
        groups.setdefault(c.group_vi or c.name_vi, []).append(c)
    return ReportForm(categories=categories, chosen=chosen, communes=communes,
                      groups=list(groups.items()))
