"""The table layout every report shares (reports/text.py, flowables.py, table.py): its own
line wrapping instead of a Paragraph per cell, long tables split page by page exactly where
reportlab splits them, text drawn exactly as reportlab draws it, and the signature kept
with the last rows.
"""
from unittest import mock

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from PIL import ImageChops
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table

from scoring.reports import frame
from scoring.reports.flowables import Lines, Struck, fit, runs_cell, signature_block
from scoring.reports.fonts import report_fonts
from scoring.reports.frame import Meta
from scoring.reports.table import FastTable, grid_table
from scoring.reports.text import MUTED, SHADE, Styles, esc, fit_lines, text_cells, wrap_text

from .pdfcheck import page_count, render, squeeze, text, write

ST = Styles(report_fonts())


def paragraph_lines(text_, avail, style):
    """The lines a Paragraph of the escaped text breaks into at avail points."""
    p = Paragraph(esc(text_), style)
    p.wrap(avail, 10_000)
    assert p.blPara.kind == 0  # one plain fragment: what wrap_text stands in for
    return [words[0] for _space, words in p.blPara.lines]


# ---- own line wrapping ------------------------------------------------------------------

def test_wrap_breaks_cjk_anywhere_latin_at_spaces():
    s = ST.cell_small
    four = stringWidth("一二三四", s.fontName, s.fontSize)
    assert wrap_text("一二三四五六七八", four, s) == ["一二三四", "五六七八"]
    # 、 never starts a line: it hangs at the end of the line before.
    assert wrap_text("一二三四、五六", four, s) == ["一二三四、", "五六"]
    room = stringWidth("alpha beta gamma", s.fontName, s.fontSize) + 3
    assert wrap_text("alpha beta gamma delta", room, s) == ["alpha beta gamma", "delta"]
    # Whitespace and line ends collapse to one space, as in a Paragraph.
    assert wrap_text("a  b\n c", 100, s) == ["a b c"]
    assert wrap_text("同分，按现场展示得分区分（78.36）", 60, s) == ["同分，按现场展示",
                                                                 "得分区分（78.36）"]


def test_wrap_leaves_to_a_paragraph_what_only_it_can_say():
    # Markup characters make several fragments; centred lines are placed by the
    # Paragraph's own slack; nothing to print has no line at all.
    assert wrap_text("R&D", 10, ST.cell) is None
    assert wrap_text("a <b> c", 10, ST.cell) is None
    assert wrap_text("很长的名字很长的名字", 10, ST.cell_center) is None
    assert wrap_text(" \n ", 10, ST.cell) is None


PIECES = ["同分", "按", "现场展示", "得分", "区分", "（78.36）", "、", "。", "）", "（", "弃权",
          "Tied", "mean", "of", "all", "sheets,", "nothing", "dropped", "Supercalifragilistic",
          " ", "  ", "\n", "1", "23.5", "'", '"', "-", "=1+2", "\xa0", "\u3000", "é"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hs.lists(hs.sampled_from(PIECES), min_size=1, max_size=25),
       hs.floats(min_value=15, max_value=160), hs.sampled_from(["cell", "cell_small", "body"]))
def test_wrap_breaks_exactly_where_a_paragraph_breaks(pieces, avail, style_name):
    style = getattr(ST, style_name)
    text_ = "".join(pieces)
    lines = wrap_text(text_, avail, style)
    if lines is None:
        assert not text_.split()
        return
    assert lines == paragraph_lines(text_, avail, style)
    # Drawn by Lines, the cell is exactly as tall as the Paragraph it replaces.
    p = Paragraph(esc(text_), style)
    cell = Lines([[(line, style.fontSize, style.textColor, 0.0)] for line in lines],
                 style.fontName, style.fontSize, style.leading)
    assert cell.wrap(avail, 10_000)[1] == p.wrap(avail, 10_000)[1]


def test_fit_gives_string_lines_or_paragraph_and_escapes_nothing_it_should_not():
    s = ST.cell_small
    assert fit("同分", 30 * mm, s) == "同分"
    quoted = "它说\"好\"，it's 'fine' — 同分，按现场展示得分区分（78.36）" * 2
    cell = fit(quoted, 30 * mm, s)
    assert isinstance(cell, Lines)
    # The lines are the text itself: nothing escaped (no &quot;), nothing lost.
    assert squeeze("".join(run[0] for line in cell.lines for run in line)) == squeeze(quoted)
    markup = "R&D 队 <b>粗</b> " * 4
    assert isinstance(fit(markup, 30 * mm, s), Paragraph)


@pytest.fixture
def ctx(sqlite_app, monkeypatch):
    """An app context in Chinese, the printed time fixed (pages compare pixel for pixel)."""
    monkeypatch.setattr(frame, "printed_time", lambda: "2026-01-01 00:00")
    with sqlite_app.app_context(), force_locale("zh_CN"):
        yield


