"""Indexes on the foreign keys that pages, results and deletions look rows up by.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Without them SQLite and PostgreSQL scan the whole table: the members of one team (read on
every submission, for the recusal rule) scanned every member of every competition, and a
1 000-team report spent 0.14 s on that one query. MariaDB/MySQL already index every
foreign key; there the named index takes the place of the implicit one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

INDEXES = [
    ("member", "team_id"), ("member", "department_id"), ("judge", "department_id"),
    ("recusal", "team_id"), ("score_sheet", "team_id"), ("score_sheet", "stage_id"),
    ("score", "criterion_id"),
]


def upgrade():
    inspector = sa.inspect(op.get_bind())
    for table, column in INDEXES:
        name = f"ix_{table}_{column}"
        # Present already after a downgrade on MariaDB/MySQL (see downgrade).
        if name not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(op.f(name), table, [column], unique=False)


def downgrade():
    if op.get_bind().dialect.name == "mysql":
        # MariaDB/MySQL dropped its implicit foreign-key index for ours and refuses to drop
        # an index a foreign key needs; the index stays, as it was before 0004 in effect.
        return
    for table, column in reversed(INDEXES):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
