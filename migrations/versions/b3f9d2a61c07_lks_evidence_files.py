"""LKS findings and corrections carry an evidence file (PDF) beside the note; the note is optional

Revision ID: b3f9d2a61c07
Revises: a3f9c1d7e210
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3f9d2a61c07'
down_revision = 'a3f9c1d7e210'
branch_labels = None
depends_on = None

TABLES = ('licence_finding', 'licence_finding_answer')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('evidence_filename', sa.String(length=255), nullable=True))
            batch_op.add_column(sa.Column('evidence_key', sa.String(length=300), nullable=True))
            batch_op.add_column(sa.Column('evidence_sha256', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('evidence_size', sa.Integer(), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ('evidence_size', 'evidence_sha256', 'evidence_key', 'evidence_filename'):
                batch_op.drop_column(column)
