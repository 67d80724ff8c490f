"""Keys, tokens, usernames and department names compare byte for byte on MariaDB/MySQL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

MariaDB's default collation ignores case, so "t01" and "T01" collided in unique indexes
while the application (and SQLite, PostgreSQL) treat them as different keys. Only
MySQL-family databases change; elsewhere this migration does nothing.
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

COLUMNS = [
    ("competition", "key", 64), ("department", "name", 100), ("stage", "key", 64),
    ("criterion", "key", 64), ("team", "key", 64), ("judge", "key", 64),
    ("judge", "token", 64), ("user_account", "username", 64), ("submission_key", "key", 80),
]


def _alter(collation):
    if op.get_bind().dialect.name != "mysql":
        return
    for table, column, length in COLUMNS:
        op.alter_column(table, column, existing_nullable=False,
                        existing_type=sa.String(length),
                        type_=mysql.VARCHAR(length, charset="utf8mb4", collation=collation))


def upgrade():
    _alter("utf8mb4_bin")


def downgrade():
    _alter("utf8mb4_unicode_ci")
