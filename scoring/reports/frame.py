"""The page every report shares: A4 frame, header, footer, watermark, and render.

Header (every page): the competition name, the report title with the current section
(e.g. one judge's sheet) and the time printed. Footer: 第 x 页 / 共 y 页 of the whole
document and the page within the section. Page totals need a second pass: the canvas
keeps each finished page and draws the numbers when the document is saved.
"""
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from .fonts import Fonts
from .text import INK, MUTED, RED, RULE, Styles, configured_fonts, printed_time

MARGIN_X = 15 * mm
FRAME_TOP = 31 * mm      # from the top edge: the header band lies above
FRAME_BOTTOM = 18 * mm   # from the bottom edge: the footer band lies below


@dataclass
class Meta:
    """What the header and footer show."""

    competition: str
    title: str
    provisional: bool = False
    # When set, only the pages of these sections (Section keys) are provisional: a report
    # of every team stamps the pages of the teams still waiting for a sheet, not all.
    provisional_sections: frozenset | None = None
    landscape: bool = False
    footer_note: str = ""


def _fit(text, font, size, width, minimum=7.0):
    """The largest size <= size (down to minimum) at which text fits width, and the text."""
    while size > minimum and stringWidth(text, font, size) > width:
        size -= 0.5
    if stringWidth(text, font, size) > width:
        while text and stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        text += "…"
    return text, size


class _Painter:
    """Draws the header, footer and provisional watermark for one document."""

    def __init__(self, meta: Meta, fonts: Fonts):
        self.meta = meta
        self.fonts = fonts
        self.printed = _("Printed %(time)s", time=printed_time())
        self.page_label = _("Page %(page)s of %(pages)s")
        self.section_label = _("this sheet: page %(page)s of %(pages)s")
        self.banner = _("PROVISIONAL: some sheets are still missing; not final results")

    def provisional_here(self, canv) -> bool:
        """Whether the page being drawn shows provisional results."""
        if not self.meta.provisional:
            return False
        if self.meta.provisional_sections is None:
            return True
        section = getattr(canv, "_report_section", None)
        return section is not None and section[0] in self.meta.provisional_sections

    def watermark(self, canv, doc):
        """A light diagonal 暂定 / PROVISIONAL across pages of provisional results.

        Drawn under the page's content; per-section stamps are drawn with the header,
        when the page's section is known (still light enough to read through).
        """
        if self.meta.provisional and self.meta.provisional_sections is None:
            self._watermark(canv, doc)

    def _watermark(self, canv, doc):
        w, h = doc.pagesize
        canv.saveState()
        canv.setFillColor(RED)
        canv.setFillAlpha(0.10)
        canv.translate(w / 2, h / 2)
        canv.rotate(35)
        canv.setFont(self.fonts.regular, 64)
        canv.drawCentredString(0, 0, "暂定  PROVISIONAL")
        canv.restoreState()

    def header(self, canv, doc):
        """Competition name, title with the current section, time printed."""
        w, h = doc.pagesize
        f = self.fonts.regular
        right = w - MARGIN_X
        canv.saveState()
        canv.setFillColor(MUTED)
        canv.setFont(f, 8.5)
        canv.drawRightString(right, h - 13 * mm, self.printed)
        room = right - MARGIN_X - stringWidth(self.printed, f, 8.5) - 8 * mm
        name, size = _fit(self.meta.competition, f, 13, room)
        canv.setFillColor(INK)
        canv.setFont(f, size)
        canv.drawString(MARGIN_X, h - 13 * mm, name)
        section = getattr(canv, "_report_section", None)
        title = self.meta.title + (f"  ·  {section[1]}" if section and section[1] else "")
        title, size = _fit(title, f, 10.5, right - MARGIN_X)
        canv.setFont(f, size)
        canv.drawString(MARGIN_X, h - 20 * mm, title)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.8)
        canv.line(MARGIN_X, h - 22.5 * mm, right, h - 22.5 * mm)
        if self.provisional_here(canv):
            if self.meta.provisional_sections is not None:
                self._watermark(canv, doc)
            canv.setFillColor(RED)
            canv.rect(MARGIN_X, h - 29 * mm, right - MARGIN_X, 5.5 * mm, stroke=0, fill=1)
            canv.setFillColor(colors.white)
            text, size = _fit(self.banner, f, 9.5, right - MARGIN_X - 4 * mm)
            canv.setFont(f, size)
            canv.drawCentredString(w / 2, h - 27.2 * mm, text)
        canv.restoreState()

    def footer(self, canv, page, pages, section_page=None, section_pages=None):
        """第 x 页 / 共 y 页 in the middle; the section's own page count and a note aside."""
        w, _h = canv._pagesize
        f = self.fonts.regular
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, 14.5 * mm, w - MARGIN_X, 14.5 * mm)
        canv.setFillColor(INK)
        canv.setFont(f, 9)
        canv.drawCentredString(w / 2, 10 * mm, self.page_label % {"page": page, "pages": pages})
        canv.setFillColor(MUTED)
        canv.setFont(f, 8)
        if section_pages and section_pages > 1:
            canv.drawString(MARGIN_X, 10 * mm, self.section_label % {
                "page": section_page, "pages": section_pages})
        if self.meta.footer_note:
            note, size = _fit(self.meta.footer_note, f, 8, w / 2 - MARGIN_X - 25 * mm)
            canv.setFont(f, size)
            canv.drawRightString(w - MARGIN_X, 10 * mm, note)
        canv.restoreState()


