"""signing batch: prepared selection with review record, bound signing certificate

Revision ID: c5d1e8a4f210
Revises: c4f1e2a9d7b3
Create Date: 2026-11-30 10:50:00

"""
from alembic import op
import sqlalchemy as sa

import portal.core.types


revision = 'c5d1e8a4f210'
down_revision = 'c4f1e2a9d7b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signing_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', portal.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('key_fingerprint', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('message', sa.Text(), nullable=True))
    op.create_table(
        'signing_batch_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('opened_at', portal.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('kept_at', portal.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('returned_at', portal.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['signing_batch.id'],
                                name=op.f('fk_signing_batch_document_batch_id_signing_batch'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['signature_request.id'],
                                name=op.f('fk_signing_batch_document_request_id_signature_request'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_batch_document')),
    )
    with op.batch_alter_table('signing_batch_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_batch_document_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('uq_signing_batch_document', ['batch_id', 'request_id'], unique=True)


def downgrade():
    with op.batch_alter_table('signing_batch_document', schema=None) as batch_op:
        batch_op.drop_index('uq_signing_batch_document')
        batch_op.drop_index(batch_op.f('ix_signing_batch_document_batch_id'))
    op.drop_table('signing_batch_document')
    with op.batch_alter_table('signing_batch', schema=None) as batch_op:
        batch_op.drop_column('message')
        batch_op.drop_column('key_fingerprint')
        batch_op.drop_column('started_at')
