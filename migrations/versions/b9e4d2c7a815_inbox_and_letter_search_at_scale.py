"""Kotak Kerja and letter monitoring at scale: per-role partial indexes of open work items with the
case's number and subject on the item (search_text); letter_index gets closed_at (the chart) and
covering indexes for the counts and letter_tally (finished letters pre-counted); substring search through pg_trgm (PostgreSQL, when the extension
may be created) or an FTS5 trigram table (SQLite).

Revision ID: b9e4d2c7a815
Revises: 19f28e82f14b
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa

import portal.core.types


# revision identifiers, used by Alembic.
revision = 'b9e4d2c7a815'
down_revision = '19f28e82f14b'
branch_labels = None
depends_on = None

# portal.flows.roles.ROLES as of this revision: bit i of work_item.role_mask is the i-th role.
ROLES = ['admin', 'cs', 'phu', 'staf_sertifikasi', 'koor_sertifikasi', 'koor_sdm', 'staf_lisensi', 'kasek', 'kabag',
         'ketua', 'anggota', 'pantek', 'komtek', 'ma_pelatih', 'ma_penguji', 'asesor_lisensi', 'lsp', 'peserta']
INBOX_COLUMNS = ['due_at', 'id', 'case_id', 'flow_code', 'search_text']
OPEN = "state = 'open'"


def _role_where(index: int) -> str:
    return f"state = 'open' AND assignee_id IS NULL AND (role_mask & {1 << index}) <> 0"


def upgrade():
    bind = op.get_bind()
    op.add_column('work_item', sa.Column('search_text', sa.Text(), nullable=True))
    op.execute("UPDATE work_item SET search_text = (SELECT lower(coalesce(case_file.number, '') || ' | ' || "
               "coalesce(case_file.title, '')) FROM case_file WHERE case_file.id = work_item.case_id) "
               "WHERE state = 'open'")
    op.drop_index('ix_work_item_assignee_open', table_name='work_item')
    op.create_index('ix_work_item_assignee_open', 'work_item',
                    ['assignee_id', 'due_at', 'id', 'case_id', 'flow_code', 'search_text'], unique=False,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    for index, role in enumerate(ROLES):
        op.create_index(f'ix_work_item_open_role_{role}', 'work_item', INBOX_COLUMNS, unique=False,
                        postgresql_where=sa.text(_role_where(index)), sqlite_where=sa.text(_role_where(index)))

    op.add_column('letter_index', sa.Column('closed_at', portal.core.types.UTCDateTime(), nullable=True))
    op.execute("UPDATE letter_index SET closed_at = (SELECT case_file.closed_at FROM case_file "
               "WHERE case_file.id = letter_index.case_id)")
    op.create_index('ix_letter_index_finished', 'letter_index',
                    ['final_state', 'flow_code', 'created_at', 'sifat', 'state', 'created_by_id', 'viewers'],
                    unique=False, postgresql_where=sa.text('final_state IS NOT NULL'),
                    sqlite_where=sa.text('final_state IS NOT NULL'))
    op.create_index('ix_letter_index_running', 'letter_index',
                    ['created_at', 'case_id', 'flow_code', 'started_at', 'due_at', 'open_due_at', 'late_done',
                     'sifat', 'state', 'created_by_id', 'viewers'],
                    unique=False, postgresql_where=sa.text('final_state IS NULL'),
                    sqlite_where=sa.text('final_state IS NULL'))
    op.create_index('ix_letter_index_secret', 'letter_index',
                    ['final_state', 'flow_code', 'sifat', 'state', 'viewers'], unique=False,
                    postgresql_where=sa.text('viewers IS NOT NULL'), sqlite_where=sa.text('viewers IS NOT NULL'))
    op.create_table('letter_tally',
    sa.Column('flow_code', sa.String(length=10), nullable=False),
    sa.Column('sifat', sa.String(length=20), nullable=False),
    sa.Column('final_state', sa.String(length=10), nullable=False),
    sa.Column('letters', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('flow_code', 'sifat', 'final_state', name=op.f('pk_letter_tally'))
    )
    op.execute("INSERT INTO letter_tally (flow_code, sifat, final_state, letters) "
               "SELECT flow_code, coalesce(sifat, ''), final_state, count(*) FROM letter_index "
               "WHERE final_state IS NOT NULL AND viewers IS NULL AND flow_code IS NOT NULL "
               "GROUP BY flow_code, coalesce(sifat, ''), final_state")
    if bind.dialect.name == 'postgresql':
        from portal.core.trigram import OPS, ensure_extension

        if ensure_extension(bind):
            op.create_index('ix_letter_index_search_trgm', 'letter_index', ['search_text'], unique=False,
                            postgresql_using='gin', postgresql_ops={'search_text': OPS})
    elif bind.dialect.name == 'sqlite':
        from portal.correspondence.letter_search import CREATE_FTS, FTS_TABLE

        op.execute(CREATE_FTS)
        op.execute(f"INSERT INTO {FTS_TABLE} (rowid, search_text) "
                   f"SELECT case_id, coalesce(search_text, '') FROM letter_index")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.execute("DROP TABLE IF EXISTS letter_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_letter_index_search_trgm")
    op.drop_table('letter_tally')
    op.drop_index('ix_letter_index_secret', table_name='letter_index')
    op.drop_index('ix_letter_index_running', table_name='letter_index')
    op.drop_index('ix_letter_index_finished', table_name='letter_index')
    with op.batch_alter_table('letter_index', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
    for role in ROLES:
        op.drop_index(f'ix_work_item_open_role_{role}', table_name='work_item')
    op.drop_index('ix_work_item_assignee_open', table_name='work_item')
    op.create_index('ix_work_item_assignee_open', 'work_item', ['assignee_id'], unique=False,
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_column('search_text')
