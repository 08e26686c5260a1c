"""licensing records: requirement checklist, files and checks per item, apresiasi minutes, LKS and findings, assessor teams

Revision ID: e7a1c4b9d203
Revises: c5d1e8a4f210
Create Date: 2026-11-30 11:40:00

"""
from alembic import op
import sqlalchemy as sa

import portal.core.types


revision = 'e7a1c4b9d203'
down_revision = 'c5d1e8a4f210'
branch_labels = None
depends_on = None

DEFAULTS = (
    ("apresiasi", "Surat permohonan apresiasi", "Ditandatangani pimpinan lembaga pengusul.", True),
    ("apresiasi", "Akta pendirian / SK pembentukan lembaga", "Beserta pengesahan instansi berwenang.", True),
    ("apresiasi", "Surat dukungan pembentukan LSP", "Dari instansi teknis / asosiasi industri.", True),
    ("apresiasi", "Profil calon LSP", "Struktur organisasi, alamat, kontak.", False),
    ("lisensi", "Panduan mutu dan prosedur LSP", "Sesuai PBNSP 201 / 202.", True),
    ("lisensi", "Skema sertifikasi yang diajukan", "Lengkap dengan unit kompetensi.", True),
    ("lisensi", "Daftar asesor kompetensi dan TUK", "Dengan sertifikat asesor yang berlaku.", True),
    ("lisensi", "Bukti uji coba (MUK)", "Perangkat asesmen yang telah diverifikasi.", False),
)


def _when():
    return portal.core.types.UTCDateTime(timezone=True)


def _fk(table, column, target, ondelete=None):
    return sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'),
                                   ondelete=ondelete)


def upgrade():
    requirement = op.create_table(
        'licence_requirement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_requirement')))
    op.create_index(op.f('ix_licence_requirement_stage'), 'licence_requirement', ['stage'])
    op.create_table(
        'licence_requirement_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('requirement_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('storage_key', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', _when(), nullable=False),
        _fk('licence_requirement_file', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_requirement_file', 'requirement_id', 'licence_requirement'),
        _fk('licence_requirement_file', 'uploaded_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_requirement_file')))
    op.create_index(op.f('ix_licence_requirement_file_case_id'), 'licence_requirement_file', ['case_id'])
    op.create_table(
        'licence_requirement_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('work_item_id', sa.Integer(), nullable=False),
        sa.Column('requirement_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.Column('checked_at', _when(), nullable=False),
        _fk('licence_requirement_check', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_requirement_check', 'work_item_id', 'work_item', 'CASCADE'),
        _fk('licence_requirement_check', 'requirement_id', 'licence_requirement'),
        _fk('licence_requirement_check', 'checked_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_requirement_check')))
    op.create_index(op.f('ix_licence_requirement_check_case_id'), 'licence_requirement_check', ['case_id'])
    op.create_table(
        'licence_lks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('work_item_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('spt_number', sa.String(length=120), nullable=False),
        sa.Column('team', sa.Text(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_at', _when(), nullable=False),
        _fk('licence_lks', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_lks', 'work_item_id', 'work_item', 'CASCADE'),
        _fk('licence_lks', 'submitted_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_lks')))
    op.create_index(op.f('ix_licence_lks_case_id'), 'licence_lks', ['case_id'])
    op.create_table(
        'licence_finding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('work_item_id', sa.Integer(), nullable=False),
        sa.Column('lks_id', sa.Integer(), nullable=True),
        sa.Column('case_item_id', sa.Integer(), nullable=True),
        sa.Column('acuan', sa.String(length=200), nullable=False),
        sa.Column('finding', sa.Text(), nullable=False),
        sa.Column('category', sa.String(length=10), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('written_at', _when(), nullable=False),
        _fk('licence_finding', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_finding', 'work_item_id', 'work_item', 'CASCADE'),
        _fk('licence_finding', 'lks_id', 'licence_lks', 'CASCADE'),
        _fk('licence_finding', 'case_item_id', 'case_item', 'SET NULL'),
        _fk('licence_finding', 'written_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_finding')))
    op.create_index(op.f('ix_licence_finding_case_id'), 'licence_finding', ['case_id'])
    op.create_table(
        'licence_finding_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('finding_id', sa.Integer(), nullable=False),
        sa.Column('work_item_id', sa.Integer(), nullable=False),
        sa.Column('corrective_action', sa.Text(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', _when(), nullable=False),
        _fk('licence_finding_answer', 'finding_id', 'licence_finding', 'CASCADE'),
        _fk('licence_finding_answer', 'work_item_id', 'work_item', 'CASCADE'),
        _fk('licence_finding_answer', 'answered_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_finding_answer')))
    op.create_index(op.f('ix_licence_finding_answer_finding_id'), 'licence_finding_answer', ['finding_id'])
    op.create_table(
        'licence_apresiasi_minutes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('work_item_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('written_at', _when(), nullable=False),
        _fk('licence_apresiasi_minutes', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_apresiasi_minutes', 'work_item_id', 'work_item', 'CASCADE'),
        _fk('licence_apresiasi_minutes', 'written_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_apresiasi_minutes')))
    op.create_index(op.f('ix_licence_apresiasi_minutes_case_id'), 'licence_apresiasi_minutes', ['case_id'])
    op.create_table(
        'licence_team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('assessment', sa.String(length=20), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('member_ids', sa.JSON(), nullable=False),
        sa.Column('declarations', sa.JSON(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', _when(), nullable=False),
        _fk('licence_team', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_team', 'lead_id', 'user_account'),
        _fk('licence_team', 'assigned_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_team')))
    op.create_index(op.f('ix_licence_team_case_id'), 'licence_team', ['case_id'])
    op.create_table(
        'licence_pleno',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('work_item_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('attendee_ids', sa.JSON(), nullable=False),
        sa.Column('attendee_names', sa.JSON(), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=False),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('schemes', sa.JSON(), nullable=False),
        sa.Column('valid_years', sa.Integer(), nullable=False),
        sa.Column('written_by_id', sa.Integer(), nullable=True),
        sa.Column('written_at', _when(), nullable=False),
        _fk('licence_pleno', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_pleno', 'work_item_id', 'work_item', 'CASCADE'),
        _fk('licence_pleno', 'written_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_pleno')))
    op.create_index(op.f('ix_licence_pleno_case_id'), 'licence_pleno', ['case_id'])
    op.create_table(
        'licence_status_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', _when(), nullable=False),
        _fk('licence_status_change', 'case_id', 'case_file', 'CASCADE'),
        _fk('licence_status_change', 'changed_by_id', 'user_account'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_status_change')))
    op.create_index(op.f('ix_licence_status_change_case_id'), 'licence_status_change', ['case_id'])
    op.bulk_insert(requirement, [
        {'stage': stage, 'position': position, 'item': item, 'description': description, 'required': required,
         'active': True}
        for position, (stage, item, description, required) in enumerate(DEFAULTS, start=1)])


def downgrade():
    for table in ('licence_status_change', 'licence_pleno', 'licence_team', 'licence_apresiasi_minutes', 'licence_finding_answer', 'licence_finding', 'licence_lks',
                  'licence_requirement_check', 'licence_requirement_file', 'licence_requirement'):
        op.drop_table(table)
