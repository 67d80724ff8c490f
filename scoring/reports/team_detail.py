"""Per-team detail (队伍成绩明细): every judge's sheet per stage, dropped ones struck
through, and the arithmetic from the sheets to the final score."""
from fractions import Fraction

from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer

from .. import rules as R
from .common import group_label, judge_label, localized, team_label
from .data import load, num
from .flowables import Section, Struck, fit, signature_block
from .frame import Meta, frame_width, render
from .sheets import comment_paragraphs, criterion_head
from .table import grid_table
from .text import MUTED, SHADE, Styles, colon, configured_fonts, list_text, with_key


def exact_text(value: Fraction | None, decimals: int) -> str:
    """An exact mean as printed: exact decimals when it terminates, else 4 places and …."""
    if value is None:
        return "—"
    places = decimals + 2
    scaled = value * 10**places
    if scaled.denominator == 1:
        return num(R.round_half_up(value, places).normalize())
    return f"{R.round_half_up(value, places)}…"


def _drop_side(sheet, kept) -> str:
    """Whether a dropped sheet was one of the highest or one of the lowest."""
    if not kept:
        return ""
    top = max(s.total for s in kept)
    low = min(s.total for s in kept)
    if sheet.total > top:
        return _("dropped (highest)")
    if sheet.total < low:
        return _("dropped (lowest)")
    mean = sum((Fraction(s.total) for s in kept), Fraction(0)) / len(kept)
    return _("dropped (highest)") if sheet.total >= mean else _("dropped (lowest)")


def _arithmetic(sr, data, stage) -> list[str]:
    """The lines that recompute a stage score from the printed sheet totals."""
    decimals = data.contest.rules.decimals
    if sr.score is None:
        return [_("No stage score yet.")]
    lines = []
    # Rule 12: the panel's score before the deduction, then the deduction on its own line.
    panel = sr.before_deduction if sr.deduction else sr.score
    if data.contest.rules.aggregation == "weighted_groups" and sr.groups:
        parts = []
        for g in sr.groups:
            kept = [s for s in sr.sheets if s.group == g.group and not s.dropped]
            if g.mean is None:
                lines.append(_("%(group)s: no sheet, left out", group=group_label(g.group)))
                continue
            lines.append(_("%(group)s mean: (%(terms)s) ÷ %(n)s = %(mean)s",
                           group=group_label(g.group),
                           terms=" + ".join(num(s.total) for s in kept), n=len(kept),
                           mean=exact_text(g.mean, decimals)))
            parts.append(f"{exact_text(g.mean, decimals)} × {exact_text(g.weight_used, 2)}")
        lines.append(_("Stage score: %(terms)s = %(exact)s → %(score)s",
                       terms=" + ".join(parts), exact=exact_text(sr.exact, decimals),
                       score=num(panel, decimals)))
    else:
        kept = [s for s in sr.sheets if not s.dropped]
        lines.append(_("Stage score: (%(terms)s) ÷ %(n)s = %(exact)s → %(score)s",
                       terms=" + ".join(num(s.total) for s in kept), n=len(kept),
                       exact=exact_text(sr.exact, decimals), score=num(panel, decimals)))
    if sr.deduction:
        lines.append(_("Deduction: %(before)s − %(points)s = %(score)s (never below 0)",
                       before=num(panel, decimals), points=num(sr.deduction),
                       score=num(sr.score, decimals)))
    if sr.too_few_sheets:
        lines.append(_("Too few sheets to drop any: all are counted (flagged)."))
    if sr.group_missing:
        lines.append(_("A panel group has no sheet: the other weights were scaled up "
                       "(flagged)."))
    return lines


def _stage_table(st, data, team, stage, sr, width, heads):
    """Every judge's sheet of one team in one stage; dropped ones struck through."""
    crits = stage.criteria
    n = len(crits)
    head = heads.get(stage.key)
    if head is None:
        # Every team's table of a stage has the same header: parse its Paragraphs once.
        head = [st.p(_("Judge"), st.head)] + [criterion_head(st, c) for c in crits]
        head += [st.p(_("Sheet total"), st.head), st.p(_("Remarks"), st.head)]
        heads[stage.key] = head
    # The total column holds its heading on one line in either language (16 mm broke
    # "Sheet total" into "Sheet tota" / "l"); the remarks keep room for "dropped (highest)".
    judge_w, tail = 44 * mm, [20 * mm, 26 * mm]
    crit_w = (width - judge_w - sum(tail)) / max(n, 1)
    widths = [judge_w] + [crit_w] * n + tail
    counted = {s.judge: s for s in (sr.sheets if sr else ())}
    kept = [s for s in counted.values() if not s.dropped]
    short = {"external": _("ext."), "internal": _("int.")}
    font = st.fonts.regular
    rows = []
    extra = [("ALIGN", (1, 1), (n + 1, -1), "RIGHT"), ("FONTSIZE", (-1, 1), (-1, -1), 7.5),
             ("TEXTCOLOR", (-1, 1), (-1, -1), MUTED),
             ("TOPPADDING", (0, 1), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5)]
    for i, judge in enumerate(data.judges, start=1):
        sheet = data.sheets.get((judge.key, team.key, stage.key))
        res = counted.get(judge.key)
        struck = bool(res and res.dropped)
        label = f"{judge_label(judge)} · {short.get(judge.group, judge.group)}"
        row = [fit(label, judge_w, st.cell)]
        if data.recusals[(judge.key, team.key)].recused:
            row += [_("Recused")] + [""] * n + [""]
            extra += [("SPAN", (1, i), (n + 1, i)), ("ALIGN", (1, i), (1, i), "CENTER"),
                      ("BACKGROUND", (0, i), (-1, i), SHADE)]
            rows.append(row)
            continue
        values = [sheet.scores.get(c.key) if sheet else None for c in crits]
        values.append(sheet.total if sheet and sheet.scores else None)
        for value in values:
            text = num(value) if value is not None else ""
            row.append(Struck(text, font, 9) if struck and text else text)
        notes = []
        if res is not None:
            if res.dropped:
                notes.append(_drop_side(res, kept))
            if res.variance_flag:
                notes.append(_("far from the panel mean"))
        elif (judge.key, stage.key) in data.absences:
            notes.append(_("absent in this stage"))
        elif sheet is None:
            notes.append(_("Not scored"))
        elif sheet.status != "submitted":
            notes.append(_("Draft (not counted)"))
        row.append(fit("；".join(notes), tail[1], st.cell_small))
        if res is None:
            extra.append(("BACKGROUND", (0, i), (-1, i), SHADE))
        rows.append(row)
    return grid_table(head, rows, widths, styles_extra=extra)


