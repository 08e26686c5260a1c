"""disposition records (the step form "disposisi"), moved out of case_file.data

Revision ID: d5e2b8a91c34
Revises: c41f0a7d2e10
Create Date: 2026-11-30 10:19:22.829837

"""
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa

import portal.core.types


# revision identifiers, used by Alembic.
revision = 'd5e2b8a91c34'
down_revision = 'c41f0a7d2e10'
branch_labels = None
depends_on = None

case_file = sa.table('case_file', sa.column('id', sa.Integer), sa.column('flow_code', sa.String),
                     sa.column('data', sa.JSON))
work_item = sa.table('work_item', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                     sa.column('step_key', sa.String))


def _record_table():
    return sa.table(
        'disposition_record', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
        sa.column('work_item_id', sa.Integer), sa.column('instructions', sa.JSON), sa.column('units', sa.JSON),
        sa.column('note', sa.Text), sa.column('due', sa.Date), sa.column('disposer_id', sa.Integer),
        sa.column('disposer_name', sa.String), sa.column('disposer_role', sa.String),
        sa.column('submitted_at', portal.core.types.UTCDateTime(timezone=True)))


def upgrade():
    op.create_table('disposition_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('instructions', sa.JSON(), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('disposer_id', sa.Integer(), nullable=True),
    sa.Column('disposer_name', sa.String(length=200), nullable=False),
    sa.Column('disposer_role', sa.String(length=20), nullable=False),
    sa.Column('submitted_at', portal.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_disposition_record_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['disposer_id'], ['user_account.id'], name=op.f('fk_disposition_record_disposer_id_user_account')),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], name=op.f('fk_disposition_record_work_item_id_work_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposition_record'))
    )
    with op.batch_alter_table('disposition_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disposition_record_case_id'), ['case_id'], unique=False)

    # Letters disposed before: their sheet's facts leave case_file.data for a typed record.
    conn = op.get_bind()
    records = _record_table()
    for case_id, data in conn.execute(sa.select(case_file.c.id, case_file.c.data).where(case_file.c.flow_code == 'SM')):
        given = (data or {}).get('disposition')
        work_id = conn.scalar(sa.select(sa.func.max(work_item.c.id)).where(
            work_item.c.case_id == case_id, work_item.c.step_key == 'disposisi'))
        if not given or work_id is None:
            continue
        conn.execute(records.insert().values(
            case_id=case_id, work_item_id=work_id, instructions=list(given.get('instructions', [])),
            units=list(given.get('units', [])), note=given.get('note', ''), due=date.fromisoformat(given['due']),
            disposer_id=given.get('by'), disposer_name=given.get('by_name', ''),
            disposer_role=given.get('by_role', 'kasek'), submitted_at=datetime.fromisoformat(given['at'])))
        rest = {k: v for k, v in data.items() if k != 'disposition'}
        if given.get('units'):
            rest['routed_to'] = given['units'][0]
        conn.execute(case_file.update().where(case_file.c.id == case_id).values(data=rest))


def downgrade():
    conn = op.get_bind()
    records = _record_table()
    latest = {}
    for row in conn.execute(sa.select(records).order_by(records.c.id)):
        latest[row.case_id] = row
    for case_id, row in latest.items():
        data = conn.scalar(sa.select(case_file.c.data).where(case_file.c.id == case_id)) or {}
        data = {**data, 'disposition': {
            'instructions': row.instructions, 'units': row.units, 'note': row.note, 'due': row.due.isoformat(),
            'by': row.disposer_id, 'by_name': row.disposer_name, 'by_role': row.disposer_role,
            'at': row.submitted_at.isoformat()}}
        conn.execute(case_file.update().where(case_file.c.id == case_id).values(data=data))
    with op.batch_alter_table('disposition_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disposition_record_case_id'))
    op.drop_table('disposition_record')
