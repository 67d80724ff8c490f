"""The judge's comment (评语) on a paper sheet, as each staff member typed it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

`paper_entry.comment`: one typist's transcription of the comment written on the paper
sheet, in the form the tablet stores a comment (NULL: none). The sheet gets it when both
entries agree on the scores and on the comment. Entries typed before this revision have
none, as their paper sheets were typed without one.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('paper_entry', schema=None) as batch_op:
        batch_op.drop_column('comment')
