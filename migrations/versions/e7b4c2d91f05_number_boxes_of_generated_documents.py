"""number boxes of generated documents: where signing writes the official number

Revision ID: e7b4c2d91f05
Revises: 4c77d2a3bbde
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e7b4c2d91f05'
down_revision = '4c77d2a3bbde'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_boxes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_column('number_boxes')
