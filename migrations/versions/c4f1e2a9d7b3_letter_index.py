"""letter_index: letters as index rows, so monitoring and search filter and page in SQL

Revision ID: c4f1e2a9d7b3
Revises: c1eab2c090d1
Create Date: 2026-11-30 10:40:00

"""
from alembic import op
import sqlalchemy as sa

import portal.core.types


# revision identifiers, used by Alembic.
revision = 'c4f1e2a9d7b3'
down_revision = 'c1eab2c090d1'
branch_labels = None
depends_on = None


def upgrade():
    # Rows are derived: the first monitoring or search page fills them (portal/correspondence/sla_index.py).
    op.create_table('letter_index',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.Column('flow_code', sa.String(length=10), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=True),
    sa.Column('sifat', sa.String(length=20), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.core.types.UTCDateTime(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=True),
    sa.Column('viewers', sa.Text(), nullable=True),
    sa.Column('started_at', portal.core.types.UTCDateTime(), nullable=True),
    sa.Column('due_at', portal.core.types.UTCDateTime(), nullable=True),
    sa.Column('open_due_at', portal.core.types.UTCDateTime(), nullable=True),
    sa.Column('late_done', sa.Boolean(), nullable=False),
    sa.Column('final_state', sa.String(length=10), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_letter_index_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_letter_index'))
    )
    with op.batch_alter_table('letter_index', schema=None) as batch_op:
        batch_op.create_index('ix_letter_index_created', ['created_at', 'case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_letter_index_sifat'), ['sifat'], unique=False)
        batch_op.create_index('ix_letter_index_stale', ['case_id'], unique=False,
                              postgresql_where=sa.text('stale'), sqlite_where=sa.text('stale'))


def downgrade():
    with op.batch_alter_table('letter_index', schema=None) as batch_op:
        batch_op.drop_index('ix_letter_index_stale')
        batch_op.drop_index(batch_op.f('ix_letter_index_sifat'))
        batch_op.drop_index('ix_letter_index_created')
    op.drop_table('letter_index')
