"""The final ranking (成绩排名表), signed by the chief judge and the supervisor."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .common import awards_summary, localized, rules_summary, tie_break_label
from .data import load, num
from .flowables import fit, runs_cell, signature_block
from .frame import Meta, frame_width, render
from .table import grid_table
from .text import MUTED, SHADE, Styles, colon, configured_fonts, fit_lines, list_text, text_cells


class Remarks:
    """The remarks of ranking lines (withdrawal, tie, tie-break used, provisional), with
    each label translated once per report rather than once per team."""

    def __init__(self, data):
        self.data = data
        self.withdrawn = _("Withdrawn")
        self.incomplete = _("Scores incomplete")
        self.tied = _("Tied")
        self.provisional = _("Provisional")
        # gettext without values gives the translated template; it is filled per line.
        self.separated = _("Separated by %(rule)s (%(value)s)")
        self.rules = {}

    def __call__(self, t) -> str:
        """The remarks of one ranking line."""
        notes = []
        if t.withdrawn:
            reason = self.data.withdrawn_reason.get(t.team) or ""
            notes.append(colon(self.withdrawn) + reason if reason else self.withdrawn)
        elif t.final is None:
            notes.append(self.incomplete)
        if t.tied:
            notes.append(self.tied)
        if t.tie_note:
            rule = self.rules.get(t.tie_note)
            if rule is None:
                rule = self.rules[t.tie_note] = tie_break_label(t.tie_note, self.data)
            value = t.tie_values.get(t.tie_note)
            notes.append(self.separated % {"rule": rule, "value": num(value)})
        if t.provisional and not t.withdrawn:
            notes.append(self.provisional)
        return "；".join(notes)


@localized
def build_ranking(competition) -> bytes:
    """The ranking PDF: stage scores, final, rank, ties, awards, fingerprint, signatures."""
    data = load(competition)
    result = data.result
    if getattr(result, "layout", None) is not None:  # DESIGN section 12
        from .ranking_rooms import layout_ranking

        return layout_ranking(competition, data)
    wide = len(data.stages) > 3
    width = frame_width(wide)
    st = Styles(configured_fonts())
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
    fixed = [11 * mm, 11 * mm]
    stage_w = 17 * mm
    tail = [17 * mm, 16 * mm, 30 * mm if not wide else 45 * mm]
    team_w = width - sum(fixed) - stage_w * len(data.stages) - sum(tail)
    widths = fixed + [team_w] + [stage_w] * len(data.stages) + tail
    n_stages = len(data.stages)
    final_col = 3 + n_stages

    # Cells are plain strings wherever the text fits on one line (set in the column's
    # font, size, colour and alignment by the table style below), and a Paragraph only
    # where a text is too long for its column: a Paragraph per cell made the layout ~10x
    # slower than the table itself (markup parsing and CJK line breaking, repeated on
    # every page split). Plain strings are never parsed, so names need no escaping there.
    labels = [_("Rank"), _("Draw no."), _("Team")]
    labels += [f"{s.name or s.key}\n×{num(s.weight)}" for s in data.stages]
    labels += [_("Final score"), _("Award"), _("Remarks")]
    head = [fit_lines(text, w, st.head) for text, w in zip(labels, widths, strict=True)]

    rows, extra = [], []
    remarks = Remarks(data)
    for i, t in enumerate(result.teams, start=1):
        team = data.teams[t.team]
        members = list_text(name for name, _dept in data.members.get(t.team, []))
        lines = [[(team.name or team.key, None, None), (" ", None, None),
                  (team.key, 7, MUTED)]]
        if members:
            lines.append([(members, 7, MUTED)])
        rank = "—" if t.rank is None else (f"{t.rank}=" if t.tied else str(t.rank))
        row = [fit(rank, widths[0], st.cell_center),
               fit(t.draw if t.draw is not None else "—", widths[1], st.cell_center),
               runs_cell(lines, team_w, st.cell)]
        for s in data.stages:
            r = t.stages.get(s.key)
            text = num(r.score, decimals) if r and r.score is not None else "—"
            if r and r.deduction:  # rule 12: the deduction beside the score it lowered
                text += f" (−{num(r.deduction)})"
            row.append(fit(text, stage_w, st.cell_right))
        row += [fit(num(t.final, decimals) if t.final is not None else "—",
                    widths[final_col], st.cell_right),
                fit(t.award or "", widths[final_col + 1], st.cell_center),
                fit(remarks(t), widths[final_col + 2], st.cell_small)]
        rows.append(row)
        if i % 2 == 0:
            extra.append(("BACKGROUND", (0, i), (-1, i), SHADE))
    last = len(rows)
    styles = text_cells(st.head, (0, 0), (-1, 0))
    if rows:
        styles += (text_cells(st.cell_center, (0, 1), (1, last))
                   + text_cells(st.cell_right, (3, 1), (final_col, last))
                   + text_cells(st.cell_center, (final_col + 1, 1), (final_col + 1, last))
                   + text_cells(st.cell_small, (final_col + 2, 1), (final_col + 2, last)))
    extra = styles + extra

    fp = st.p(_("Results fingerprint: %(fp)s (the same code is shown on the results "
                "screen when the printed and the on-screen results are the same).",
                fp=result.fingerprint), st.small)
    sig = signature_block(st, [_("Chief judge signature"), _("Supervisor signature")], width)
    story.append(grid_table(head, rows, widths, signature=[fp, sig], styles_extra=extra))
    return render(story, meta)
