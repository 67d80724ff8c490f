"""Score sheets as entered (评分表): one per judge per stage, for the judge to sign."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from .common import group_label, judge_label, localized
from .data import ReportData, load, num
from .flowables import Section, fit, signature_block
from .frame import Meta, frame_width, render
from .table import grid_table
from .text import MUTED, SHADE, Styles, colon, configured_fonts, esc

# Above this many criteria the sheet is printed in landscape.
PORTRAIT_MAX_CRITERIA = 5
GREY = SHADE


def stages_for(data: ReportData, stage_key=None) -> tuple:
    """The stages a per-stage report covers: the one asked for, or all of them."""
    return (data.stage(stage_key),) if stage_key else data.stages


def criterion_head(st, c, with_step=False):
    """A criterion column header: its name with its maximum (and step)."""
    extra = _("max %(max)s", max=num(c.max))
    if with_step:
        extra += " · " + _("step %(step)s", step=num(c.step))
    return st.markup(f"{esc(c.name or c.key)}<br/><font size=7>{esc(extra)}</font>", st.head)


def column_widths(width, n_criteria, *, team_w, lead=(10 * mm, 15 * mm),
                  tail=(16 * mm, 22 * mm)):
    """Draw number, team key, team name, one column per criterion, then the tail columns."""
    crit_w = (width - sum(lead) - team_w - sum(tail)) / max(n_criteria, 1)
    return list(lead) + [team_w] + [crit_w] * n_criteria + list(tail)


def row_styles(n_criteria, status_column=True):
    """Column styles of a sheet table: draw number centered, scores and total right."""
    first, last = 3, 3 + n_criteria  # the criteria, then the total column
    out = [("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (first, 1), (last, -1), "RIGHT")]
    if status_column:
        out += [("FONTSIZE", (-1, 1), (-1, -1), 7.5),
                ("TEXTCOLOR", (-1, 1), (-1, -1), MUTED)]
    return out


def judge_section_title(judge, stage) -> str:
    """The header subtitle of one judge's sheet in one stage."""
    return _("%(stage)s · judge %(judge)s (%(group)s)", stage=stage.name or stage.key,
             judge=judge_label(judge), group=group_label(judge.group))


def team_cells(st, team, widths):
    """Draw number, key and name cells of a team row (the name wraps, never cut)."""
    return [team.draw if team.draw is not None else "—", fit(team.key, widths[1], st.cell),
            fit(team.name or team.key, widths[2], st.cell)]


def status_text(data, judge, team, stage, sheet):
    """One row's state: recused, withdrawn, not scored, draft, submitted."""
    if data.recusals[(judge.key, team.key)].recused:
        return _("Recused")
    if team.withdrawn:
        return _("Withdrawn")
    if sheet is None:
        return _("Not scored")
    if sheet.status == "submitted":
        if (judge.key, team.key, stage.key) in data.paper:
            return _("Submitted (paper)")
        return _("Submitted")
    return _("Draft (not counted)")


def _judge_sheet(st, data, judge, stage, width, sign=True):
    """The table of one judge's scores in one stage, in draw order, with a signature
    (sign=False: the signature comes later, under the comments)."""
    crits = stage.criteria
    n = len(crits)
    head = [st.p(_("Draw no."), st.head), st.p(_("Team key"), st.head),
            st.p(_("Team"), st.head)]
    head += [criterion_head(st, c) for c in crits]
    head += [st.markup(f"{esc(_('Total'))}<br/><font size=7>"
                       f"{esc(_('max %(max)s', max=num(stage.max_total)))}</font>", st.head),
             st.p(_("Sheet status"), st.head)]
    widths = column_widths(width, n, team_w=min(48 * mm, width * 0.24))
    rows, extra = [], row_styles(n)
    for i, key in enumerate(data.draw_order, start=1):
        team = data.teams[key]
        sheet = data.sheets.get((judge.key, key, stage.key))
        row = team_cells(st, team, widths)
        if data.recusals[(judge.key, key)].recused:
            # A plain string: reportlab centers it over the whole span.
            row += [_("Recused")] + [""] * n + [""]
            extra += [("SPAN", (3, i), (3 + n, i)), ("ALIGN", (3, i), (3, i), "CENTER"),
                      ("BACKGROUND", (0, i), (-1, i), GREY)]
            rows.append(row)
            continue
        for c in crits:
            value = sheet.scores.get(c.key) if sheet else None
            row.append(num(value) if value is not None else "")
        # A Paragraph: "已提交（纸质录入）" wraps inside its column instead of spilling out.
        row += [num(sheet.total) if sheet and sheet.scores else "",
                st.p(status_text(data, judge, team, stage, sheet), st.cell_small)]
        if sheet is None or sheet.status != "submitted":
            extra.append(("BACKGROUND", (-1, i), (-1, i), GREY))
        rows.append(row)
    sig = signature_block(st, [_("Judge signature")], min(width, 120 * mm)) if sign else None
    return grid_table(head, rows, widths, signature=sig, styles_extra=extra)


def comment_paragraphs(st, rows) -> list:
    """The comments (评语) under a table: [(label, comment)] as paragraphs, line breaks kept."""
    if not rows:
        return []
    out = [Spacer(1, 3 * mm), st.p(_("Comments"), st.h2)]
    for label, comment in rows:
        text = esc(comment).replace("\r\n", "\n").replace("\n", "<br/>")
        out.append(st.markup(f"<b>{esc(label)}</b>: {text}", st.body))
    return out


def _judge_comments(st, data, judge, stage) -> list:
    """This judge's comments in this stage, in draw order."""
    rows = []
    for key in data.draw_order:
        sheet = data.sheets.get((judge.key, key, stage.key))
        if sheet is not None and sheet.comment:
            rows.append((data.teams[key].name or key, sheet.comment))
    return comment_paragraphs(st, rows)


@localized
def build_sheets(competition, stage=None) -> bytes:
    """The sheets PDF: one page (or more) per judge per stage; stage=None for all stages."""
    data = load(competition, with_results=False)
    stages = stages_for(data, stage)
    wide = any(len(s.criteria) > PORTRAIT_MAX_CRITERIA for s in stages)
    width = frame_width(wide)
    st = Styles(configured_fonts())
    meta = Meta(competition=competition.name, title=_("Score sheets"), landscape=wide)
    story = []
    for s in stages:
        for judge in data.judges:
            if story:
                story.append(PageBreak())
            story.append(Section(("sheet", s.key, judge.key), judge_section_title(judge, s)))
            story.append(st.p(_("Score sheet of %(judge)s, stage %(stage)s",
                                judge=judge_label(judge), stage=s.name or s.key), st.h1))
            info = [group_label(judge.group)]
            if judge.department:
                info.append(_("department %(dept)s", dept=judge.department))
            if (judge.key, s.key) in data.absences:
                reason = data.absences[(judge.key, s.key)]
                info.append(colon(_("absent in this stage")) + reason if reason
                            else _("absent in this stage"))
            story.append(st.p(" · ".join(info), st.small))
            story.append(Spacer(1, 2 * mm))
            comments = _judge_comments(st, data, judge, s)
            story.append(_judge_sheet(st, data, judge, s, width, sign=not comments))
            if comments:
                # The judge signs under everything the sheet says, comments included; the
                # last comment stays with the signature so it never stands alone.
                sig = signature_block(st, [_("Judge signature")], min(width, 120 * mm))
                story.extend(comments[:-1])
                story.append(KeepTogether([comments[-1], Spacer(1, 2 * mm), sig]))
    if not story:
        story.append(st.p(_("No judge or no stage yet."), st.body))
    return render(story, meta)
