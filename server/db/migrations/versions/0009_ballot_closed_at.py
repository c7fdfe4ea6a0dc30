"""when a ballot's voting closed (review R6 #11): by its timetable, or early by the CAC, whose early close
the result page states with its moment ("closed early by the CAC at …"). The spec's timetable, fixed by
its fingerprint at opening, keeps the closing time as published; this column records what happened.

Nullable: drafts and open ballots have not closed, and ballots closed before this upgrade did not record it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
