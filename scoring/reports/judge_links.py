"""Judge login cards (评委登录卡): name, group, a QR code of the private link, the link.

Eight cards per A4 page (2 x 4) with dashed cut lines; each card is cut out and handed
to its judge, who scans it with the tablet.
"""
from flask_babel import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph

from ..models import Judge
from ..operations.tokens import judge_link_path
from .common import group_label, localized
from .data import load
from .frame import Meta, frame_height, frame_width, render
from .text import MUTED, Styles, configured_fonts, esc, with_key

COLUMNS, ROWS = 2, 4


def judge_link(base_url: str, judge) -> str:
    """The full private login URL of a judge under base_url (e.g. http://10.0.0.5:5000)."""
    return base_url.rstrip("/") + "/j/" + judge_link_path(judge)


class CardSheet(Flowable):
    """One page of judge cards in a grid, with dashed cut lines between them."""

    def __init__(self, cards, styles: Styles, width, height, competition_name):
        super().__init__()
        self.cards = cards
        self.st = styles
        self.width = width
        self.height = height
        self.competition_name = competition_name

    def wrap(self, *_args):
        """Fills the page body."""
        return self.width, self.height

    def _card(self, c, x, y, w, h, card):
        st = self.st
        pad = 5 * mm
        # The link as text, full width along the bottom of the card, in the monospace
        # font; everything else must fit above it (a long name never pushes it over the
        # cut line onto the next judge's card).
        link = Paragraph(esc(card["url"]), st.mono)
        _w, lh = link.wrap(w - 2 * pad, h)
        link.drawOn(c, x + pad, y + pad)
        floor = y + pad + lh + 2 * mm  # the lowest point the rest may reach
        top = y + h - pad
        qr_size = min(top - floor, w * 0.46)
        # QR code on the left, under the top edge.
        widget = QrCodeWidget(card["url"], barLevel="M")
        bx, by, bw, bh = widget.getBounds()
        drawing = Drawing(qr_size, qr_size,
                          transform=[qr_size / (bw - bx), 0, 0, qr_size / (bh - by), 0, 0],
                          # The renderer sets this font first even with no text drawn: it
                          # must be the embedded one, never the default Helvetica.
                          initialFontName=st.fonts.regular)
        drawing.add(widget)
        renderPDF.draw(drawing, c, x + pad - 2 * mm, top - qr_size)
        # Text on the right of the QR code: the largest variant that fits above the link.
        tx = x + pad + qr_size + 1 * mm
        tw = x + w - pad - tx
        paras = self._text_fitting(card, tw, top - floor)
        c.saveState()
        clip = c.beginPath()  # a last guard: nothing drawn below the floor, ever
        clip.rect(tx, floor, tw, top - floor)
        c.clipPath(clip, stroke=0, fill=0)
        for para, ph in paras:
            top -= ph
            para.drawOn(c, tx, top)
            top -= 1.5 * mm
        c.restoreState()

    def _text_fitting(self, card, width, height):
        """[(paragraph, height)] of the card's text, in the largest form that fits height:
        the name big with the note, then without the note, then the name smaller."""
        st = self.st
        note = card.get("note") or _(
            "Scan the code with the tablet to log in. Keep this card to yourself: the "
            "link is your signature.")
        variants = [(st.big, note), (st.big, None), (st.body, None), (st.cell, None),
                    (st.cell_small, None)]
        for name_style, shown_note in variants:
            texts = [(self.competition_name, st.cell_small), (card["name"], name_style),
                     (card["group"], st.cell)]
            if shown_note:
                texts.append((shown_note, st.cell_small))
            paras = []
            for text, style in texts:
                para = Paragraph(esc(text), style)
                paras.append((para, para.wrap(width, height)[1]))
            if sum(ph + 1.5 * mm for _p, ph in paras) <= height:
                break
        return paras

    def draw(self):
        """Cards in reading order, cut lines between rows and columns."""
        c = self.canv
        cw, ch = self.width / COLUMNS, self.height / ROWS
        for i, card in enumerate(self.cards):
            col, row = i % COLUMNS, i // COLUMNS
            self._card(c, col * cw, self.height - (row + 1) * ch, cw, ch, card)
        c.saveState()
        c.setStrokeColor(MUTED)
        c.setLineWidth(0.5)
        c.setDash(4, 3)
        for k in range(COLUMNS + 1):
            c.line(k * cw, 0, k * cw, self.height)
        for k in range(ROWS + 1):
            c.line(0, k * ch, self.width, k * ch)
        c.restoreState()


def card_story(cards, st: Styles, competition_name: str, empty: str) -> list:
    """Cards eight to a page (a CardSheet per page, page breaks between), or the line
    `empty` when there is no card; judge and team cards alike."""
    width, height = frame_width(False), frame_height(False)
    story = []
    per_page = COLUMNS * ROWS
    for start in range(0, len(cards), per_page):
        if story:
            story.append(PageBreak())
        story.append(CardSheet(cards[start:start + per_page], st, width, height - 1,
                               competition_name))
    if not story:
        story.append(st.p(empty, st.body))
    return story


@localized
def build_judge_links(competition, base_url="http://127.0.0.1:5000") -> bytes:
    """The judge-links PDF: one card per judge, eight per page, with cut lines."""
    data = load(competition, with_results=False)
    st = Styles(configured_fonts())
    meta = Meta(competition=competition.name, title=_("Judge login cards"))
    rows = {j.key: j for j in competition.judges}
    cards = []
    for judge in data.judges:
        row: Judge = rows[judge.key]
        group = group_label(judge.group)
        if judge.department:
            group += " · " + judge.department
        cards.append({"name": with_key(judge.name, judge.key), "group": group,
                      "url": judge_link(base_url, row)})
    return render(card_story(cards, st, competition.name, _("No judge yet.")), meta)
