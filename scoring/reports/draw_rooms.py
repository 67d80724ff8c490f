"""The draw report's section 12 part: per stage with rooms (or its own draw), each room's
panel and its teams in presentation order."""
from flask_babel import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from ..rules.room_draw import stage_order
from .table import grid_table
from .text import list_text


def room_draw_blocks(st, data, width) -> list:
    """Flowables: for each stage with rooms or its own draw, one table per room."""
    layout = data.contest.layout
    if layout is None:
        return []
    judges = {j.key: j.name or j.key for j in data.contest.judges}
    teams = list(data.teams.values())
    division_names = {d.key: d.name or d.key for d in layout.divisions}
    story = []
    for stage in data.stages:
        plan = layout.plan(stage.key)
        own_draw = any(stage.key in d for d in layout.stage_draw.values())
        if not plan.rooms and not own_draw:
            continue
        story.append(st.p(_("%(stage)s: rooms and presentation order",
                            stage=stage.name or stage.key), st.h2))
        rooms = [(r.key, r.name, r.judges) for r in plan.rooms] or [
            (None, "", plan.judges or ())]
        for key, name, panel in rooms:
            order = stage_order(layout, teams, stage.key, key)
            if key is None:
                order = [k for k in order
                         if stage.key in layout.stage_draw.get(k, {})]
            block = []
            if key is not None:
                block.append(st.p(_("Room %(room)s %(name)s: %(count)s teams",
                                    room=key, name=name, count=len(order)), st.body))
            block.append(st.p(_("Panel: %(judges)s",
                                judges=list_text(judges.get(j, j) for j in panel) or "—"),
                              st.small))
            rows = []
            for i, team_key in enumerate(order, start=1):
                t = data.teams[team_key]
                position = layout.stage_draw.get(team_key, {}).get(stage.key)
                rows.append([str(i), str(position) if position is not None else "—",
                             t.key, t.name,
                             division_names.get(layout.team_divisions.get(team_key), "")])
            head = [st.p(x, st.head) for x in (_("Order"), _("Stage draw no."), _("Team key"),
                                               _("Team"), _("Division"))]
            widths = [14 * mm, 22 * mm, 24 * mm, width - 96 * mm, 36 * mm]
            block.append(grid_table(head, rows, widths))
            block.append(Spacer(1, 3 * mm))
            story.append(KeepTogether(block) if len(rows) < 25 else block[0])
            if len(rows) >= 25:
                story.extend(block[1:])
    return story
