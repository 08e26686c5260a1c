"""signature request index by work item and state: a batch asks after each group whether the
step's documents are all signed

Revision ID: a3f9c1d7e210
Revises: e7b4c2d91f05
Create Date: 2026-11-30 13:50:00

"""
from alembic import op


revision = 'a3f9c1d7e210'
down_revision = 'e7b4c2d91f05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_signature_request_work_state', 'signature_request', ['work_item_id', 'state'])


def downgrade():
    op.drop_index('ix_signature_request_work_state', table_name='signature_request')