def test_fitted_cells_print_literally(ctx, tmp_path):
    width = frame.frame_width(False)
    widths = [30 * mm, width - 30 * mm]
    rows = [[fit("R&D <b>x</b> " * 3, widths[0], ST.cell), "a"],
            [fit("它说\"好\"，it's 'fine' 长长的备注" * 2, widths[0], ST.cell), "b"]]
    table = grid_table(["一", "二"], rows, widths, font=ST.fonts.regular)
    body = squeeze(text(write(tmp_path, "t.pdf", frame.render([table], Meta("赛", "表")))))
    assert squeeze("R&D <b>x</b> " * 3) in body
    assert squeeze("它说\"好\"，it's 'fine' 长长的备注" * 2) in body


# ---- long tables ------------------------------------------------------------------------

def _story(n):
    """A ruled table of n rows of every kind of cell a report has, with a signature."""
    width = frame.frame_width(False)
    widths = [12 * mm, 50 * mm, 20 * mm, 20 * mm,
              width - 102 * mm - 30 * mm, 30 * mm]
    last = max(n, 1)
    rows = []
    extra = (text_cells(ST.cell_center, (0, 1), (0, last))
             + text_cells(ST.cell_small, (4, 1), (4, last)))
    for i in range(1, n + 1):
        key = f"R{i:03d}"
        note = "同分，按现场展示得分区分（78.36）" if i % 3 == 0 else ""
        if i % 7 == 0:
            note += "很长的备注" * 6
        team = runs_cell([[(f"队伍{i}", None, None), (" ", None, None),
                           (f"T{i}", 7, MUTED)], [("成员甲、成员乙", 7, MUTED)]],
                         widths[1], ST.cell)
        if i % 11 == 0:
            team = runs_cell([[("这是一个名字特别特别长的参赛队伍用来检查换行" * 2, None, None)]],
                             widths[1], ST.cell)
        score = Struck(f"{i % 50 + 50}.5", ST.fonts.regular, 9) if i % 5 == 0 else f"{i}.25"
        rows.append([key, team, score, "" if i % 4 == 0 else "一等奖",
                     fit(note, widths[4], ST.cell_small), Paragraph(esc(f"<K{i}>"), ST.cell)])
        if i % 2 == 0:
            extra.append(("BACKGROUND", (0, i), (-1, i), SHADE))
        if i % 13 == 0:
            extra += [("SPAN", (2, i), (3, i)), ("ALIGN", (2, i), (2, i), "CENTER")]
    sig = signature_block(ST, ["总评委签字", "监审签字"], width)
    head = [fit_lines(t, w, ST.head) for t, w in
            zip(["名次", "队伍", "得分", "奖项", "备注", "键"], widths, strict=True)]
    table = grid_table(head, rows, widths, signature=[ST.p("指纹 abc", ST.small), sig],
                       styles_extra=extra)
    return [Spacer(1, 5 * mm), table]


def _build(tmp_path, name, n, table_class=None, **kw):
    """The story rendered; with table_class, grid_table makes that class of table."""
    with mock.patch("scoring.reports.table.FastTable", table_class or FastTable):
        pdf = frame.render(_story(n, **kw), Meta("赛", "排名"))
    return write(tmp_path, name, pdf)


def test_long_table_draws_exactly_what_reportlab_draws(ctx, tmp_path):
    ours = _build(tmp_path, "ours.pdf", 120)
    plain = _build(tmp_path, "plain.pdf", 120, Table)
    pages = page_count(ours)
    assert pages == page_count(plain) and pages >= 4
    for number in range(1, pages + 1):
        a, b = render(ours, number), render(plain, number)
        assert ImageChops.difference(a, b).getbbox() is None, f"page {number} differs"


def _rows_on(path, number):
    return [w for w in text(path, number, number).split() if w.startswith("R") and
            w[1:].isdigit()]


def test_signature_stays_with_the_last_rows_near_a_page_bottom(ctx, tmp_path):
    # How many rows the first two pages hold when nothing holds them back.
    probe = _build(tmp_path, "probe.pdf", 150)
    per_page = [len(_rows_on(probe, p)) for p in (1, 2)]
    assert all(per_page)
    ends = sum(per_page)
    for n in range(ends - 5, ends + 2):
        ours = _build(tmp_path, f"ours-{n}.pdf", n)
        plain = _build(tmp_path, f"plain-{n}.pdf", n, Table)
        pages = page_count(ours)
        assert pages == page_count(plain), n
        for number in range(1, pages + 1):
            mine = text(ours, number, number)
            # The same rows on each page as reportlab's own split, header on every page.
            assert _rows_on(ours, number) == _rows_on(plain, number), (n, number)
            assert "名次" in mine, (n, number)
        last = text(ours, pages, pages)
        assert "总评委签字" in last and "监审签字" in last
        rows = _rows_on(ours, pages)
        assert rows[-3:] == [f"R{i:03d}" for i in (n - 2, n - 1, n)], (n, rows)


def test_a_long_table_is_measured_once(ctx, tmp_path):
    # reportlab alone lays the rest of the table out again after every page break
    # (quadratic); FastTable measures each row once and lays out each page's rows.
    laid_out = []
    real = Table._calc

    def counting(self, *args):
        laid_out.append(self._nrows)
        return real(self, *args)

    with mock.patch.object(Table, "_calc", counting):
        path = _build(tmp_path, "long.pdf", 300)
    pages = page_count(path)
    assert pages >= 12
    assert sum(laid_out) < 3 * 300, laid_out  # reportlab alone: over 8 000 rows
