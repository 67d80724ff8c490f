"""The audit log in words: who did what to whom, with names, in the reader's language.

Entries store codes (an action like "sheet.reopen", an actor like "judge:X1", JSON
before/after); this module turns a page of them into sentences and labelled changes,
looking up the names of the people, teams, stages and sheets they concern in a few
batched queries.
"""
import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import (
    Competition,
    Criterion,
    Department,
    Judge,
    PaperEntry,
    Recusal,
    ScoreSheet,
    Stage,
    Team,
    User,
)

ACTIONS = {
    "competition.create": _l("created the competition"),
    "competition.copy": _l("copied the competition from an earlier edition"),
    "competition.rename": _l("renamed the competition"),
    "competition.rules": _l("changed the rules"),
    "competition.archive": _l("archived the competition"),
    "competition.unarchive": _l("took the competition out of the archive"),
    "competition.demo": _l("loaded the demo contest"),
    "contest.replace": _l("replaced the competition from a contest file"),
    "department.create": _l("added a department"),
    "department.rename": _l("renamed a department"),
    "department.delete": _l("deleted a department"),
    "draw.random": _l("made a random draw"),
    "draw.manual": _l("entered a draw made by hand"),
    "draw.override": _l("changed the draw after scoring began"),
    "draw.seed": _l("showed the draw seed on the projector before the draw"),
    "judge.create": _l("added a judge"),
    "judge.update": _l("changed a judge"),
    "judge.delete": _l("deleted a judge"),
    "judge.regenerate_link": _l("gave a judge a new login link"),
    "judge.absent": _l("marked a judge absent"),
    "judge.present": _l("marked a judge present again"),
    "recusal.add": _l("recused a judge from a team"),
    "recusal.lift": _l("lifted a judge's recusal"),
    "recusal.remove": _l("removed a recusal decision"),
    "sheet.submit": _l("submitted a score sheet"),
    "sheet.reopen": _l("reopened a score sheet"),
    "paper.enter": _l("typed in a paper score sheet"),
    "paper.correct": _l("corrected a typed-in paper score sheet"),
    "stage.create": _l("added a stage"),
    "stage.update": _l("changed a stage or its rubric"),
    "stage.delete": _l("deleted a stage"),
    "stage.reorder": _l("moved a stage"),
    "stage.open": _l("opened a stage for scoring"),
    "stage.close": _l("closed a stage"),
    "stage.reopen": _l("reopened a stage for scoring"),
    "stage.publish": _l("published a stage's results"),
    "stage.unpublish": _l("took a stage's results back from publication"),
    "stage.presenting": _l("marked the team presenting"),
    "stage.reveal": _l("revealed a team's score on the projector"),
    "stage.hide": _l("hid a team's score on the projector"),
    "team.create": _l("added a team"),
    "team.update": _l("changed a team"),
    "team.delete": _l("deleted a team"),
    "team.import": _l("imported teams from a spreadsheet"),
    "team.withdraw": _l("marked a team withdrawn"),
    "team.regenerate_link": _l("gave a team a new private link"),
    "material.upload": _l("uploaded a team's materials"),
    "material.delete": _l("removed a team's materials"),
    "stage.materials_deadline": _l("set the teams' upload deadline of a stage"),
    "team.restore": _l("took back a team's withdrawal"),
    "user.create": _l("created an organizer account"),
    "user.reset": _l("reset an organizer account's password"),
    "user.password": _l("changed an organizer account's password"),
    "user.role": _l("changed an organizer account's role"),
    "user.activate": _l("activated an organizer account"),
    "user.deactivate": _l("deactivated an organizer account"),
    "venue.public_url": _l("chose the address judges' links use"),
    "deduction.record": _l("recorded a deduction for the chief judge"),
    "deduction.propose": _l("proposed a deduction"),
    "deduction.confirm": _l("confirmed a deduction"),
    "deduction.remove": _l("withdrew a deduction"),
    "division.add": _l("added a division"),
    "division.remove": _l("removed a division"),
    "division.assign": _l("put teams into divisions"),
    "room.add": _l("added a room to a stage"),
    "room.remove": _l("removed a room from a stage"),
    "room.draw": _l("drew the teams into the rooms of a stage"),
    "room.assign": _l("put teams into the rooms of a stage by hand"),
    "stage.plan": _l("changed a stage's panel, rooms or advancement"),
    "stage.draw": _l("made the draw of a stage"),
    "timer.lengths": _l("set the presentation timer's lengths"),
    "timer.next": _l("called the next team and started its clock"),
    "timer.questions": _l("started the questions clock"),
    "timer.pause": _l("paused the clock"),
    "timer.resume": _l("resumed the clock"),
    "timer.reset": _l("reset the clock"),
    "timer.stop": _l("stopped the clock"),
    "ceremony.start": _l("started the award ceremony on the projector"),
    "ceremony.next": _l("revealed the next award tier on the projector"),
    "ceremony.back": _l("went back one step of the award ceremony"),
    "ceremony.end": _l("ended the award ceremony"),
}

