"""search change counter

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The change counter processes use to keep their in-memory search index in step (see
``portal/search/changes.py``): ``search_state`` holds one row (a generation id and the last version handed out),
``search_docs.version`` the version of the commit that last indexed each row, and ``search_removed`` the rows
removed since. Existing rows start at version 0 under a new generation, so every process builds afresh.

``search_docs.data`` keeps each dataset's ``package_show`` record (see ``portal/dictize.py``), written with the
search row, so search results need no ORM loading. Rows indexed before this revision have none until they are
indexed again (``python -m portal.search.reindex``); their results are loaded the old way meanwhile.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    state = op.create_table(
        "search_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.String(length=36), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(state, [{"id": 1, "generation": str(uuid.uuid4()), "version": 0}])
    op.create_table(
        "search_removed",
        sa.Column("doc_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id"),
    )
    op.create_index("ix_search_removed_version", "search_removed", ["version"])
    op.execute("ALTER TABLE search_docs ADD COLUMN version BIGINT NOT NULL DEFAULT 0")
    op.create_index("ix_search_docs_version", "search_docs", ["version"])
    op.add_column("search_docs", sa.Column("data", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_search_docs_version", table_name="search_docs")
    with op.batch_alter_table("search_docs") as batch_op:
        batch_op.drop_column("data")
        batch_op.drop_column("version")
    op.drop_index("ix_search_removed_version", table_name="search_removed")
    op.drop_table("search_removed")
    op.drop_table("search_state")