@localized
def build_team_detail(competition, team=None) -> bytes:
    """The team-detail PDF: one section per team (team=None for all, in draw order)."""
    data = load(competition)
    keys = [data.team(team).key] if team else data.draw_order
    heads = {}  # stage key -> header row, shared by every team's table of that stage
    result = data.result
    wide = any(len(s.criteria) > 6 for s in data.stages)
    width = frame_width(wide)
    st = Styles(configured_fonts())
    decimals = data.contest.rules.decimals
    meta = Meta(competition=competition.name, title=_("Team score details"),
                provisional=result.provisional, landscape=wide,
                provisional_sections=frozenset(("team", k) for k in keys
                                               if result.team(k).provisional),
                footer_note=_("Results fingerprint %(fp)s", fp=result.fingerprint))
    story = []
    for key in keys:
        t = data.teams[key]
        tr = result.team(key)
        if story:
            story.append(PageBreak())
        story.append(Section(("team", key), team_label(t)))
        story.append(st.p(team_label(t), st.h1))
        members = list_text(with_key(n, d) if d else n for n, d in data.members.get(key, []))
        info = [_("Draw %(pos)s", pos=t.draw if t.draw is not None else "—")]
        if members:
            info.append(_("Members: %(members)s", members=members))
        story.append(st.p(" · ".join(info), st.small))
        if t.withdrawn:
            reason = data.withdrawn_reason.get(key) or ""
            story.append(st.p(colon(_("Withdrawn")) + reason if reason else _("Withdrawn"),
                              st.banner))
        parts = []
        for s in data.stages:
            sr = tr.stages.get(s.key)
            heading = _("%(stage)s (weight %(weight)s)", stage=s.name or s.key,
                        weight=num(s.weight))
            score = (_("stage score %(score)s", score=num(sr.score, decimals))
                     if sr and sr.score is not None else _("no stage score yet"))
            if sr and sr.deduction:
                score += " · " + _("deducted %(points)s", points=num(sr.deduction))
            if sr and sr.provisional:
                score += " · " + _("Provisional")
            block = [st.p(f"{heading} — {score}", st.h2)]
            if any((j.key, key, s.key) in data.sheets for j in data.judges):
                block.append(_stage_table(st, data, t, s, sr, width, heads))
                block += [st.p(line, st.small) for line in _arithmetic(sr, data, s)] if sr else []
            else:
                block.append(st.p(_("No sheet yet in this stage."), st.small))
            story.append(KeepTogether(block))
            # The judges' comments (评语), with their names: this report is the organizer's.
            own = [data.sheets.get((j.key, key, s.key)) for j in data.judges]
            story.extend(comment_paragraphs(st, [
                (judge_label(j), sh.comment) for j, sh in zip(data.judges, own, strict=True)
                if sh is not None and sh.comment]))
            if sr and sr.score is not None:
                parts.append(f"{num(sr.score, decimals)} × {num(s.weight)}")
        story.append(Spacer(1, 3 * mm))
        if tr.final is not None:
            final = _("Final score = %(terms)s = %(final)s",
                      terms=" + ".join(parts), final=num(tr.final, decimals))
        else:
            final = _("Final score: not yet (a stage score is missing)")
        lines = [final]
        if tr.final is not None and data.contest.rules.final_rounding == "each":
            lines.append(_("Each stage score × weight is rounded first, then added (the "
                           "ISU way)."))
        if tr.rank is not None:
            lines.append(_("Rank %(rank)s%(tied)s · award %(award)s", rank=tr.rank,
                           tied=(" " + _("Tied")) if tr.tied else "",
                           award=tr.award or "—"))
        sig = signature_block(st, [_("Chief judge signature")], min(width, 120 * mm))
        story.append(KeepTogether([st.p(line, st.big) for line in lines] + [sig]))
    if not story:
        story.append(st.p(_("No team yet."), st.body))
    return render(story, meta)
