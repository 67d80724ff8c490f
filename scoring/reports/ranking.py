"""The final ranking (成绩排名表), signed by the chief judge and the supervisor."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from . import page
from .common import awards_summary, localized, rules_summary, tie_break_label
from .data import load, num
from .page import Meta, Styles, esc, grid_table, signature_block


def _note(t, data) -> str:
    """The remarks of one ranking line: withdrawal, tie, tie-break used, provisional."""
    notes = []
    if t.withdrawn:
        reason = data.withdrawn_reason.get(t.team) or ""
        notes.append(_("Withdrawn") + (f"：{reason}" if reason else ""))
    elif t.final is None:
        notes.append(_("Scores incomplete"))
    if t.tied:
        notes.append(_("Tied"))
    if t.tie_note:
        value = t.tie_values.get(t.tie_note)
        notes.append(_("Separated by %(rule)s (%(value)s)",
                       rule=tie_break_label(t.tie_note, data), value=num(value)))
    if t.provisional and not t.withdrawn:
        notes.append(_("Provisional"))
    return "；".join(notes)


@localized
def build_ranking(competition) -> bytes:
    """The ranking PDF: stage scores, final, rank, ties, awards, fingerprint, signatures."""
    data = load(competition)
    result = data.result
    wide = len(data.stages) > 3
    width = page.frame_width(wide)
    st = Styles(page.configured_fonts())
    title = _("Final ranking")
    meta = Meta(competition=competition.name, title=title, provisional=result.provisional,
                landscape=wide,
                footer_note=_("Results fingerprint %(fp)s", fp=result.fingerprint))
    story = []
    for line in rules_summary(data):
        story.append(st.p(line, st.small))
    awards = awards_summary(data)
    if awards:
        story.append(st.p(awards, st.small))
    ranked = sum(1 for t in result.teams if t.rank is not None)
    withdrawn = sum(1 for t in result.teams if t.withdrawn)
    story.append(st.p(_("%(teams)s teams, %(ranked)s ranked, %(withdrawn)s withdrawn.",
                        teams=len(result.teams), ranked=ranked, withdrawn=withdrawn),
                      st.small))
    story.append(Spacer(1, 3 * mm))

    decimals = data.contest.rules.decimals
    head = [st.p(_("Rank"), st.head), st.p(_("Draw no."), st.head), st.p(_("Team"), st.head)]
    for s in data.stages:
        head.append(st.markup(f"{esc(s.name or s.key)}<br/>×{esc(num(s.weight))}", st.head))
    head += [st.p(_("Final score"), st.head), st.p(_("Award"), st.head),
             st.p(_("Remarks"), st.head)]
    fixed = [11 * mm, 11 * mm]
    stage_w = 17 * mm
    tail = [17 * mm, 16 * mm, 30 * mm if not wide else 45 * mm]
    team_w = width - sum(fixed) - stage_w * len(data.stages) - sum(tail)
    widths = fixed + [team_w] + [stage_w] * len(data.stages) + tail

    rows, extra = [], []
    for i, t in enumerate(result.teams, start=1):
        team = data.teams[t.team]
        members = "、".join(name for name, _dept in data.members.get(t.team, []))
        cell = f"{esc(team.name or team.key)} <font size=7 color='#555555'>{esc(team.key)}</font>"
        if members:
            cell += f"<br/><font size=7 color='#555555'>{esc(members)}</font>"
        rank = "—" if t.rank is None else (f"{t.rank}=" if t.tied else str(t.rank))
        row = [st.p(rank, st.cell_center), st.p(t.draw if t.draw is not None else "—",
                                                 st.cell_center), st.markup(cell)]
        for s in data.stages:
            r = t.stages.get(s.key)
            row.append(st.p(num(r.score, decimals) if r and r.score is not None else "—",
                            st.cell_right))
        row += [st.p(num(t.final, decimals) if t.final is not None else "—", st.cell_right),
                st.p(t.award or "", st.cell_center), st.p(_note(t, data), st.cell_small)]
        rows.append(row)
        if t.award and t.rank is not None:
            extra.append(("FONTSIZE", (0, i), (-1, i), 9))
        if i % 2 == 0:
            extra.append(("BACKGROUND", (0, i), (-1, i), page.SHADE))

    fp = st.p(_("Results fingerprint: %(fp)s (the same code is shown on the results "
                "screen when the printed and the on-screen results are the same).",
                fp=result.fingerprint), st.small)
    sig = signature_block(st, [_("Chief judge signature"), _("Supervisor signature")], width)
    story.append(grid_table(head, rows, widths, signature=[fp, sig], styles_extra=extra))
    return page.render(story, meta)
