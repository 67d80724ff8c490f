"""One reading of the contest per live version, shared by every board and projector poll.

After each sheet, every screen in the hall polls at once: the organizer's boards (one per
stage) and the projectors. Each used to read the whole contest and rank it on its own, so
one submission cost the server four readings and rankings in a row, and with nine judges
submitting within two seconds the screens fell behind (issue 14's latency). The polls
now share one reading (`live_input`) and one ranking (`live_results`) per live version.

Why keying on the live version is safe: every write that changes what a screen shows
advances the version in the same transaction (operations.audit.bump_live), and the
version is read before the rows, so the rows read are never older than the version they
are kept under. Only the polls use this (they already show a change only when the version
moves); a page loaded in full reads everything afresh.

Concurrent polls for the same version wait for the first one's reading instead of all
reading at once. Kept per app (app.extensions), the latest reading per competition.
"""
import threading

from flask import current_app

from .. import rules as R
from .standings import contest_input, gc_paused

_LOCK = threading.Lock()


class _Slot:
    """One version's reading: filled once, under its own lock, by the first poll."""

    def __init__(self, version):
        self.version = version
        self.lock = threading.Lock()
        self.filled = False
        self.contest = None
        self.result = None
        self.error = None


def _slot(competition, version) -> _Slot:
    """The competition's kept reading when it is of this version, else a new one, kept.

    One reading per competition is kept (a 1,000-team contest's is large). The
    competition is known by its id and creation time, so a competition made later with
    a reused id never gets another one's reading. A poll that read another version than
    the kept one (a late answer) reads afresh: its rows are then never older than the
    version it read.
    """
    slots = current_app.extensions.setdefault("live_inputs", {})
    key = (competition.id, competition.created_at)
    with _LOCK:
        slot = slots.get(key)
        if slot is None or slot.version != version:
            slot = slots[key] = _Slot(version)
    return slot


def _fill(slot, competition) -> _Slot:
    with slot.lock:
        if not slot.filled:
            try:
                slot.contest = contest_input(competition)
                with gc_paused():
                    slot.result = R.compute_results(slot.contest)
            except R.RuleError as exc:  # broken settings or rules: the caller says so
                slot.error = exc
            slot.filled = True
    return slot


def live_input(competition, version) -> R.Contest:
    """The contest's plain records as of `version` (or later: rows committed after the
    version was read), read once per version.

    Raises the rules' RuleError when the settings cannot be read, as contest_input does.
    """
    slot = _fill(_slot(competition, version), competition)
    if slot.contest is None:
        raise slot.error
    return slot.contest


def live_results(competition, version) -> R.ContestResult:
    """The contest's ranking as of `version`, computed once per version.

    Raises the rules' RuleError, as results_for does, when the rules cannot be computed.
    """
    slot = _fill(_slot(competition, version), competition)
    if slot.error is not None:
        raise slot.error
    return slot.result


__all__ = ["live_input", "live_results"]
