"""Flowables and cells of the report tables: `fit` and `runs_cell` (the cheapest cell
that prints a text whole), Lines (short lines drawn directly), Struck (a dropped score),
Section (the section shown in the header) and the signature block."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table

from .text import CELL_PAD, INK, MUTED, Styles, colon, esc, text_width, wrap_text


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
        cells += [styles.p(colon(label), styles.body), "", styles.p(colon(date), styles.body), ""]
        label_w = stringWidth(colon(label), styles.fonts.regular, 10) + 3 * mm
        date_w = stringWidth(colon(date), styles.fonts.regular, 10) + 3 * mm
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
