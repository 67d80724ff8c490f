"""The page every report shares: A4, header, footer, fonts, styles, tables, signatures.

Header (every page): the competition name, the report title with the current section
(e.g. one judge's sheet) and the time printed. Footer: 第 x 页 / 共 y 页 of the whole
document and the page within the section. Page totals need a second pass: the canvas
keeps each finished page and draws the numbers when the document is saved.
"""
import io
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from xml.sax.saxutils import escape

from flask import current_app, has_app_context
from flask_babel import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import dumbSplit
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.tables import CellStyle

from .fonts import Fonts, report_fonts

MARGIN_X = 15 * mm
FRAME_TOP = 31 * mm      # from the top edge: the header band lies above
FRAME_BOTTOM = 18 * mm   # from the bottom edge: the footer band lies below
INK = colors.HexColor("#111111")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#333333")
HEAD_BG = colors.HexColor("#e6e6e6")
SHADE = colors.HexColor("#f3f3f3")
RED = colors.HexColor("#c0161d")


def esc(value) -> str:
    """Text for a reportlab Paragraph: markup characters print literally (names are data)."""
    return escape("" if value is None else str(value))


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


def fit(text, width, style) -> object:
    """A table cell: a plain string when it fits on one line (cheap to lay out, and never
    parsed as markup), else the lines a Paragraph would break it into, drawn directly
    (Lines), so nothing is cut off; a Paragraph only where `wrap_text` cannot tell."""
    text = "" if text is None else str(text)
    room = width - 2 * CELL_PAD - 0.5
    if "\n" not in text and text_width(text, style.fontName, style.fontSize) <= room:
        return text
    lines = wrap_text(text, width - 2 * CELL_PAD, style)
    if lines is None:
        return Paragraph(esc(text), style)
    font, size, color = style.fontName, style.fontSize, style.textColor
    return Lines([[(line, size, color, 0.0)] for line in lines], font, size, style.leading)


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


class Lines(Flowable):
    """A left-aligned cell of short lines, each a few runs of (text, size, colour), drawn
    directly: what a Paragraph of the same runs draws when no line needs breaking, without
    parsing markup or breaking lines each time the table is measured or split. Built by
    `runs_cell` (a Paragraph instead when a line is too long) and by `fit` (the lines
    `wrap_text` broke a long text into). A FastTable writes them into its text object."""

    def __init__(self, lines, font, size, leading):
        super().__init__()
        self.lines, self.font, self.size, self.leading = lines, font, size, leading

    def wrap(self, avail_width, _avail_height):
        """As wide as the cell, one leading per line."""
        self.width = avail_width
        self.height = self.leading * len(self.lines)
        return avail_width, self.height

    def draw(self):
        """Each line's runs one after another, the first baseline one font size down."""
        c = self.canv
        y = self.height - self.size
        now = None  # (colour, size) last set: each setFont writes to the page stream
        for runs in self.lines:
            x = 0.0
            for text, size, color, width in runs:
                if text:
                    if now != (color, size):
                        c.setFillColor(color)
                        c.setFont(self.font, size)
                        now = (color, size)
                    c.drawString(x, y, text)
                x += width
            y -= self.leading


def runs_cell(lines, width, style) -> Flowable:
    """A cell of lines of runs [(text, size or None, colour or None)]: drawn directly
    (Lines) when every line fits the column, else a wrapping Paragraph of the same runs
    (escaped: names never act as markup)."""
    font, size = style.fontName, style.fontSize
    room = width - 2 * CELL_PAD - 0.5
    norm = [[(str(t), sz or size, col or style.textColor,
              stringWidth(str(t), font, sz or size)) for t, sz, col in runs] for runs in lines]
    if all(sum(r[3] for r in runs) <= room for runs in norm):
        return Lines(norm, font, size, style.leading)
    html = []
    for runs in lines:
        parts = []
        for text, sz, col in runs:
            if sz is None and col is None:
                parts.append(esc(text))
            else:
                attrs = (f" size={sz:g}" if sz is not None else "") + \
                    (f" color='{col.hexval().replace('0x', '#')}'" if col is not None else "")
                parts.append(f"<font{attrs}>{esc(text)}</font>")
        html.append("".join(parts))
    return Paragraph("<br/>".join(html), style)


