"""Audit anchoring: the chain head is checkpointed (signed, outside the audit table), so deleting
the newest rows or re-hashing the whole chain after an edit is detected; audit-verify lists every
break."""
from __future__ import annotations

import json

from sqlalchemy import select, text

from portal.audit import anchor
from portal.audit.models import AuditEntry
from portal.audit.services import compute_hash, record, verify_chain


def _entries(db, n):
    for i in range(n):
        record("uji.aksi", object_type="uji", object_id=i, detail={"i": i})
    db.session.commit()


def test_deleting_the_newest_rows_is_detected(runner, db):
    _entries(db, 6)
    assert runner.invoke(args=["audit-checkpoint"]).exit_code == 0
    db.session.execute(text("DELETE FROM audit_entry WHERE id >= 5"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.broken_at == 6 and "truncated" in report.reason
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1 and "#6" in result.output


def test_an_edit_with_every_later_hash_recomputed_is_detected(runner, db):
    _entries(db, 6)
    anchor.write_checkpoint()
    db.session.commit()
    rows = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    rows[2].action = "disembunyikan"
    prev = rows[1].entry_hash
    for row in rows[2:]:  # an attacker with database access rebuilds a consistent chain
        row.prev_hash = prev
        row.entry_hash = compute_hash(row)
        prev = row.entry_hash
    db.session.commit()
    report = verify_chain()
    assert [reason for _id, reason in report.breaks] == [
        f"entry 6 no longer has the hash checkpointed at {anchor.read_checkpoints()[0][1].at}: the trail was rewritten"]


def test_a_forged_checkpoint_is_not_trusted(runner, db):
    _entries(db, 3)
    checkpoint = anchor.write_checkpoint()
    path = anchor._path()
    forged = dict(checkpoint.__dict__, entry_hash="0" * 64)
    path.write_text(json.dumps(forged) + "\n")
    report = verify_chain()
    assert report.breaks and "no valid signature" in report.reason


def test_audit_verify_lists_every_break(runner, db):
    _entries(db, 8)
    db.session.execute(text("UPDATE audit_entry SET action = 'diubah' WHERE id IN (2, 6)"))
    db.session.execute(text("DELETE FROM audit_entry WHERE id = 4"))
    db.session.commit()
    report = verify_chain()
    assert [entry_id for entry_id, _ in report.breaks] == [2, 4, 6]
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 1
    for entry in ("#2", "#4", "#6"):
        assert entry in result.output


def test_untouched_trail_with_checkpoints_verifies(runner, db):
    _entries(db, 3)
    anchor.write_checkpoint()
    _entries(db, 2)
    anchor.write_checkpoint()
    assert verify_chain().ok
    assert runner.invoke(args=["audit-verify"]).exit_code == 0


def test_entries_of_one_transaction_chain_through_savepoints_and_rollbacks(db):
    """Several entries in one transaction link to each other (the head is read once), an entry in a
    savepoint that is rolled back leaves no gap, and a rolled-back transaction's entries are gone."""
    _entries(db, 2)
    record("uji.satu", object_type="uji", object_id="a")
    savepoint = db.session.begin_nested()
    record("uji.dibatalkan", object_type="uji", object_id="b")
    savepoint.rollback()
    record("uji.dua", object_type="uji", object_id="c")
    db.session.commit()
    record("uji.batal", object_type="uji", object_id="d")
    db.session.rollback()
    record("uji.tiga", object_type="uji", object_id="e")
    db.session.commit()
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["uji.satu", "uji.dua", "uji.tiga"]
    assert verify_chain().ok
