"""Comments (评语) on score sheets and their versions; a stage may require one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27

`score_sheet.comment` and `sheet_version.comment`: the judge's comment, kept with every
version like the scores (NULL: none written). `stage.comment_required`: a judge cannot
submit a sheet of that stage without a comment; existing stages do not require one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))
    with op.batch_alter_table('sheet_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('stage', schema=None) as batch_op:
        batch_op.drop_column('comment_required')
    with op.batch_alter_table('sheet_version', schema=None) as batch_op:
        batch_op.drop_column('comment')
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_column('comment')
