"""PDFs and images for the materials tests, made here (nothing downloaded)."""
import io
import zipfile


def pdf(pages: int = 30, size=(595.27, 841.89), encrypt: str | None = None) -> bytes:
    """A PDF of pages pages, each saying its number in big type ("Page 7 / 30")."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    kwargs = {}
    if encrypt:
        kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword=encrypt + "-owner")
    c = canvas.Canvas(buf, pagesize=size, **kwargs)
    for n in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 60)
        c.drawString(60, size[1] - 160, f"Page {n} / {pages}")
        c.setFont("Helvetica", 14)
        c.drawString(60, size[1] - 200, "Plan of the team (sample material)")
        c.showPage()
    c.save()
    return buf.getvalue()


def zip_as_pdf() -> bytes:
    """A ZIP archive (a .docx is one) that a team renamed to .pdf."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def png(width=800, height=600) -> bytes:
    """A small PNG picture."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 220, 240)).save(buf, "PNG")
    return buf.getvalue()


def png_bomb() -> bytes:
    """A PNG that claims 30000 x 30000 pixels (a decompression bomb), a few KB on disk."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buf, "PNG")
    return buf.getvalue()
