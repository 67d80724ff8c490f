"""Divisions, stage panels, rooms and advancement (DESIGN section 12).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

New tables only; a competition that uses none of section 12 has no row in them.
`division` and `team_division`: the divisions (组别) and each team's. `layout_setting`:
the room coefficient's decimals. `stage_plan`: a stage's named panel flag, normalization
and qualification. `stage_panel`: the judges of a named panel. `room`, `room_judge`
(unique per stage and judge: a judge sits in one room of a stage), `team_room` and
`team_stage_draw` (a team's room and its own draw position in a stage).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def key(length):
    """A string compared byte for byte (utf8mb4_bin on MariaDB/MySQL), as models.base.Key."""
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


def exact(precision, scale):
    """Exact decimals: NUMERIC where the database has it, the decimal text on SQLite."""
    return sa.Numeric(precision, scale).with_variant(sa.String(32), "sqlite")


def _fk(column, target):
    return sa.ForeignKeyConstraint([column], [target], ondelete='CASCADE')


def upgrade():
    op.create_table(
        'division',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('key', key(64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        _fk('competition_id', 'competition.id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('competition_id', 'key'))
    op.create_index('ix_division_competition_id', 'division', ['competition_id'])
    op.create_table(
        'team_division',
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('division_id', sa.Integer(), nullable=False),
        _fk('team_id', 'team.id'), _fk('division_id', 'division.id'),
        sa.PrimaryKeyConstraint('team_id'))
    op.create_index('ix_team_division_division_id', 'team_division', ['division_id'])
    op.create_table(
        'layout_setting',
        sa.Column('competition_id', sa.Integer(), nullable=False),
        sa.Column('coefficient_decimals', sa.Integer(), nullable=False),
        _fk('competition_id', 'competition.id'),
        sa.PrimaryKeyConstraint('competition_id'))
    op.create_table(
        'stage_plan',
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('panel_named', sa.Boolean(), nullable=False),
        sa.Column('normalization', sa.String(length=16), nullable=False),
        sa.Column('qualify_top', sa.Integer(), nullable=True),
        sa.Column('qualify_share', exact(7, 4), nullable=True),
        _fk('stage_id', 'stage.id'),
        sa.PrimaryKeyConstraint('stage_id'))
    op.create_table(
        'stage_panel',
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('judge_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        _fk('stage_id', 'stage.id'), _fk('judge_id', 'judge.id'),
        sa.PrimaryKeyConstraint('stage_id', 'judge_id'))
    op.create_index('ix_stage_panel_judge_id', 'stage_panel', ['judge_id'])
    op.create_table(
        'room',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('key', key(64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        _fk('stage_id', 'stage.id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stage_id', 'key'))
    op.create_index('ix_room_stage_id', 'room', ['stage_id'])
    op.create_table(
        'room_judge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('judge_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        _fk('room_id', 'room.id'), _fk('stage_id', 'stage.id'), _fk('judge_id', 'judge.id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stage_id', 'judge_id'))
    op.create_index('ix_room_judge_room_id', 'room_judge', ['room_id'])
    op.create_index('ix_room_judge_judge_id', 'room_judge', ['judge_id'])
    op.create_table(
        'team_room',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        _fk('team_id', 'team.id'), _fk('stage_id', 'stage.id'), _fk('room_id', 'room.id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'stage_id'))
    op.create_index('ix_team_room_stage_id', 'team_room', ['stage_id'])
    op.create_index('ix_team_room_room_id', 'team_room', ['room_id'])
    op.create_table(
        'team_stage_draw',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        _fk('team_id', 'team.id'), _fk('stage_id', 'stage.id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'stage_id'))
    op.create_index('ix_team_stage_draw_stage_id', 'team_stage_draw', ['stage_id'])


def downgrade():
    for table in ('team_stage_draw', 'team_room', 'room_judge', 'room', 'stage_panel',
                  'stage_plan', 'layout_setting', 'team_division', 'division'):
        op.drop_table(table)