class Struck(Flowable):
    """A number struck through (a dropped sheet), drawn directly: cheaper than <strike>."""

    def __init__(self, text, font, size, color=MUTED):
        super().__init__()
        self.text, self.font, self.size, self.color = str(text), font, size, color

    def wrap(self, avail_width, _avail_height):
        """As wide as the cell, one line high."""
        self.width = avail_width
        return avail_width, self.size * 1.2

    def draw(self):
        """Right-aligned text with a line through its middle."""
        c = self.canv
        w = stringWidth(self.text, self.font, self.size)
        c.saveState()
        c.setFillColor(self.color)
        c.setStrokeColor(INK)
        c.setFont(self.font, self.size)
        c.drawRightString(self.width, self.size * 0.25, self.text)
        c.setLineWidth(0.8)
        y = self.size * 0.55
        c.line(self.width - w - 1.5, y, self.width + 1.5, y)
        c.restoreState()


class Section(Flowable):
    """Marks where a section starts (e.g. one judge's sheet): shown in the header."""

    width = height = 0

    def __init__(self, key, subtitle):
        super().__init__()
        self.key = key
        self.subtitle = subtitle

    def wrap(self, *_args):
        """Takes no room."""
        return 0, 0

    def draw(self):
        """Tell the canvas which section the following pages belong to."""
        self.canv._report_section = (self.key, self.subtitle)


def signature_block(styles: Styles, labels, width) -> Table:
    """Signature lines: each label (e.g. 评委签字) with a blank to sign and a date blank."""
    date = _("Date")
    cells, widths = [], []
    share = width / len(labels)
    for label in labels:
        cells += [styles.p(label + "：", styles.body), "", styles.p(date + "：", styles.body), ""]
        label_w = stringWidth(label + "：", styles.fonts.regular, 10) + 3 * mm
        date_w = stringWidth(date + "：", styles.fonts.regular, 10) + 3 * mm
        rest = max(share - label_w - date_w - 4 * mm, 20 * mm)
        widths += [label_w, rest * 0.6, date_w, rest * 0.4]
    table = Table([cells], colWidths=widths, rowHeights=[13 * mm], hAlign="LEFT")
    style = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
             ("FONTNAME", (0, 0), (-1, -1), styles.fonts.regular),
             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    for i in range(len(labels)):
        style += [("LINEBELOW", (4 * i + 1, 0), (4 * i + 1, 0), 0.6, INK),
                  ("LINEBELOW", (4 * i + 3, 0), (4 * i + 3, 0), 0.6, INK),
                  ("RIGHTPADDING", (4 * i + 3, 0), (4 * i + 3, 0), 4 * mm)]
    table.setStyle(style)
    return table


