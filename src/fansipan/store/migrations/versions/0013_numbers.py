"""numbers: what each indicator's figure is (amount, rate, index, denominator), and the
administrator's confirmation that a derived indicator may be read without its parts

Revision ID: 0013_numbers
Revises: 0012_foresight
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_numbers"
down_revision = "0012_foresight"
branch_labels = None
depends_on = None

# The shipped catalogue's kinds, for stores made before the column existed; shares in
# per cent become rates whatever their code.
_SHIPPED = {
    "rate": ("VT_TB_BRDD_100_DAN", "KTXH_TANG_TRUONG_GRDP"),
    "index": ("CDS_CHI_SO_DTI", "CDS_XEP_HANG_DTI", "CDS_DTI_CHINH_QUYEN_SO",
              "CDS_DTI_KINH_TE_SO", "CDS_DTI_XA_HOI_SO", "CDS_DTI_NHAN_THUC_SO",
              "CDS_DTI_THE_CHE_SO", "CDS_DTI_HA_TANG_SO", "CDS_DTI_NHAN_LUC_SO",
              "CDS_DTI_AN_TOAN_TTM", "CDS_DTI_HD_CHINH_QUYEN_SO", "CDS_DTI_HD_KINH_TE_SO",
              "CDS_DTI_HD_XA_HOI_SO"),
    "denominator": ("BC_TONG_XA", "BC_TONG_HO_SX_NN", "VT_THON_TONG", "CDS_TONG_HO_GD",
                    "CNTT_TTHC_TONG", "CNTT_CQ_TONG", "CDS_TIEU_THUONG_CHO",
                    "CDS_TONG_TRUONG", "TTBC_DAI_TT_XA"),
}


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of `indicators` would break the foreign keys of a
    # store that already holds values (SQLite recreates the table to alter it).
    op.add_column("indicators", sa.Column("kind", sa.String(length=20), nullable=False,
                                          server_default="amount"))
    op.add_column("indicators", sa.Column("discloses_parts", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    indicators = sa.table("indicators", sa.column("code", sa.String),
                          sa.column("value_type", sa.String), sa.column("kind", sa.String))
    op.execute(indicators.update().where(indicators.c.value_type == "percent")
               .values(kind="rate"))
    for kind, codes in _SHIPPED.items():
        op.execute(indicators.update().where(indicators.c.code.in_(codes)).values(kind=kind))


def downgrade() -> None:
    op.drop_column("indicators", "discloses_parts")
    op.drop_column("indicators", "kind")
