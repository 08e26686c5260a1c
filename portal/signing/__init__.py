"""Electronic signing of documents the Ketua signs: PAdES with a QR stamp, batch signing and
validation (PKCS#12 in this package; PKCS#11 and the remote TTE service alongside)."""