class FastTable(Table):
    """A Table for long reports: every row measured once, page splits without measuring
    again, empty cells not drawn (blank sheets have thousands of them).

    reportlab's own split is kept (the same rows on each page, the same style commands,
    the repeated header), only its bookkeeping is skipped where it cannot change anything:
    a Table measures a page's worth of rows when it is wrapped, and a split leaves the
    rest as a new Table that is wrapped again, rebuilding its span and no-split maps over
    every remaining cell (quadratic in the rows of a long table: 46 pages of 1 000 teams).
    Here the first wrap measures all rows (the heights travel with every split), and a
    table that is clearly taller than the frame only reports its height: the frame then
    splits it, finding the split row from the SPAN/NOSPLIT commands themselves.
    """

    _quick = False  # wrap only summed the known row heights (the table will be split)

    def wrap(self, availWidth, availHeight):
        """Height and width; a table clearly taller than the room is not laid out."""
        if None in self._argH:
            self._measure(availWidth, availHeight)
        height = sum(self._argH)
        # Clearly too tall (by more than rounding): the frame will split it by rows
        # whatever the exact figure; anything closer is measured by reportlab as always.
        self._quick = (height > availHeight + 1 and self._nrows > 1 and self.splitByRow
                       and not self.splitInRow)
        if not self._quick:
            return super().wrap(availWidth, availHeight)
        self._rowHeights = self._argH
        self._width = sum(self._colWidths)
        self._height = height
        self.availWidth = availWidth
        return self._width, self._height

    def _measure(self, availWidth, availHeight):
        """Every row's height at once (reportlab's long-table mode stops at a page)."""
        optimize = self._longTableOptimize
        self._longTableOptimize = 0
        try:
            self._calc(availWidth, availHeight)
        finally:
            self._longTableOptimize = optimize
        self._argH = list(self._rowHeights)

    def split(self, availWidth, availHeight):
        """reportlab's split by rows, without laying the whole table out first."""
        if not self._quick:
            return super().split(availWidth, availHeight)
        if self._width > availWidth and not rl_config.allowTableBoundsErrors & 1:
            return []  # as Table.split
        return self._splitRows(availHeight)

    def _getFirstPossibleSplitRowPosition(self, availHeight, ignoreSpans=0):
        if not self._quick:
            return super()._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans)
        # As reportlab: no split inside a range that spans rows (SPAN or NOSPLIT), read
        # from the commands instead of the per-cell maps a full layout would build.
        impossible = set()
        for cmds in ([] if ignoreSpans else self._spanCmds, self._nosplitCmds):
            for _op, (_c0, r0), (_c1, r1) in cmds:
                r0 += self._nrows if r0 < 0 else 0
                r1 += self._nrows if r1 < 0 else 0
                impossible.update(range(min(r0, r1) + 1, max(r0, r1) + 1))
        h, n, split_at = 0, 1, 0
        for rh in self._rowHeights:
            if h + rh > availHeight:
                break
            if n not in impossible:
                split_at = n
            h += rh
            n += 1
        return split_at

    def draw(self):
        """As a Table, with all plain-string cells written as one PDF text object."""
        if self._quick:  # drawn whole after all (e.g. scaled to fit): lay it out first
            Table.wrap(self, self.availWidth, self._height)
            self._quick = False
        self._text = None
        super().draw()

    def _drawCell(self, cellval, cellstyle, pos, size):
        if isinstance(cellval, str):
            if not cellval:
                return
            if cellstyle.alignment in _X_OF and not (
                    cellstyle.direction or cellstyle.shaping or cellstyle.href
                    or cellstyle.destination):
                self._queue_text(cellval, cellstyle, pos, size)
                return
        elif (isinstance(cellval, tuple) and len(cellval) == 1 and type(cellval[0]) is Lines
              and cellstyle.alignment in _X_OF):
            self._queue_lines(cellval[0], cellstyle, pos, size)
            return
        super()._drawCell(cellval, cellstyle, pos, size)

    def _text_object(self, font, size, leading, color):
        """The table's text object, set to this font and colour."""
        t = self._text
        if t is None:
            t = self._text = self.canv.beginText()
            t._cell_font = t._cell_color = None
        if t._cell_font != (font, size):  # (the leading is for T*, never used here)
            t.setFont(font, size, leading)
            t._cell_font = (font, size)
        if t._cell_color is not color:
            t.setFillColor(color)
            t._cell_color = color
        return t

    def _show(self, t, text):
        """What t._textOut(text) writes for a TrueType font (each subset's font, then its
        glyph codes), with the pieces of each string remembered for the document: a
        report prints the same scores, awards and labels thousands of times."""
        canv = self.canv
        doc = canv._doc
        font = getFont(t._fontname)
        if not getattr(font, "_dynamicFont", False):
            t._textOut(text)
            return
        runs_of = doc.__dict__.setdefault("_scoring_text_runs", {})
        runs = runs_of.get((t._fontname, text))
        if runs is None:
            names = doc.__dict__.setdefault("_scoring_subset_names", {})
            runs = []
            for subset, piece in font.splitString(text, doc):
                name = names.get((t._fontname, subset))
                if name is None:
                    name = names[(t._fontname, subset)] = font.getSubsetInternalName(subset,
                                                                                     doc)
                runs.append((subset, name, canv._escape(piece)))
            runs_of[(t._fontname, text)] = runs
        out = []
        for subset, name, piece in runs:
            if subset != t._curSubset:
                out.append(f"{name} {_pdf_num(t._fontsize)} Tf {_pdf_num(t._leading)} TL")
                t._curSubset = subset
            out.append(f"({piece}) Tj")
        t._code.append(" ".join(out))

    def _queue_lines(self, cell, s, pos, size):
        """A Lines cell placed as Table._drawCell places a flowable (Lines.draw's runs at
        the same points), written into the table's text object."""
        colpos, rowpos = pos
        colwidth, rowheight = size
        w = colwidth - s.leftPadding - s.rightPadding
        h = cell.leading * len(cell.lines)
        if s.valign == "TOP":
            y = rowpos + rowheight - s.topPadding
        elif s.valign == "BOTTOM":
            y = rowpos + s.bottomPadding + h
        else:
            y = rowpos + (rowheight + s.bottomPadding - s.topPadding + h) / 2.0
        y -= h
        if s.alignment == "LEFT":
            x = colpos + s.leftPadding
        elif s.alignment == "RIGHT":
            x = colpos + colwidth - s.rightPadding - w
        else:
            x = colpos + (colwidth + s.leftPadding - s.rightPadding - w) / 2.0
        base = h - cell.size
        for runs in cell.lines:
            at = 0.0
            for text, run_size, color, width in runs:
                if text:
                    t = self._text_object(cell.font, run_size, run_size * 1.2, color)
                    t._code.append(f"1 0 0 1 {_pdf_num(x + at)} {_pdf_num(y + base)} Tm")
                    self._show(t, text)
                at += width
            base -= cell.leading

    def _queue_text(self, text, s, pos, size):
        """A plain-string cell placed exactly as Table._drawCell places it (same x, y, line
        by line), written into the table's one text object instead of a text object (with
        its font and colour set again) per string: the drawing is what costs most here."""
        colpos, rowpos = pos
        colwidth, rowheight = size
        t = self._text_object(s.fontname, s.fontsize, s.leading, s.color)
        x, shift = _X_OF[s.alignment](colpos, colwidth, s)
        lines = text.split("\n")
        n, leading, fontsize = len(lines), s.leading, s.fontsize
        if s.valign == "BOTTOM":
            y = rowpos + s.bottomPadding + n * leading - fontsize
        elif s.valign == "TOP":
            y = rowpos + rowheight - s.topPadding - fontsize
        else:
            y = rowpos + (s.bottomPadding + rowheight - s.topPadding + n * leading) / 2.0 - fontsize
        for line in lines:
            dx = shift * text_width(line, s.fontname, fontsize) if shift else 0
            t._code.append(f"1 0 0 1 {_pdf_num(x - dx)} {_pdf_num(y)} Tm")  # setTextOrigin
            self._show(t, line)
            y -= leading

    def _drawLines(self):
        # The text goes down before the rules, as reportlab draws cells before lines; in
        # its own q/Q so the canvas's idea of the colour stays true afterwards.
        if self._text is not None:
            self.canv.saveState()
            self.canv.drawText(self._text)
            self.canv.restoreState()
            self._text = None
        super()._drawLines()


