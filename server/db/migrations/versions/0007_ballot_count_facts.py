"""count facts recorded after a ballot opens (issue 6): candidates withdrawn, and a tie held for the
chair's casting vote and that vote, as canonical JSON on the ballot row (``ballots/late_facts.py``)

A column on ``ballots`` rather than a table of its own: the casting round already locks that row and
compares its fixed fingerprint (``rows.lock_open_ballot``), so comparing this text too costs nothing
and makes a withdrawal reach every server process's ballot box; and the box reads the row it
already reads. Existing ballots have no such facts: ''.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count_facts', sa.Text(), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_column('count_facts')
