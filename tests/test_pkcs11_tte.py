"""Signing through a PKCS#11 token (SoftHSM2) and through the (fake) national TTE service.

Each signed PDF must validate with pyHanko (intact, trusted to the test root) and with poppler's
pdfsig; TTE failures must come back as Indonesian TteErrors without output or leaked secrets.
"""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pyhanko.sign.timestamps import HTTPTimeStamper

from portal.signing import devpki
from tests.fake_tte import FakeTteBehaviour, FakeTteIdentity, start_fake_tte
from portal.signing.pades import SignRequest, sign_pdf
from portal.signing.pkcs11_backend import Pkcs11Error, open_pkcs11_signer
from portal.signing.tte import TteClient, TteError, TteFailure, sign_pdf_with_tte
from portal.signing.validation import pdfsig_report, validate_signed_pdf
from tests.signing_pki import running_test_pki
from tests.softhsm import create_softhsm_token, sample_pdf, softhsm_missing_reason

NIK = "3174012345670001"
PASSPHRASE = "Passphrase-Rahasia-42"
REQ = SignRequest(verify_url="https://portal.bnsp.test/validasi/3f2a", signer_name="Ketua BNSP")


@pytest.fixture(scope="module")
def root() -> devpki.Issued:
    return devpki.make_root_ca("BNSP Test Root CA")


@pytest.fixture(scope="module")
def token(root, tmp_path_factory):
    reason = softhsm_missing_reason()
    if reason:
        pytest.skip(reason)
    previous = os.environ.get("SOFTHSM2_CONF")
    signer = devpki.issue_cert(root, "Ketua BNSP (HSM)")
    yield create_softhsm_token(tmp_path_factory.mktemp("softhsm"), signer, [root.cert])
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="module")
def tte_identity(root) -> FakeTteIdentity:
    signer = devpki.issue_cert(root, "Ketua BNSP (TTE)")
    return FakeTteIdentity(NIK, PASSPHRASE, signer.key, [signer.cert, root.cert])


@pytest.fixture()
def tte(tte_identity):
    behaviour = FakeTteBehaviour()
    url, stop = start_fake_tte(tte_identity, behaviour)
    yield TteClient(url, timeout=5), behaviour
    stop()


def assert_valid_signed(pdf: bytes, root, signer_cn: str, tmp_path) -> None:
    report = validate_signed_pdf(pdf, [root.cert])
    assert report.intact and report.trusted, report.problems
    assert report.signer_name and signer_cn in report.signer_name
    assert [s.field_name for s in report.signatures] == [REQ.field_name]
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    poppler = pdfsig_report(path)
    assert poppler["valid"] and poppler["whole_file"], poppler["output"]
    assert poppler["signatures"][0]["signer"] == signer_cn


# --- PKCS#11 ------------------------------------------------------------------------------

def test_pkcs11_token_signs_a_pdf_that_validates(token, root, tmp_path):
    with open_pkcs11_signer(token.lib_path, token.label, token.key_label, token.pin) as signer:
        outcome = sign_pdf(sample_pdf(), signer, REQ)
    assert_valid_signed(outcome.data, root, "Ketua BNSP (HSM)", tmp_path)


def test_pkcs11_wrong_pin_or_label_is_explained_without_echoing_the_pin(token, caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Pkcs11Error, match="PIN token salah") as wrong_pin:
        with open_pkcs11_signer(token.lib_path, token.label, token.key_label, "999999"):
            pass
    assert not wrong_pin.value.retryable
    assert "999999" not in str(wrong_pin.value) and "999999" not in caplog.text
    with pytest.raises(Pkcs11Error, match="tidak ditemukan pada token"):
        with open_pkcs11_signer(token.lib_path, token.label, "bukan-kunci", token.pin):
            pass
    with pytest.raises(Pkcs11Error, match="tidak dapat dibuka"):
        with open_pkcs11_signer(token.lib_path, "TOKEN-LAIN", token.key_label, token.pin):
            pass


