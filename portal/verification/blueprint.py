"""URL table of the public verification area (/v) and the revocation screen for Ketua/admin."""
from flask import Blueprint

from portal.verification import controllers as c

bp = Blueprint("verification", __name__, url_prefix="/v")

bp.url_value_preprocessor(c.prepare_upload_request)
bp.context_processor(c.layout_links)
bp.add_url_rule("/", "index", c.index)
bp.add_url_rule("/periksa", "check_upload", c.check_upload, methods=["POST"])
bp.add_url_rule("/hasil", "result", c.result)
bp.add_url_rule("/registri", "registry", c.registry)
bp.add_url_rule("/offline", "offline", c.offline_page)
bp.add_url_rule("/kunci-publik", "public_key", c.public_key)
bp.add_url_rule("/sehat", "health", c.health)
bp.add_url_rule("/pencabutan", "revocations", c.revocations)
bp.add_url_rule("/pencabutan/<public_id>", "revoke", c.revoke, methods=["POST"])
bp.add_url_rule("/<public_id>", "document", c.document)
bp.add_url_rule("/<public_id>/dokumen.pdf", "download", c.download)
bp.register_error_handler(413, c.upload_too_large)