@lru_cache(maxsize=32768)
def text_width(text, font, size) -> float:
    """stringWidth, remembered: a report measures the same scores and labels again and
    again (whether they fit, and where right-aligned or centred text starts)."""
    return stringWidth(text, font, size)


@lru_cache(maxsize=32768)
def _pdf_num(value) -> str:
    """A coordinate as reportlab writes it (fp_str), remembered: a table's columns and
    rows put thousands of strings at the same few dozen x and y."""
    return fp_str(value)


# Table._drawCell's x for a plain string, and the share of its width drawn left of x.
_X_OF = {
    "LEFT": lambda col, w, s: (col + s.leftPadding, 0),
    "CENTER": lambda col, w, s: (col + (w + s.leftPadding - s.rightPadding) * 0.5, 0.5),
    "CENTRE": lambda col, w, s: (col + (w + s.leftPadding - s.rightPadding) * 0.5, 0.5),
    "RIGHT": lambda col, w, s: (col + w - s.rightPadding, 1),
}


_GRID_CELL: dict = {}  # font -> the CellStyle class of grid cells in that font


def _grid_cell_style(font) -> type:
    """The style every grid cell starts from, as class defaults: plain strings (even empty
    ones) in the embedded font, never the Table default Helvetica, which is not embedded;
    9 pt on 11, vertically centred, padded."""
    cls = _GRID_CELL.get(font)
    if cls is None:
        cls = _GRID_CELL[font] = type("GridCellStyle", (CellStyle,), {
            "fontname": font, "fontsize": 9, "leading": 11, "valign": "MIDDLE",
            "leftPadding": CELL_PAD, "rightPadding": CELL_PAD,
            "topPadding": 2.5, "bottomPadding": 2.5})
    return cls


