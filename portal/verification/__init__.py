"""Public verification of signed BNSP documents: the QR landing page /v/<id>, upload-to-verify,
the certificate registry search, revocation, and the offline (Ed25519) check of the QR payload."""
