"""The draw (抽签结果): the presentation order, the seed and how to re-derive it."""
import shlex

from flask_babel import get_locale
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from .. import rules as R
from ..rules.moments import to_local
from .common import localized
from .data import load
from .draw_rooms import room_draw_blocks
from .flowables import signature_block
from .frame import Meta, frame_width, render
from .table import grid_table
from .text import Styles, configured_fonts, esc, list_text

HASH_DIGITS = 16  # enough of the SHA-256 to check the order by eye


def _draw_time(competition) -> str:
    """When the draw was made, in the contest's time zone."""
    if competition.draw_at is None:
        return ""
    from zoneinfo import ZoneInfo

    try:
        tz = ZoneInfo("Asia/Shanghai")
    except Exception:
        return competition.draw_at.strftime("%Y-%m-%d %H:%M UTC")
    return to_local(competition.draw_at, tz).strftime("%Y-%m-%d %H:%M")


@localized
def build_draw(competition) -> bytes:
    """The draw PDF: method, seed, algorithm, the team list in order; supervisor signs."""
    data = load(competition, with_results=False)
    st = Styles(configured_fonts())
    width = frame_width(False)
    meta = Meta(competition=competition.name, title=_("Draw results"))
    seed = competition.draw_seed
    random = competition.draw_method == "random" and bool(seed)
    story = []
    if competition.draw_method == "random":
        method = _("Random draw from a recorded seed")
    elif competition.draw_method == "manual":
        method = _("Manual draw (lots drawn by hand in the room)")
    else:
        method = _("No draw yet")
    facts = [_("Method: %(method)s", method=method)]
    if seed:
        facts.append(_("Seed: %(seed)s", seed=seed))
    if competition.draw_at is not None:
        facts.append(_("Drawn at %(time)s", time=_draw_time(competition)))
    for line in facts:
        story.append(st.p(line, st.big))
    keys = list(data.draw_order)
    rederived = R.random_draw(seed, keys) if random and keys else {}
    if random and any(data.teams[k].draw != rederived.get(k) for k in keys):
        story.append(st.p(_("Note: the order below differs from the one the seed gives for "
                            "the current team list (teams were added, removed or moved "
                            "after the draw); the order below is the one in use."),
                          st.banner))
    story.append(Spacer(1, 3 * mm))

    head = [st.p(_("Draw no."), st.head), st.p(_("Team key"), st.head),
            st.p(_("Team"), st.head), st.p(_("Members"), st.head)]
    widths = [16 * mm, 20 * mm, 46 * mm]
    if random:
        head.append(st.p(_("SHA-256 (first 16 digits)"), st.head))
        widths.append(40 * mm)
    widths.insert(3, width - sum(widths))
    rows = []
    for key in keys:
        t = data.teams[key]
        members = list_text(n for n, _d in data.members.get(key, []))
        row = [st.p(t.draw if t.draw is not None else _("not drawn"), st.cell_center),
               st.p(t.key, st.mono), st.p(t.name), st.p(members, st.cell_small)]
        if random:
            row.append(st.p(R.draw_hash(seed, key)[:HASH_DIGITS] + "…", st.mono))
        rows.append(row)
    sig = signature_block(st, [_("Supervisor signature")], min(width, 120 * mm))
    story.append(grid_table(head, rows, widths, signature=sig))
    story.extend(room_draw_blocks(st, data, width))  # section 12: each room's order

    if random:
        story.append(Spacer(1, 5 * mm))
        english = str(get_locale() or "").startswith("en")
        algorithm = R.DRAW_ALGORITHM_EN if english else R.DRAW_ALGORITHM_ZH
        text, _sep, _cmd = algorithm.partition(R.DRAW_ONE_LINER)
        command = R.DRAW_ONE_LINER.replace(
            "SEED KEY1 KEY2 ...", " ".join(shlex.quote(x) for x in [seed, *sorted(keys)]))
        block = [st.p(_("How to re-derive the order"), st.h2),
                 st.markup(esc(text.strip()).replace("\n", "<br/>"), st.body),
                 Spacer(1, 2 * mm), st.p(command, st.mono)]
        story.append(KeepTogether(block))
    return render(story, meta)
