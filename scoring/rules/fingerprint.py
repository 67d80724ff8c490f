"""A short checksum of the ranking as shown, so a printed page can be matched to the screen."""

import hashlib
import json


def _text(value):
    return None if value is None else str(value)


def fingerprint_rows(teams) -> list:
    """The canonical rows the fingerprint covers, one per team in display order."""
    return [
        {"team": t.team, "rank": t.rank, "tied": t.tied,
         "stages": {k: _text(t.stages[k].score) for k in sorted(t.stages)},
         "final": _text(t.final), "award": t.award,
         "provisional": t.provisional, "withdrawn": t.withdrawn}
        for t in teams
    ]


def fingerprint(result) -> str:
    """SHA-256 of the canonical JSON of the shown ranking, first 12 hex digits as xxxx-xxxx-xxxx."""
    teams = getattr(result, "teams", result)
    text = json.dumps(fingerprint_rows(teams), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"{digest[0:4]}-{digest[4:8]}-{digest[8:12]}"
