"""Where each competition stands, and the one thing to do next (the competition list).

The organizer's path: set up (the checklist), draw, open a stage, score, close, review
and publish, print. Each competition gets a phase in words, its progress, and a link
to the page of its next step.
"""
from flask import url_for
from flask_babel import gettext as _

from ..operations.progress import competition_progress
from .setup.checklist import setup_checklist


def competition_status(competition) -> dict:
    """{phase, detail, url, action}: the competition's state and its next step."""
    key = competition.key
    if competition.archived:
        return {"phase": _("Archived"), "detail": "", "url": url_for("admin.results", key=key),
                "action": _("See the results")}
    stages = competition.stages
    states = [s.state for s in stages]
    if not stages or all(state == "draft" for state in states):
        problems = [i for i in setup_checklist(competition) if i["level"] == "bad"]
        if problems:
            return {"phase": _("Setting up"),
                    "detail": _("%(count)s setup problems to fix", count=len(problems)),
                    "url": problems[0]["url"] or url_for("admin.setup_overview", key=key),
                    "action": _("Fix: %(problem)s",
                                                           problem=problems[0]["text"])}
        return {"phase": _("Ready"), "detail": _("The setup is complete."),
                "url": url_for("admin.setup_stages", key=key),
                "action": _("Open the first stage for scoring")}
    progress = competition_progress(competition)
    open_stages = [s for s in stages if s.state == "open"]
    if open_stages:
        stage = open_stages[0]
        p = progress[stage.id]
        return {"phase": _("Scoring: %(stage)s", stage=stage.name),
                "detail": _("%(submitted)s of %(expected)s sheets submitted",
                            submitted=p.submitted, expected=p.expected),
                "url": url_for("admin.live", key=key), "action": _("Follow the scoring")}
    if "draft" in states:
        stage = next(s for s in stages if s.state == "draft")
        return {"phase": _("Between stages"),
                "detail": _("Next: %(stage)s", stage=stage.name),
                "url": url_for("admin.setup_stages", key=key),
                "action": _("Open %(stage)s for scoring", stage=stage.name)}
    if "closed" in states:
        missing = sum(len(progress[s.id].missing) for s in stages)
        return {"phase": _("Scored"),
                "detail": _("%(count)s sheets missing", count=missing) if missing
                else _("Every sheet is in."),
                "url": url_for("admin.results", key=key),
                "action": _("Review and publish the results")}
    return {"phase": _("Published"), "detail": "", "url": url_for("admin.reports", key=key),
            "action": _("Print the ranking and the sheets")}