LABELS = {
    "state": _l("state"), "name": _l("name"), "key": _l("code"), "status": _l("status"),
    "version": _l("version"), "scores": _l("scores"), "team": _l("team"),
    "judge": _l("judge"), "stage": _l("stage"), "weight": _l("weight"),
    "criteria": _l("criteria"), "group": _l("panel group"), "department": _l("department"),
    "note": _l("note"), "members": _l("members"), "role": _l("role"), "active": _l("active"),
    "archived": _l("archived"), "method": _l("method"), "seed": _l("seed"),
    "positions": _l("draw positions"), "lift": _l("lifted"), "absent": _l("absent"),
    "from": _l("copied from"), "order": _l("order"), "withdrawn": _l("withdrawn"),
    "reason": _l("reason"), "username": _l("user name"), "teams": _l("teams"),
    "default_stages": _l("default stages"), "source": _l("entered by"),
    "public_url": _l("address"), "points": _l("points"), "comment": _l("comment"),
    "phase": _l("clock"), "running": _l("running"), "talk": _l("presentation (s)"),
    "questions": _l("questions (s)"), "warning": _l("warning (s)"),
    "elapsed_ms": _l("elapsed (ms)"),
}

VALUES = {
    "draft": _l("draft"), "open": _l("open"), "closed": _l("closed"),
    "published": _l("published"), "submitted": _l("submitted"), "external": _l("external"),
    "internal": _l("internal"), "admin": _l("administrator"), "staff": _l("staff"),
    "random": _l("random"), "manual": _l("by hand"), "judge": _l("judge"),
    "paper": _l("paper"), "proposed": _l("proposed"), "confirmed": _l("confirmed"),
    "timer": _l("timer"), "organizer": _l("organizer"),
    "idle": _l("stopped"), "talk": _l("presentation"), "questions": _l("questions"),
}


# Only these fields hold codes that read better in words ("admin" as a user name stays).
CODED = {"state", "status", "group", "role", "method", "source", "phase"}


