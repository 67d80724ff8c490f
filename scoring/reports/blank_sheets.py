"""Blank paper score sheets (纸质评分表): the fallback when a tablet fails.

One per judge per stage, teams in draw order, a writing box per criterion with its
maximum and step in the header, recused teams already marked 回避, and a column for the
judge's comment (评语), which staff type in with the scores (admin/paper.py); a stage that
requires a comment says so above the table and gives the column more room.
"""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from .common import group_label, judge_label, localized
from .data import load, num
from .flowables import Section, signature_block
from .frame import Meta, frame_height, frame_width, render
from .sheets import (
    column_widths,
    criterion_head,
    judge_section_title,
    row_styles,
    stages_for,
    team_cells,
)
from .table import grid_table
from .text import SHADE, Styles, configured_fonts, esc

ROW_HEIGHT = 10 * mm  # room to write a number by hand
MIN_ROW_HEIGHT = 7.5 * mm  # still a ruled line's height: lower only to keep a sheet on a page


@localized
def build_blank_sheets(competition, stage=None) -> bytes:
    """Empty score sheets per judge per stage (stage=None for all stages), landscape A4."""
    data = load(competition, with_results=False)
    stages = stages_for(data, stage)
    width = frame_width(True)
    st = Styles(configured_fonts())
    meta = Meta(competition=competition.name, title=_("Paper score sheets"), landscape=True)
    story = []
    required = {s.key for s in competition.stages if s.comment_required}
    for s in stages:
        crits = s.criteria
        for judge in data.judges:
            if story:
                story.append(PageBreak())
            story.append(Section(("blank", s.key, judge.key), judge_section_title(judge, s)))
            story.append(st.p(_("Paper score sheet: %(stage)s — judge %(judge)s",
                                stage=s.name or s.key, judge=judge_label(judge)), st.h1))
            note = group_label(judge.group) + " · " + _(
                "Write each score between 0 and the maximum, in steps shown in the "
                "header; leave recused rows empty; strike through and initial a "
                "corrected value.")
            # In the same paragraph: the page-fit sum below reads the last three flowables.
            if s.key in required:
                note += " " + _("This stage requires a comment for every team you score: "
                                "write it in the last column, or on the back with the "
                                "team's draw number.")
            story.append(st.p(note, st.small))
            story.append(Spacer(1, 2 * mm))
            head = [st.p(_("Draw no."), st.head), st.p(_("Team key"), st.head),
                    st.p(_("Team"), st.head)]
            head += [criterion_head(st, c, with_step=True) for c in crits]
            head += [st.markup(f"{esc(_('Total'))}<br/><font size=7>"
                               f"{esc(_('max %(max)s', max=num(s.max_total)))}</font>",
                               st.head),
                     st.p(_("Comment / remarks"), st.head)]
            widths = column_widths(width, len(crits), team_w=50 * mm,
                                   tail=(22 * mm, 45 * mm if s.key in required else 30 * mm))
            rows, heights = [], []
            extra = row_styles(len(crits), status_column=False)
            for i, key in enumerate(data.draw_order, start=1):
                team = data.teams[key]
                row = team_cells(st, team, widths)
                name = row[2]
                # A fixed writing height, unless a long name needs more (never cut off).
                need = name.wrap(widths[2] - 6, 10_000)[1] + 6 if not isinstance(name, str) else 0
                heights.append(ROW_HEIGHT if need <= ROW_HEIGHT else None)
                recused = data.recusals[(judge.key, key)].recused
                if recused or team.withdrawn:
                    # A plain string is centered over the whole span.
                    row += [_("Recused") if recused else _("Withdrawn")] + [""] * (len(crits) + 1)
                    extra += [("SPAN", (3, i), (-1, i)), ("ALIGN", (3, i), (3, i), "CENTER"),
                              ("BACKGROUND", (0, i), (-1, i), SHADE)]
                else:
                    row += [""] * (len(crits) + 2)
                rows.append(row)
            sig = signature_block(st, [_("Judge signature")], min(width, 140 * mm))
            table = grid_table(head, rows, widths, signature=sig, styles_extra=extra,
                               row_heights=heights)
            # One judge's sheet on one page when the rows can be a little lower: a page
            # without the signature could be swapped or lost.
            used = sum(f.wrap(width, 10_000)[1] for f in story[-3:]) + \
                table.wrap(width, 10_000)[1]
            fixed = [i for i, h in enumerate(heights) if h is not None]
            excess = used - frame_height(True) + 2 * mm
            if excess > 0 and fixed and ROW_HEIGHT - excess / len(fixed) >= MIN_ROW_HEIGHT:
                lower = ROW_HEIGHT - excess / len(fixed)
                heights = [lower if h is not None else None for h in heights]
                table = grid_table(head, rows, widths, signature=sig, styles_extra=extra,
                                   row_heights=heights)
            story.append(table)
    if not story:
        story.append(st.p(_("No judge or no stage yet."), st.body))
    return render(story, meta)
