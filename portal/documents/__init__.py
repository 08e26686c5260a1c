"""Official BNSP documents (surat, SPT, SK, sertifikat, berita acara, undangan, lembar disposisi)
rendered to PDF with a reserved space for the electronic signature stamp."""
from portal.documents.pdf import KINDS, RenderedPdf, SignatureBox, render_html, render_pdf

__all__ = ["KINDS", "RenderedPdf", "SignatureBox", "render_html", "render_pdf"]
