"""the change check on a secret ballot's roll mark (review R6 #2): a keyed hash of the voter's current
receipt (``ballots.secrecy.change_check``), so a change of vote must give this voter's own receipt

Nullable: open ballots keep the receipt itself on the mark, and the check is cleared when a ballot
closes. A secret ballot open across this upgrade has no checks for votes cast before it: those voters
cannot change their vote (a wrong receipt could otherwise replace anyone's paper); new votes can.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ballot_voted', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_check', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ballot_voted', schema=None) as batch_op:
        batch_op.drop_column('change_check')
