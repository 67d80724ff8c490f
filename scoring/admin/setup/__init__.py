"""Organizer setup pages: competitions, stages and rubric, teams, judges, recusals, the draw,
the stage lifecycle, users and the audit log. Each module registers its routes and menu
entries on the admin blueprint at import."""
from . import (  # noqa: F401
    audit_log,
    competitions,
    draw,
    judges,
    recusals,
    rooms,
    stages,
    teams,
    users,
    venue,
    venue_ca,
)
