"""The fast table engine: FastTable (reportlab's Table, its bookkeeping skipped where it
cannot change anything and its text written as one PDF text object) and grid_table, the
ruled table of every report.

FastTable draws through reportlab internals (Table._drawCell, the row split, text
objects): reportlab is pinned to 5.1.x in pyproject.toml for this module, and
tests/reports/test_layout.py checks its pages pixel for pixel against a plain Table.
"""
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Table
from reportlab.platypus.tables import CellStyle

from .flowables import Lines
from .text import CELL_PAD, HEAD_BG, RULE, configured_fonts, text_width


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
