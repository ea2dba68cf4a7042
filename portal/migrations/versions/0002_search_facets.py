"""search facet index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

A compact facet index (see ``portal/search/facets.py``): ``search_values`` numbers each value of the usual
facet fields once; ``search_docs.facet_terms`` lists each dataset's value numbers (an ``integer[]`` with a
GIN index on PostgreSQL, a JSON array on SQLite). Facet counts become one pass over the matching rows
instead of a join of ``search_terms`` per facet, and PostgreSQL filters on these fields through the GIN
index. Existing catalogues are filled from ``search_terms`` here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "search_values",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("field", "value", name="uq_search_values_field_value"),
    )
    if postgres:
        op.execute("ALTER TABLE search_docs ADD COLUMN facet_terms integer[] NOT NULL DEFAULT '{}'")
    else:
        op.execute("ALTER TABLE search_docs ADD COLUMN facet_terms TEXT NOT NULL DEFAULT '[]'")
    _backfill(postgres)
    if postgres:
        op.execute("CREATE INDEX ix_search_docs_facet_terms ON search_docs USING GIN (facet_terms)")


def _backfill(postgres: bool) -> None:
    fields = ", ".join(f"'{f}'" for f in FACET_FIELDS)
    op.execute(
        "INSERT INTO search_values (field, value) "
        f"SELECT DISTINCT field, value FROM search_terms WHERE field IN ({fields}) ORDER BY field, value"
    )
    numbered = (
        "SELECT t.package_id, t.id AS term_id, v.id AS vid FROM search_terms t "
        f"JOIN search_values v ON v.field = t.field AND v.value = t.value WHERE t.field IN ({fields})"
    )
    if postgres:
        op.execute(
            "UPDATE search_docs d SET facet_terms = x.terms FROM (SELECT package_id, "
            f"array_agg(vid ORDER BY term_id) AS terms FROM ({numbered}) n GROUP BY package_id) x "
            "WHERE x.package_id = d.package_id"
        )
    else:
        op.execute(
            "UPDATE search_docs SET facet_terms = (SELECT json_group_array(vid) FROM "
            f"({numbered} AND t.package_id = search_docs.package_id ORDER BY t.id))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_docs_facet_terms")
    with op.batch_alter_table("search_docs") as batch_op:
        batch_op.drop_column("facet_terms")
    op.drop_table("search_values")
