"""Errors a user can fix, with untranslated message templates and their parameters."""


def N_(s):
    """Mark a message template for Babel extraction; the Flask side translates it later."""
    return s


class RuleError(Exception):
    """A problem the organizer, staff or a judge can fix (a value, a setting, a draw)."""

    def __init__(self, message, params=None):
        self.message = message
        self.params = dict(params or {})
        super().__init__(self.message % self.params)

    def __str__(self):
        # Always apply the params, so a template's "%%" means the same here and translated.
        return self.message % self.params


class ScoreError(RuleError):
    """A typed score value is refused (not a number, out of range, off the step)."""


def format_problem(problem):
    """Render one (place, message, params) problem in English, e.g. "rules.trim: ..."."""
    place, message, params = problem
    text = message % params
    return f"{place}: {text}" if place else text


class SettingsError(RuleError):
    """Settings or contest data are refused; `.problems` lists every (place, message, params)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(
            N_("%(count)s problem(s): %(details)s"),
            {"count": len(self.problems),
             "details": "; ".join(format_problem(p) for p in self.problems)},
        )
