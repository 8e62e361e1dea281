"""A report's public view (never the report itself) as an Open311 service request.

Going through `fansipan.domain.service_request_views.public_view` first means nothing
personal can reach an Open311 document: the reporter's names, e-mail, phone, device
and account ids, officers' names and staff-only notes are not in the view to begin with.
"""

from __future__ import annotations

from fansipan.domain.service_request_views import PublicServiceRequest
from fansipan.exchange.open311.model import ServiceRequestDoc


def request_document(
    view: PublicServiceRequest,
    *,
    service_name: str,
    agency_name: str | None = None,
    service_notice: str | None = None,
) -> ServiceRequestDoc:
    """`view` as GET /requests writes it. `agency_name` is shown for the responsible
    body (its code when not given); Open311 has one `media_url`, so the first photo."""
    return ServiceRequestDoc(
        service_request_id=view.request_id,
        status=view.status,
        service_code=view.service_code,
        service_name=service_name,
        requested_datetime=view.requested_at,
        updated_datetime=view.updated_at,
        status_notes=view.status_notes,
        description=view.description,
        agency_responsible=agency_name if agency_name is not None else view.agency,
        service_notice=service_notice,
        expected_datetime=view.expected_at,
        address=view.address,
        address_id=view.address_id,
        zipcode=view.zipcode,
        lat=view.lat,
        long=view.long,
        media_url=view.media_urls[0] if view.media_urls else None,
    )
