"""The ranking of a section 12 competition: one section per division, and for a stage
adjusted across rooms the raw score, the room's coefficient (or mean and spread) and the
adjusted score side by side, then each room's printed figures (DESIGN section 12)."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from .common import awards_summary, rules_summary
from .data import num
from .flowables import fit, signature_block
from .frame import Meta, frame_width, render
from .table import grid_table
from .text import SHADE, Styles, configured_fonts, fit_lines, text_cells


def fig(value) -> str:
    """A printed statistic with its own decimals kept (81.2500, 0.960), as computed."""
    return "" if value is None else str(value)


def _room_stats(result):
    """(stage, room) -> RoomStats of every normalizing stage."""
    return {(stage, r.room): r for stage, n in result.normalizations.items() for r in n.rooms}


def _columns(data, result):
    """[(label, kind, stage key)] of the per-stage columns."""
    cols = []
    for s in data.stages:
        name = s.name or s.key
        norm = result.normalizations.get(s.key)
        if norm is None:
            cols.append((f"{name}\n×{num(s.weight)}", "score", s.key))
            continue
        cols.append((_("%(stage)s\nraw", stage=name), "raw", s.key))
        if norm.method == "room_mean":
            cols.append((_("Room\ncoefficient"), "coefficient", s.key))
        else:
            cols.append((_("Room mean\n/ spread"), "spread", s.key))
        cols.append((_("%(stage)s\nadjusted ×%(weight)s", stage=name, weight=num(s.weight)),
                     "score", s.key))
    return cols


def _cell(t, kind, stage, stats, decimals):
    r = t.stages.get(stage)
    if kind == "score":
        return num(r.score, decimals) if r is not None and r.score is not None else "—"
    if kind == "raw":
        value = t.raw_stages.get(stage)
        return num(value, decimals) if value is not None else "—"
    room = t.rooms.get(stage)
    s = stats.get((stage, room))
    if s is None or t.raw_stages.get(stage) is None or t.withdrawn:
        return "—"
    if kind == "coefficient":
        return f"{room} {fig(s.coefficient)}"
    return f"{room} {fig(s.mean)} / {fig(s.spread)}"


def _remarks(t):
    notes = []
    if t.withdrawn:
        notes.append(_("Withdrawn"))
    elif t.qualified is False:
        notes.append(_("Not qualified"))
    elif t.final is None:
        notes.append(_("Scores incomplete"))
    if t.tied:
        notes.append(_("Tied"))
    if t.provisional and not t.withdrawn:
        notes.append(_("Provisional"))
    return "；".join(notes)


def layout_ranking(competition, data) -> bytes:
    """The ranking PDF of a competition with divisions, rooms or advancement."""
    result = data.result
    cols = _columns(data, result)
    qualifying = result.qualifying_stage is not None
    wide = len(cols) + (1 if qualifying else 0) > 4
    width = frame_width(wide)
    st = Styles(configured_fonts())
    meta = Meta(competition=competition.name, title=_("Final ranking"),
                provisional=result.provisional, landscape=wide,
                footer_note=_("Results fingerprint %(fp)s", fp=result.fingerprint))
    story = [st.p(line, st.small) for line in rules_summary(data)]
    # Award tiers are counted per division (section 12): one line under each heading.
    awards = awards_summary(data) if tuple(result.divisions) == (None,) else ""
    if awards:
        story.append(st.p(awards, st.small))
    decimals = data.contest.rules.decimals
    stats = _room_stats(result)
    names = {d.key: d.name or d.key for d in result.layout.divisions}
    for division in result.divisions:
        rows_of = result.division_rows(division)
        if division is not None:
            story.append(st.p(_("Division: %(division)s", division=names.get(division,
                                                                                division)),
                              st.h2))
            story.append(st.p(_("Results fingerprint %(fp)s",
                                fp=result.division_fingerprints.get(division, "")), st.small))
            division_awards = awards_summary(data, rows_of)
            if division_awards:
                story.append(st.p(division_awards, st.small))
        story.append(_table(st, data, rows_of, cols, stats, decimals, qualifying, width))
        story.append(Spacer(1, 3 * mm))
    for stage_key, norm in result.normalizations.items():
        story.append(KeepTogether(_norm_block(st, data, stage_key, norm)))
    fp = st.p(_("Results fingerprint: %(fp)s (the same code is shown on the results "
                "screen when the printed and the on-screen results are the same).",
                fp=result.fingerprint), st.small)
    story.append(fp)
    story.append(signature_block(st, [_("Chief judge signature"), _("Supervisor signature")],
                                 width))
    return render(story, meta)


def _table(st, data, teams, cols, stats, decimals, qualifying, width):
    col_w = 17 * mm
    tail = ([17 * mm] if qualifying else []) + [17 * mm, 16 * mm, 28 * mm]
    team_w = max(30 * mm, width - 11 * mm - col_w * len(cols) - sum(tail))
    widths = [11 * mm, team_w] + [col_w] * len(cols) + tail
    labels = [_("Rank"), _("Team")] + [c[0] for c in cols]
    labels += ([_("Qualification score")] if qualifying else [])
    labels += [_("Final score"), _("Award"), _("Remarks")]
    head = [fit_lines(text, w, st.head) for text, w in zip(labels, widths, strict=True)]
    rows, extra = [], []
    for i, t in enumerate(teams, start=1):
        team = data.teams[t.team]
        rank = "—" if t.rank is None else (f"{t.rank}=" if t.tied else str(t.rank))
        row = [fit(rank, widths[0], st.cell_center),
               fit(f"{team.name or team.key} {team.key}", team_w, st.cell)]
        row += [fit(_cell(t, kind, stage, stats, decimals), col_w, st.cell_right)
                for _label, kind, stage in cols]
        if qualifying:
            row.append(fit(num(t.qualification, decimals) if t.qualification is not None
                           else "—", col_w, st.cell_right))
        row += [fit(num(t.final, decimals) if t.final is not None else "—", 17 * mm,
                    st.cell_right),
                fit(t.award or "", 16 * mm, st.cell_center),
                fit(_remarks(t), 28 * mm, st.cell_small)]
        rows.append(row)
        if i % 2 == 0:
            extra.append(("BACKGROUND", (0, i), (-1, i), SHADE))
    styles = text_cells(st.head, (0, 0), (-1, 0))
    if rows:
        styles += text_cells(st.cell_right, (2, 1), (-3, len(rows)))
    return grid_table(head, rows, widths, styles_extra=styles + extra)


def _norm_block(st, data, stage_key, norm):
    stage = data.stage(stage_key)
    z = norm.method == "z_score"
    out = [st.p(_("%(stage)s: adjustment across rooms", stage=stage.name or stage.key), st.h2)]
    if z:
        out.append(st.p(_("z_score: adjusted = M + S × (raw − m_r) / s_r, from the printed "
                          "figures; M = %(m)s, S = %(s)s.", m=fig(norm.mean),
                          s=fig(norm.spread)), st.small))
    else:
        out.append(st.p(_("room_mean: c_r = M / m_r; adjusted = raw × c_r, from the printed "
                          "figures; M = %(m)s.", m=fig(norm.mean)), st.small))
    labels = [_("Room"), _("Teams"), _("Room mean m_r")]
    labels += [_("Spread s_r")] if z else [_("Coefficient c_r")]
    labels.append(_("Flags"))
    widths = [30 * mm, 18 * mm, 30 * mm, 30 * mm, 60 * mm]
    rows = []
    for r in norm.rooms:
        flags = []
        if r.few_teams:
            flags.append(_("fewer than 3 teams"))
        if r.zero_mean:
            flags.append(_("mean 0: coefficient kept at 1"))
        if r.zero_spread:
            flags.append(_("spread 0: every team gets M"))
        rows.append([r.room, str(r.teams), fig(r.mean),
                     fig(r.spread) if z else fig(r.coefficient), "；".join(flags)])
    out.append(grid_table([st.p(x, st.head) for x in labels], rows, widths))
    return out
