"""Materials (参赛材料) per team and stage, the team's private link, the upload deadline.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

`material`: one row per team and stage, the uploaded file's SHA-256 and its page images'
(the files are in the instance folder). `team.upload_token`: the secret of the team's
private link (materials upload, feedback); existing teams get a fresh one here.
`stage.materials_deadline`: teams upload through their link until then (NULL: no team
upload).
"""
import secrets

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0008'
down_revision = '0007'
# Compared byte for byte on MariaDB/MySQL, like every key and token (0003).
KEY64 = sa.String(length=64).with_variant(
    mysql.VARCHAR(64, charset='utf8mb4', collation='utf8mb4_bin'), 'mysql', 'mariadb')
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'material',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('stage_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('sha256', KEY64, nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('pages_json', sa.Text(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=100), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['stage_id'], ['stage.id'], name=op.f('fk_material_stage_id_stage'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_material_team_id_team'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_material')),
        sa.UniqueConstraint('team_id', 'stage_id', name=op.f('uq_material_team_id_stage_id')),
    )
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_stage_id'), ['stage_id'], unique=False)
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('materials_deadline', sa.DateTime(), nullable=True))
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upload_token', KEY64, nullable=True))
    team = sa.table('team', sa.column('id', sa.Integer), sa.column('upload_token', sa.String))
    conn = op.get_bind()
    for (team_id,) in conn.execute(sa.select(team.c.id)).fetchall():
        conn.execute(team.update().where(team.c.id == team_id)
                     .values(upload_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_team_upload_token'), ['upload_token'])


def downgrade():
    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_team_upload_token'), type_='unique')
        batch_op.drop_column('upload_token')
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_column('materials_deadline')
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_stage_id'))
    op.drop_table('material')