# --- TTE ----------------------------------------------------------------------------------

def test_tte_signs_a_pdf_that_validates(tte, root, tmp_path, caplog):
    client, behaviour = tte
    caplog.set_level(logging.DEBUG)
    signed = sign_pdf_with_tte(sample_pdf(), REQ, client, NIK, PASSPHRASE)
    assert behaviour.sign_calls == 1
    assert_valid_signed(signed, root, "Ketua BNSP (TTE)", tmp_path)
    assert PASSPHRASE not in caplog.text


def test_tte_with_timestamp_gives_pades_b_t(tmp_path):
    with running_test_pki(tmp_path / "pki") as pki:
        identity = FakeTteIdentity(NIK, PASSPHRASE, pki.signer.key,
                                   [pki.signer.cert, pki.root.cert])
        url, stop = start_fake_tte(identity)
        try:
            signed = sign_pdf_with_tte(sample_pdf(), REQ, TteClient(url), NIK, PASSPHRASE,
                                       timestamper=HTTPTimeStamper(pki.tsa_url))
        finally:
            stop()
        report = validate_signed_pdf(signed, [pki.root_cert])
    assert report.ok, report.problems
    assert report.timestamp_valid and report.level == "B-T"


def test_tte_wrong_passphrase_is_refused_in_indonesian(tte, caplog):
    client, behaviour = tte
    caplog.set_level(logging.DEBUG)
    wrong = "salah-ketik-" + PASSPHRASE
    with pytest.raises(TteError, match="Passphrase salah") as exc:
        sign_pdf_with_tte(sample_pdf(), REQ, client, NIK, wrong)
    assert exc.value.failure is TteFailure.PASSPHRASE and not exc.value.retryable
    assert behaviour.sign_calls == 0
    assert wrong not in str(exc.value) and wrong not in caplog.text


def test_tte_unknown_nik_is_refused(tte):
    client, _ = tte
    with pytest.raises(TteError, match="NIK tidak terdaftar") as exc:
        sign_pdf_with_tte(sample_pdf(), REQ, client, "3174999999999999", PASSPHRASE)
    assert exc.value.failure is TteFailure.NIK and not exc.value.retryable


def test_tte_outage_is_retryable(tte):
    client, behaviour = tte
    behaviour.outage_status = 503
    with pytest.raises(TteError, match="gangguan \\(HTTP 503\\)") as exc:
        sign_pdf_with_tte(sample_pdf(), REQ, client, NIK, PASSPHRASE)
    assert exc.value.retryable


def test_tte_signature_that_does_not_verify_is_not_embedded(tte):
    client, behaviour = tte
    behaviour.corrupt_signatures = True
    with pytest.raises(TteError, match="Jawaban layanan TTE tidak valid") as exc:
        sign_pdf_with_tte(sample_pdf(), REQ, client, NIK, PASSPHRASE)
    assert exc.value.failure is TteFailure.INVALID_RESPONSE and exc.value.retryable


def test_tte_service_down_or_silent_fails_fast():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(TteError, match="tidak dapat dihubungi") as down:
        sign_pdf_with_tte(sample_pdf(), REQ, TteClient(f"http://127.0.0.1:{port}"), NIK,
                          PASSPHRASE)
    assert down.value.retryable and time.monotonic() - started < 2

    # A service that accepts the connection but never answers: the client's timeout decides.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        client = TteClient(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(TteError, match="tidak menjawab dalam 0.5 detik") as silent_exc:
            sign_pdf_with_tte(sample_pdf(), REQ, client, NIK, PASSPHRASE)
    assert silent_exc.value.failure is TteFailure.UNAVAILABLE
    assert time.monotonic() - started < 3


def test_fake_tte_runs_standalone():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "tests.fake_tte", "--port", str(port),
                             "--nik", NIK], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/v2/user/certificate?nik={NIK}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "fake TTE did not start"
                time.sleep(0.2)
        chain = TteClient(f"http://127.0.0.1:{port}").certificate_chain(NIK)
        assert len(chain) == 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()
