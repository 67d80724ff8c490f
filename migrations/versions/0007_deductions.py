"""Deductions (扣分) per team and stage, recorded or proposed by the timer and confirmed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

`deduction`: points off a team's rounded stage score (DESIGN section 2, rule 12), with
the reason, its state ('proposed' by the presentation timer, 'confirmed' by the
organizer) and its source. Only confirmed rows count in results.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def exact(precision, scale):
    """Exact decimals: NUMERIC, or the decimal text on SQLite (models.base.Exact)."""
    return sa.Numeric(precision, scale).with_variant(sa.String(32), "sqlite")


def upgrade():
    op.create_table(
        'deduction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('points', exact(9, 4), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=True),
        sa.Column('confirmed_by', sa.String(length=200), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('proposed', 'confirmed')", name=op.f('ck_deduction_state')),
        sa.CheckConstraint("source IN ('organizer', 'timer', 'import')",
                           name=op.f('ck_deduction_source')),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_deduction_team_id_team'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_deduction_stage_id_stage'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deduction')),
    )
    with op.batch_alter_table('deduction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deduction_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deduction_stage_id'), ['stage_id'], unique=False)


def downgrade():
    with op.batch_alter_table('deduction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deduction_stage_id'))
        batch_op.drop_index(batch_op.f('ix_deduction_team_id'))
    op.drop_table('deduction')
