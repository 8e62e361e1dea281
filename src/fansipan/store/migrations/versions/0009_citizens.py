"""citizens: report categories and routing, field reports, their steps and photos,
public-service dossiers and their replaced versions; indicators counted from records

Revision ID: 0009
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011_indicator_sources"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=op.f(f"pk_{table}"))


def upgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("record_dataset", sa.String(length=40), nullable=True))
    op.create_table(
        "service_categories",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description_vi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("group_vi", sa.String(length=100), nullable=False),
        sa.Column("group_en", sa.String(length=100), nullable=False),
        sa.Column("keywords", sa.String(length=400), nullable=False),
        sa.Column("service_type", sa.String(length=10), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=True),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        _pk("service_categories", "code"),
    )
    op.create_table(
        "service_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=False),
        sa.Column("area_code", sa.String(length=40), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["category_code"], ["service_categories.code"],
                                name=op.f("fk_service_routes_category_code_service_categories")),
        _pk("service_routes", "id"),
        sa.UniqueConstraint("category_code", "area_code", name="uq_service_routes_area"),
    )
    op.create_index(op.f("ix_service_routes_category_code"), "service_routes",
                    ["category_code"])
    op.create_table(
        "service_requests",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=24), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=True),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("requested_at", Stamp, nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("long", sa.Float(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("address_id", sa.String(length=200), nullable=True),
        sa.Column("zipcode", sa.String(length=20), nullable=True),
        sa.Column("commune_code", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("device_id", sa.String(length=200), nullable=True),
        sa.Column("account_id", sa.String(length=200), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("media_url", sa.Text(), nullable=True),
        sa.Column("expected_at", Stamp, nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("secret_digest", sa.String(length=64), nullable=True),
        sa.Column("submitted_by", sa.String(length=100), nullable=False),
        sa.Column("public_description", sa.Text(), nullable=True),
        sa.Column("photos_hidden", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=True),
        sa.Column("counted_code", sa.String(length=40), nullable=False),
        sa.Column("received_month", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_at", Stamp, nullable=True),
        sa.Column("within_remit", sa.Boolean(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        sa.Column("dissatisfied", sa.Boolean(), nullable=False),
        sa.Column("days_to_outcome", sa.Float(), nullable=True),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(["service_code"], ["service_categories.code"],
                                name=op.f("fk_service_requests_service_code_service_categories")),
        _pk("service_requests", "id"),
        sa.UniqueConstraint("request_id", name=op.f("uq_service_requests_request_id")),
        sa.UniqueConstraint("token", name=op.f("uq_service_requests_token")),
    )
    op.create_index("ix_service_requests_counted", "service_requests",
                    ["counted_code", "received_month"])
    op.create_index("ix_service_requests_agency_state", "service_requests",
                    ["agency_code", "state"])
    op.create_index("ix_service_requests_requested", "service_requests", ["requested_at"])
    op.create_index("ix_service_requests_service", "service_requests",
                    ["service_code", "requested_at"])
    op.create_table(
        "service_request_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("request_pk", BigId, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("from_state", sa.String(length=20), nullable=True),
        sa.Column("to_state", sa.String(length=20), nullable=False),
        sa.Column("public_note", sa.Text(), nullable=True),
        sa.Column("internal_note", sa.Text(), nullable=True),
        sa.Column("agency", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=24), nullable=True),
        sa.Column("referred_to", sa.Text(), nullable=True),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_pk"], ["service_requests.id"],
            name=op.f("fk_service_request_events_request_pk_service_requests")),
        _pk("service_request_events", "id"),
        sa.UniqueConstraint("request_pk", "seq", name="uq_service_request_events_seq"),
    )
    op.create_index(op.f("ix_service_request_events_request_pk"), "service_request_events",
                    ["request_pk"])
    op.create_table(
        "report_photos",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        _pk("report_photos", "sha256"),
    )
    op.create_table(
        "service_request_photos",
        sa.Column("request_pk", BigId, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_pk"], ["service_requests.id"],
            name=op.f("fk_service_request_photos_request_pk_service_requests")),
        sa.ForeignKeyConstraint(["sha256"], ["report_photos.sha256"],
                                name=op.f("fk_service_request_photos_sha256_report_photos")),
        _pk("service_request_photos", "request_pk", "position"),
    )
    op.create_table(
        "dossiers",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("procedure_code", sa.String(length=60), nullable=False),
        sa.Column("procedure_name", sa.String(length=500), nullable=False),
        sa.Column("agency_code", sa.String(length=40), nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("received_at", Stamp, nullable=False),
        sa.Column("due_at", Stamp, nullable=False),
        sa.Column("completed_at", Stamp, nullable=True),
        sa.Column("pauses", sa.Text(), nullable=False),
        sa.Column("submitted_online", sa.Boolean(), nullable=False),
        sa.Column("online_service", sa.String(length=10), nullable=False),
        sa.Column("fee_payable", sa.Boolean(), nullable=False),
        sa.Column("paid_online", sa.Boolean(), nullable=False),
        sa.Column("electronic_result", sa.Boolean(), nullable=False),
        sa.Column("digitised", sa.Boolean(), nullable=False),
        sa.Column("received_month", sa.Date(), nullable=False),
        sa.Column("completed_month", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=True),
        sa.Column("net_days", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        _pk("dossiers", "id"),
        sa.UniqueConstraint("number", name=op.f("uq_dossiers_number")),
    )
    op.create_index("ix_dossiers_agency_received", "dossiers",
                    ["agency_code", "received_month"])
    op.create_index("ix_dossiers_agency_completed", "dossiers",
                    ["agency_code", "completed_month"])
    op.create_index("ix_dossiers_received", "dossiers", ["received_at"])
    op.create_table(
        "dossier_history",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("replaced_at", Stamp, nullable=False),
        sa.Column("replaced_by", sa.String(length=100), nullable=False),
        _pk("dossier_history", "id"),
        sa.UniqueConstraint("number", "version", name="uq_dossier_history_version"),
    )
    op.create_index(op.f("ix_dossier_history_number"), "dossier_history", ["number"])


def downgrade() -> None:
    op.drop_index(op.f("ix_dossier_history_number"), table_name="dossier_history")
    op.drop_table("dossier_history")
    for name in ("ix_dossiers_received", "ix_dossiers_agency_completed",
                 "ix_dossiers_agency_received"):
        op.drop_index(name, table_name="dossiers")
    op.drop_table("dossiers")
    op.drop_table("service_request_photos")
    op.drop_table("report_photos")
    op.drop_index(op.f("ix_service_request_events_request_pk"),
                  table_name="service_request_events")
    op.drop_table("service_request_events")
    for name in ("ix_service_requests_service", "ix_service_requests_requested",
                 "ix_service_requests_agency_state", "ix_service_requests_counted"):
        op.drop_index(name, table_name="service_requests")
    op.drop_table("service_requests")
    op.drop_index(op.f("ix_service_routes_category_code"), table_name="service_routes")
    op.drop_table("service_routes")
    op.drop_table("service_categories")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("record_dataset")
