"""Server-side login sessions; login throttling by slots instead of counted failures.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

`login_session`: one row per organizer or judge login; the cookie holds a random secret
whose SHA-256 is the row's id, so logout, a password reset, a deactivation, a demotion or
a regenerated judge link can end sessions on the server (a copied cookie stops working).

`login_slot` replaces `login_failure`: a throttle key owns at most `limit` slots, the
primary key (key, slot) making parallel guesses collide in the database instead of all
passing a count. The old failure rows only throttled for 15 minutes; nothing is carried
over (a downgrade recreates the empty table).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def key(length):
    """A string compared byte for byte (utf8mb4_bin on MariaDB/MySQL), as models.base.Key."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def upgrade():
    op.create_table(
        'login_session',
        sa.Column('id', key(64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('judge_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('end_reason', sa.String(length=16), nullable=True),
        sa.CheckConstraint("kind IN ('user', 'judge')", name=op.f('ck_login_session_kind')),
        sa.CheckConstraint(
            "(kind = 'user' AND user_id IS NOT NULL AND judge_id IS NULL) OR "
            "(kind = 'judge' AND judge_id IS NOT NULL AND user_id IS NULL)",
            name=op.f('ck_login_session_owner')),
        sa.ForeignKeyConstraint(['judge_id'], ['judge.id'],
                                name=op.f('fk_login_session_judge_id_judge'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_login_session_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_judge_id'), ['judge_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'],
                              unique=False)
    op.create_table(
        'login_slot',
        sa.Column('key', key(160), nullable=False),
        sa.Column('slot', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', 'slot', name=op.f('pk_login_slot')),
    )
    op.drop_table('login_failure')


def downgrade():
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=True),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_username'), ['username'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_address'), ['address'],
                              unique=False)
    op.drop_table('login_slot')
    op.drop_table('login_session')
