"""step form drafts (autosave of long step forms)

Revision ID: c41f0a7d2e10
Revises: 873d60ce1ad8
Create Date: 2026-11-30 10:19:22.829837

"""
from alembic import op
import sqlalchemy as sa

import portal.core.types


# revision identifiers, used by Alembic.
revision = 'c41f0a7d2e10'
down_revision = '873d60ce1ad8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('step_form_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('form_name', sa.String(length=40), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('saved_at', portal.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_step_form_draft_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], name=op.f('fk_step_form_draft_work_item_id_work_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_form_draft')),
    sa.UniqueConstraint('work_item_id', 'user_id', name=op.f('uq_step_form_draft_work_item_id'))
    )
    with op.batch_alter_table('step_form_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_form_draft_work_item_id'), ['work_item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('step_form_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_form_draft_work_item_id'))
    op.drop_table('step_form_draft')
