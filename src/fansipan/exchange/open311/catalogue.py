"""Report categories as GeoReport v2 services and service definitions.

Open311 documents carry one language; ours speak Vietnamese, the province's language,
unless `lang="en"` is asked for (GET …?lang=en, an extension clients may ignore).
"""

from __future__ import annotations

from fansipan.domain.report_categories import Category
from fansipan.exchange.open311.model import (
    AttributeValue,
    Datatype,
    Service,
    ServiceAttribute,
    ServiceDefinition,
    ServiceType,
)


def service_of(category: Category, lang: str = "vi") -> Service:
    return Service(
        service_code=category.code, service_name=category.name(lang),
        description=category.description(lang) or None,
        metadata=bool(category.questions), type=ServiceType(category.service_type),
        keywords=category.keywords, group=category.group(lang) or None)


def definition_of(category: Category, lang: str = "vi") -> ServiceDefinition:
    return ServiceDefinition(category.code, tuple(
        ServiceAttribute(
            code=q.code, datatype=Datatype(q.datatype), description=q.description(lang),
            order=n, variable=q.variable, required=q.required,
            datatype_description=q.datatype_description,
            values=tuple(AttributeValue(c.key, c.name(lang)) for c in q.choices))
        for n, q in enumerate(category.questions, start=1)))
