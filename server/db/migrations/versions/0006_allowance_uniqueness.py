"""the weekly allowance held by the database (review R7): circulations record the week they use,
unique per grouping and kind, so simultaneous requests cannot both use one week's allowance

Existing circulations get their week from the grouping rules of the body above the grouping
(or the grouping's own, else London weeks from Monday), the same rule
``server/services/grouping_documents.py: circulate`` uses. Where a week was already used twice
(the race this closes), the first use keeps the week and the later ones keep an empty week:
they stay on record and still count against the allowance when it is checked.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 00:50:00
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

circulations = sa.table("circulations", sa.column("id", sa.Integer), sa.column("body_id", sa.Integer),
                        sa.column("kind", sa.String), sa.column("at", sa.DateTime(timezone=True)),
                        sa.column("week", sa.Date))
bodies = sa.table("bodies", sa.column("id", sa.Integer), sa.column("parent_id", sa.Integer))
rules = sa.table("grouping_rules", sa.column("body_id", sa.Integer), sa.column("time_zone", sa.String),
                 sa.column("first_weekday", sa.String))


def _week_of(moment: datetime, time_zone: str, first_weekday: str) -> date:
    """As ``server/groupings/allowance.py: WeekRule.week_of``, kept here so the migration
    does not change when that module does."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    day = moment.astimezone(ZoneInfo(time_zone)).date()
    first = WEEKDAYS.index(first_weekday.strip().lower()) if first_weekday.strip().lower() in WEEKDAYS else 0
    return day - timedelta(days=(day.weekday() - first) % 7)


def upgrade() -> None:
    with op.batch_alter_table('circulations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('week', sa.Date(), nullable=True))

    connection = op.get_bind()
    parents = dict(connection.execute(sa.select(bodies.c.id, bodies.c.parent_id)).all())
    week_rules = {row.body_id: (row.time_zone, row.first_weekday)
                  for row in connection.execute(sa.select(rules.c.body_id, rules.c.time_zone, rules.c.first_weekday))}
    used = set()
    for row in connection.execute(sa.select(circulations.c.id, circulations.c.body_id, circulations.c.kind,
                                            circulations.c.at).order_by(circulations.c.at, circulations.c.id)).all():
        parent = parents.get(row.body_id)
        time_zone, first_weekday = week_rules.get(parent if parent else row.body_id, ("Europe/London", "monday"))
        week = _week_of(row.at, time_zone, first_weekday)
        if (row.body_id, row.kind, week) in used:
            continue
        used.add((row.body_id, row.kind, week))
        connection.execute(circulations.update().where(circulations.c.id == row.id).values(week=week))

    with op.batch_alter_table('circulations', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_circulations_body_id'), ['body_id', 'kind', 'week'])


def downgrade() -> None:
    with op.batch_alter_table('circulations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_circulations_body_id'), type_='unique')
        batch_op.drop_column('week')