def _value(value, key=None) -> str:
    """A before/after value in words: states and groups translated, lists and scores flat."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, dict):
        return "; ".join(f"{LABELS.get(k, k)} {_value(v, k)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_value(v, key) for v in value)
    if isinstance(value, str) and key in CODED and value in VALUES:
        return str(VALUES[value])
    return str(value)


def _load(text):
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return text
    return data


def changes(entry, labels=None) -> list[tuple[str, str, str]]:
    """(label, before, after) for every field an entry changed or recorded.

    `labels` names fields of this entry alone (a sheet's criteria: 语言表达, not delivery).
    """
    labels = {**LABELS, **(labels or {})}
    before, after = _load(entry.before_json), _load(entry.after_json)
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is None and after is None:
            return []
        return [("", _value(before), _value(after))]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    out = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new and key in before and key in after:
            continue
        out.append((str(labels.get(key, key)), _value(old, key) if key in before else "",
                    _value(new, key) if key in after else ""))
    return out


def _names(entries):
    """Names of everything a page of entries mentions, in a few batched queries."""
    ids = {}
    for e in entries:
        if e.object_id is not None:
            ids.setdefault(e.object_type, set()).add(e.object_id)
    names = {}
    models = {"stage": Stage, "team": Team, "judge": Judge, "department": Department,
              "competition": Competition}
    for kind, model in models.items():
        if ids.get(kind):
            for row in db.session.execute(db.select(model.id, model.name)
                                          .where(model.id.in_(ids[kind]))):
                names[(kind, row.id)] = row.name
    if ids.get("user"):
        for row in db.session.execute(db.select(User.id, User.name, User.username)
                                      .where(User.id.in_(ids["user"]))):
            names[("user", row.id)] = row.name or row.username
    sheet_stages = {}
    for kind, model in (("scoresheet", ScoreSheet), ("paperentry", PaperEntry)):
        if ids.get(kind):
            rows = db.session.execute(
                db.select(model.id, Judge.name, Team.name, Stage.name, Stage.id)
                .join(Judge, Judge.id == model.judge_id).join(Team, Team.id == model.team_id)
                .join(Stage, Stage.id == model.stage_id).where(model.id.in_(ids[kind])))
            for oid, judge, team, stage, stage_id in rows:
                names[(kind, oid)] = _("%(judge)s's sheet for %(team)s, %(stage)s",
                                       judge=judge, team=team, stage=stage)
                sheet_stages[(kind, oid)] = stage_id
    # A sheet's scores are recorded by criterion key; the page shows each criterion's name.
    criteria = {}
    if sheet_stages:
        for stage_id, key, name in db.session.execute(
                db.select(Criterion.stage_id, Criterion.key, Criterion.name)
                .where(Criterion.stage_id.in_(set(sheet_stages.values())))):
            criteria.setdefault(stage_id, {})[key] = name
    for ref, stage_id in sheet_stages.items():
        names[("criteria",) + ref] = criteria.get(stage_id, {})
    if ids.get("recusal"):
        rows = db.session.execute(
            db.select(Recusal.id, Judge.name, Team.name)
            .join(Judge, Judge.id == Recusal.judge_id).join(Team, Team.id == Recusal.team_id)
            .where(Recusal.id.in_(ids["recusal"])))
        for rid, judge, team in rows:
            names[("recusal", rid)] = _("%(judge)s and %(team)s", judge=judge, team=team)
    return names


def _actors(entries):
    """{actor code: name}: organizer accounts by name, judges by name in their competition."""
    users = {e.actor.partition(":")[2] for e in entries if e.actor.startswith("user:")}
    judges = {(e.competition_id, e.actor.partition(":")[2]) for e in entries
              if e.actor.startswith("judge:")}
    out = {"cli": _("the command line"), "anonymous": _("someone not logged in")}
    if users:
        for username, name in db.session.execute(
                db.select(User.username, User.name).where(User.username.in_(users))):
            out[f"user:{username}"] = name or username
    found = {}
    if judges:  # one query for the page, not one per judge
        competitions = {cid for cid, _key in judges}
        keys = {key for _cid, key in judges}
        found = {(cid, key): name for cid, key, name in db.session.execute(
            db.select(Judge.competition_id, Judge.key, Judge.name)
            .where(Judge.competition_id.in_(competitions), Judge.key.in_(keys)))}
    for cid, key in judges:
        name = found.get((cid, key))
        out[(cid, f"judge:{key}")] = _("judge %(name)s", name=name or key)
    return out


def describe(entries) -> list[dict]:
    """A page of audit entries as {entry, who, sentence, subject, changes} for the page."""
    names, actors = _names(entries), _actors(entries)
    rows = []
    for e in entries:
        who = actors.get((e.competition_id, e.actor)) or actors.get(e.actor) or \
            e.actor.partition(":")[2] or e.actor
        what = ACTIONS.get(e.action)
        subject = names.get((e.object_type, e.object_id)) or e.summary
        labels = names.get(("criteria", e.object_type, e.object_id))
        rows.append({"entry": e, "who": who,
                     "sentence": _("%(who)s %(what)s", who=who, what=what) if what
                     else f"{who}: {e.action}",
                     "subject": subject, "changes": changes(e, labels)})
    return rows
