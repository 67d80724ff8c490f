"""Text of the reports: escaping, the printed time, the configured fonts, the colours and
paragraph styles, and measuring and wrapping plain text for table cells."""
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from xml.sax.saxutils import escape

from flask import current_app, has_app_context
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import dumbSplit
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

from .fonts import Fonts, report_fonts

INK = colors.HexColor("#111111")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#333333")
HEAD_BG = colors.HexColor("#e6e6e6")
SHADE = colors.HexColor("#f3f3f3")
RED = colors.HexColor("#c0161d")


def esc(value) -> str:
    """Text for a reportlab Paragraph: markup characters print literally (names are data)."""
    return escape("" if value is None else str(value))


def list_text(items) -> str:
    """Names in a row as the report's language writes them: 甲、乙 or A, B."""
    return _(", ").join(str(i) for i in items)


def colon(label) -> str:
    """A label before its value: 原因： or Reason: (the report's language)."""
    return f"{label}{_(': ')}"


def with_key(name, key) -> str:
    """A name with its code: 启航队（A） or Team A (A)."""
    return _("%(name)s (%(key)s)", name=name, key=key)


def printed_time() -> str:
    """Now in the contest's time zone (Asia/Shanghai by default), to the minute."""
    name = "Asia/Shanghai"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or name
    try:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(name)
    except Exception:  # no tz database (e.g. Windows without tzdata): China has no DST
        tz = timezone(timedelta(hours=8))
    return datetime.now(tz).strftime("%Y-%m-%d %H:%M")


def configured_fonts() -> Fonts:
    """The report fonts, honoring the SCORING_PDF_FONT setting."""
    path = current_app.config.get("SCORING_PDF_FONT") if has_app_context() else None
    return report_fonts(path)


class Styles:
    """Paragraph styles of the reports, all in the embedded font (CJK line breaking)."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts
        f = fonts.regular

        def style(name, size, **kw):
            kw.setdefault("leading", round(size * 1.35, 1))
            kw.setdefault("textColor", INK)
            return ParagraphStyle(name, fontName=f, fontSize=size, wordWrap="CJK", **kw)

        self.body = style("body", 10)
        self.small = style("small", 8.5, textColor=MUTED)
        self.h1 = style("h1", 15, spaceAfter=2 * mm, alignment=TA_LEFT)
        self.h2 = style("h2", 12, spaceBefore=3 * mm, spaceAfter=1.5 * mm)
        self.cell = style("cell", 9)
        self.cell_small = style("cell_small", 7.5, textColor=MUTED)
        self.cell_center = style("cell_center", 9, alignment=TA_CENTER)
        self.cell_right = style("cell_right", 9, alignment=TA_RIGHT)
        self.head = style("head", 8.5, alignment=TA_CENTER, leading=11)
        self.big = style("big", 13, leading=17)
        self.banner = style("banner", 10, textColor=RED)
        self.mono = ParagraphStyle("mono", fontName=fonts.mono, fontSize=8, leading=10.5,
                                   textColor=INK, wordWrap="CJK", splitLongWords=1)

    def p(self, text, style=None) -> Paragraph:
        """A Paragraph of plain text (escaped, so names never act as markup)."""
        return Paragraph(esc(text), style or self.cell)

    def markup(self, html, style=None) -> Paragraph:
        """A Paragraph of trusted markup (the caller escaped every piece of data in it)."""
        return Paragraph(html, style or self.cell)


CELL_PAD = 3  # left and right padding of every table cell (points)


_CHAR_WIDTHS: dict = {}  # (font, size) -> {character: width}; fonts never change under a name


def _char_widths(text, font, size) -> list:
    """The width of each character, as reportlab's CJK line breaking measures them."""
    known = _CHAR_WIDTHS.setdefault((font, size), {})
    out = []
    for ch in text:
        w = known.get(ch)
        if w is None:
            w = known[ch] = stringWidth(ch, font, size)
        out.append(w)
    return out


@lru_cache(maxsize=32768)
def text_width(text, font, size) -> float:
    """stringWidth, remembered: a report measures the same scores and labels again and
    again (whether they fit, and where right-aligned or centred text starts)."""
    return stringWidth(text, font, size)


def wrap_text(text, avail, style) -> list | None:
    """The lines a Paragraph of `style` (wordWrap CJK) breaks plain `text` into at `avail`
    points: whitespace collapsed as the Paragraph does, then reportlab's own CJK rule
    (break between any two CJK characters; within Latin, back at a space; 、。） etc. never
    start a line). None where only a Paragraph can say: text that would parse into several
    fragments (&, <, >), alignments other than left (a Paragraph places those lines by its
    own slack), indents, or nothing left to print."""
    if (style.alignment != TA_LEFT or style.wordWrap != "CJK" or style.leftIndent
            or style.rightIndent or style.firstLineIndent or getattr(style, "endDots", None)
            or getattr(style, "textTransform", None) or any(c in text for c in "&<>")):
        return None
    text = cleanBlockQuotedText(text)
    if not text:
        return None
    font, size = style.fontName, style.fontSize
    return [line for _space, line in dumbSplit(text, _char_widths(text, font, size),
                                                [avail, avail])]


def fit_lines(text, width, style) -> object:
    """Like fit, for text of several lines ("\n"): a plain string when every line fits
    the column, else a Paragraph with the same line breaks that wraps inside them."""
    text = "" if text is None else str(text)
    room = width - 2 * CELL_PAD - 0.5
    lines = text.split("\n")
    if all(stringWidth(line, style.fontName, style.fontSize) <= room for line in lines):
        return text
    return Paragraph("<br/>".join(esc(line) for line in lines), style)


_ALIGN = {TA_LEFT: "LEFT", TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}


def text_cells(style, first, last) -> list:
    """Table style commands that set the plain-string cells from first to last (col, row)
    exactly as a Paragraph of `style` would be: font, size, leading, colour, alignment.

    One line of a Paragraph is `leading` high with its baseline `fontSize` below the top,
    and so is a plain string with these settings: rows keep their heights and text its place.
    """
    return [("FONTNAME", first, last, style.fontName),
            ("FONTSIZE", first, last, style.fontSize),
            ("LEADING", first, last, style.leading),
            ("TEXTCOLOR", first, last, style.textColor),
            ("ALIGN", first, last, _ALIGN.get(style.alignment, "LEFT"))]
