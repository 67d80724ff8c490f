"""The hall: presentation timer per stage, each team's presentation, the award ceremony.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

`stage_timer`: one row per stage with the talk and questions lengths and the clock's
state in server time (so a reload or a second server process shows the same clock).
`presentation`: one row per team and stage, with the seconds it ran over (a proposal of
an overtime deduction reads them). `ceremony`: present while the award ceremony runs on
the projector, with the number of tiers shown.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stage_timer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('talk_seconds', sa.Integer(), nullable=False),
        sa.Column('questions_seconds', sa.Integer(), nullable=False),
        sa.Column('warning_seconds', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('phase', sa.String(length=16), nullable=False),
        sa.Column('running', sa.Boolean(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('elapsed_ms', sa.Integer(), nullable=False),
        sa.CheckConstraint("phase IN ('idle', 'talk', 'questions')",
                           name=op.f('ck_stage_timer_phase')),
        sa.ForeignKeyConstraint(['stage_id'], ['stage.id'],
                                name=op.f('fk_stage_timer_stage_id_stage'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'],
                                name=op.f('fk_stage_timer_team_id_team'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_timer')),
        sa.UniqueConstraint('stage_id', name=op.f('uq_stage_timer_stage_id')))
    with op.batch_alter_table('stage_timer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_timer_team_id'), ['team_id'], unique=False)
    op.create_table(
        'presentation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('talk_overtime_seconds', sa.Integer(), nullable=True),
        sa.Column('questions_overtime_seconds', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['stage_id'], ['stage.id'],
                                name=op.f('fk_presentation_stage_id_stage'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'],
                                name=op.f('fk_presentation_team_id_team'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_presentation')),
        sa.UniqueConstraint('stage_id', 'team_id', name=op.f('uq_presentation_stage_id_team_id')))
    with op.batch_alter_table('presentation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presentation_team_id'), ['team_id'], unique=False)
    op.create_table(
        'ceremony',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['competition_id'], ['competition.id'],
                                name=op.f('fk_ceremony_competition_id_competition'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ceremony')),
        sa.UniqueConstraint('competition_id', name=op.f('uq_ceremony_competition_id')))


def downgrade():
    op.drop_table('ceremony')
    with op.batch_alter_table('presentation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presentation_team_id'))
    op.drop_table('presentation')
    with op.batch_alter_table('stage_timer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_timer_team_id'))
    op.drop_table('stage_timer')