def grid_table(header, rows, widths, *, signature=None, styles_extra=(), keep_last=3,
               row_heights=None, font=None) -> Table:
    """A ruled table whose header row repeats on every page; signature rows stay with the
    last rows (NOSPLIT), so a signature never stands alone on a page."""
    data = [header] + list(rows)
    n_body = len(rows)
    if signature is not None:
        data.append([signature] + [""] * (len(widths) - 1))
    heights = None
    if row_heights:
        heights = [None] + list(row_heights) + ([None] if signature is not None else [])
    # Every cell starts from the grid's own defaults (not style commands over the whole
    # table, which reportlab applies cell by cell: 10 commands x every cell).
    cell = _grid_cell_style(font or configured_fonts().regular)
    cell_styles = [[cell("") for _value in row] for row in data]
    table = FastTable(data, colWidths=widths, rowHeights=heights, repeatRows=1,
                      cellStyles=cell_styles)
    last_body = n_body  # row index of the last body row
    style = [
        ("GRID", (0, 0), (-1, last_body), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
    ]
    style += list(styles_extra)
    if signature is not None:
        # After the caller's column styles, which must not restyle the signature row.
        sig = len(data) - 1
        style += [("SPAN", (0, sig), (-1, sig)),
                  ("ALIGN", (0, sig), (-1, sig), "LEFT"),
                  ("BACKGROUND", (0, sig), (-1, sig), colors.white),
                  ("LEFTPADDING", (0, sig), (-1, sig), 0),
                  ("TOPPADDING", (0, sig), (-1, sig), 4 * mm),
                  ("NOSPLIT", (0, max(1, sig - keep_last)), (-1, sig))]
    table.setStyle(style)
    return table


@dataclass
class Meta:
    """What the header and footer show."""

    competition: str
    title: str
    provisional: bool = False
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

    def watermark(self, canv, doc):
        """A light diagonal 暂定 / PROVISIONAL across pages of provisional results."""
        if not self.meta.provisional:
            return
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
        if self.meta.provisional:
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
        def __init__(self, *args, **kwargs):
            # The initial font goes into every page's preamble: it must be the embedded
            # one, or pdffonts would list an unembedded Helvetica.
            kwargs["initialFontName"] = fonts.regular
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
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