def _canvas_class(painter: _Painter, fonts: Fonts):
    """A canvas that defers page numbering until every page is known (two passes)."""

    class NumberedCanvas(Canvas):
        """Keeps each finished page; on save, draws every footer with the page totals."""

        def __init__(self, *args, **kwargs):
            # The initial font goes into every page's preamble: it must be the embedded
            # one, or pdffonts would list an unembedded Helvetica.
            kwargs["initialFontName"] = fonts.regular
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):
            """Keep the finished page; its footer is drawn on save."""
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            """Draw each kept page's footer, now that the totals are known, then write."""
            total = len(self._saved_pages)
            sections = [(s.get("_report_section") or (None, ""))[0] for s in self._saved_pages]
            counts, seen = {}, {}
            for key in sections:
                counts[key] = counts.get(key, 0) + 1
            for state, key in zip(self._saved_pages, sections, strict=True):
                self.__dict__.update(state)
                seen[key] = seen.get(key, 0) + 1
                painter.footer(self, self._pageNumber, total,
                               seen[key] if key is not None else None,
                               counts[key] if key is not None else None)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def render(story, meta: Meta, fonts: Fonts | None = None) -> bytes:
    """Lay the flowables out on A4 pages with the shared header and footer; PDF bytes."""
    fonts = fonts or configured_fonts()
    pagesize = landscape(A4) if meta.landscape else A4
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                          topMargin=FRAME_TOP, bottomMargin=FRAME_BOTTOM,
                          title=f"{meta.competition} · {meta.title}", author="scoring",
                          creator="scoring", invariant=0)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    painter = _Painter(meta, fonts)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=painter.watermark,
                                       onPageEnd=painter.header)])
    doc.build(list(story) or [Paragraph("", Styles(fonts).body)],
              canvasmaker=_canvas_class(painter, fonts))
    return buf.getvalue()


def frame_width(meta_landscape: bool) -> float:
    """The usable width of a page's body (points)."""
    return (landscape(A4) if meta_landscape else A4)[0] - 2 * MARGIN_X


def frame_height(meta_landscape: bool) -> float:
    """The usable height of a page's body (points)."""
    return (landscape(A4) if meta_landscape else A4)[1] - FRAME_TOP - FRAME_BOTTOM
