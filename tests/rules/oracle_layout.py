"""The oracle's rows: what `scoring results KEY --format json` must print for a contest
file, from DESIGN sections 2, 6 and 12 alone (tests/rules/oracle.py does the per-team
arithmetic). Divisions, panels and rooms, normalization across rooms, advancement,
deductions, withdrawn and incomplete teams are assembled here.
"""
from decimal import Decimal, localcontext
from fractions import Fraction

from .oracle import (
    Rules,
    applicable,
    assign_awards,
    combine,
    half_up,
    rank_block,
    recused_pairs,
    scaled,
    sheet_totals,
    sort_key,
    stage_exact,
    text,
    tie_values,
)

SECTION_12_STAGE_FIELDS = ("judges", "rooms", "qualify", "normalization")


def uses_layout(doc: dict) -> bool:
    """Whether the file uses section 12 (divisions, panels, rooms or advancement)."""
    rules = doc["competition"].get("rules", {})
    if rules.get("coefficient_decimals", 3) != 3 or any(t.get("stage_draw") for t in doc["teams"]):
        return True  # the app counts these as section 12 too (the file stays version 2)
    return bool(doc.get("divisions")) or any(
        s.get(f) for s in doc["stages"] for f in SECTION_12_STAGE_FIELDS
        if not (f == "normalization" and s.get(f) == "none"))


def _spread(values) -> Fraction:
    """Population standard deviation: exact variance, sqrt at 50 digits, 4 decimals."""
    mean = Fraction(sum(values), len(values))
    var = sum(((v - mean) ** 2 for v in values), Fraction(0)) / len(values)
    with localcontext() as ctx:
        ctx.prec = 50
        root = (Decimal(var.numerator) / Decimal(var.denominator)).sqrt()
    return half_up(Fraction(root), 4)


class Contest:
    """The contest file read once; scores computed lazily and kept."""

    def __init__(self, doc: dict):
        self.doc, self.rules = doc, Rules(doc["competition"].get("rules", {}))
        self.d = self.rules.decimals
        self.stages = [s["key"] for s in doc["stages"]]
        self.stage = {s["key"]: s for s in doc["stages"]}
        self.weights = {s["key"]: Fraction(s["weight"]) for s in doc["stages"]}
        self.groups_of = {j["key"]: j["group"] for j in doc["judges"]}
        self.teams = {t["key"]: t for t in doc["teams"]}
        self.withdrawn = {t["key"] for t in doc["teams"]
                          if t.get("withdrawn") not in (None, False)}
        self.sheets = sheet_totals(doc)
        self.exact, self.dropped = {}, {}
        for team in self.teams:
            for k in self.stages:
                e, dropped = stage_exact(self.sheets.get((team, k), []), self.groups_of,
                                         self.rules)
                self.exact[team, k], self.dropped[team, k] = e, dropped
        self.deduction = {}
        for x in doc.get("deductions", []):
            if x.get("state", "confirmed") == "confirmed":
                key = (x["team"], x["stage"])
                self.deduction[key] = self.deduction.get(key, Fraction(0)) + Fraction(x["points"])
        q = [i for i, s in enumerate(doc["stages"]) if s.get("qualify")]
        self.qi = q[0] if q else None
        self.qualified = {}  # team -> True / False / None, filled by the division pass
        self._norm = {}

    def draw_of(self, team):
        """Draw order: by draw position, teams without one after, then by key."""
        draw = self.teams[team].get("draw")
        return (draw is None, draw or 0, team)

    def room_of(self, team, k):
        """The team's room in stage k, or None."""
        return self.teams[team].get("rooms", {}).get(k)

    def takes_part(self, team, k) -> bool:
        """False for a non-qualifier in the qualifying stage or later."""
        return not (self.qi is not None and self.stages.index(k) >= self.qi
                    and self.qualified.get(team) is False)

    def base(self, team, k, places):
        """The rounded stage score before normalization and deductions."""
        e = self.exact[team, k]
        return None if e is None or not self.takes_part(team, k) else half_up(e, places)

    def _adjusted(self, k, places) -> dict:
        """Team -> score after normalization of stage k (section 12), at `places`."""
        if (k, places) in self._norm:
            return self._norm[k, places]
        xs = {t: self.base(t, k, places) for t in self.teams if t not in self.withdrawn}
        xs = {t: x for t, x in xs.items() if x is not None}
        out = {}
        if xs:
            method = self.stage[k]["normalization"]
            big_m = half_up(Fraction(sum(xs.values()), len(xs)), 4)
            big_s = _spread(list(xs.values())) if method == "z_score" else None
            rooms = {}
            for t, x in xs.items():
                rooms.setdefault(self.room_of(t, k), {})[t] = x
            for members in rooms.values():
                m = half_up(Fraction(sum(members.values()), len(members)), 4)
                if method == "room_mean":
                    c = Fraction(1) if m == 0 else half_up(big_m / m,
                                                           self.rules.coefficient_decimals)
                    out.update({t: half_up(x * c, places) for t, x in members.items()})
                    continue
                s = _spread(list(members.values()))
                out.update({t: half_up(big_m if s == 0 else big_m + big_s * (x - m) / s,
                                       places) for t, x in members.items()})
        self._norm[k, places] = out
        return out

    def normalizes(self, k) -> bool:
        """Whether stage k adjusts its rooms' scores."""
        return self.stage[k].get("normalization", "none") not in ("none", None)

    def score(self, team, k, places=None):
        """The stage score everything downstream uses: normalized, less deductions."""
        places = self.d if places is None else places
        x = self.base(team, k, places)
        if x is None:
            return None
        if self.normalizes(k) and team not in self.withdrawn:
            x = self._adjusted(k, places)[team]
        points = self.deduction.get((team, k))
        return max(Fraction(0), x - points) if points else x

    def final(self, team, places=None):
        """Rule 4/5 over the stages the team takes part in; None when one has no score."""
        places = self.d if places is None else places
        scores = {k: self.score(team, k, places) for k in self.stages}
        if any(v is None for v in scores.values()):
            return None
        return combine(scores, self.weights, places, self.rules.final_rounding)

    def qualification(self, team, places=None):
        """Section 12: the earlier stages' weighted sum, weights scaled to 1, rounded."""
        places = self.d if places is None else places
        earlier = self.stages[:self.qi]
        scores = {k: self.score(team, k, places) for k in earlier}
        if any(v is None for v in scores.values()):
            return None
        # final_rounding applies here too ("each": every product rounded, then added).
        return combine(scores, scaled({k: self.weights[k] for k in earlier}), places,
                       self.rules.final_rounding)

    def ctx(self, precise):
        """The context tie_values reads."""
        return {"score": self.score, "sheets": self.sheets, "dropped": self.dropped,
                "groups_of": self.groups_of, "decimals": self.d, "precise": precise}

    def provisional(self, team) -> bool:
        """An expected judge (panel, not recused, not absent) has not submitted, or a
        stage has no score yet; never for a withdrawn team (no sheet is expected)."""
        if team in self.withdrawn:
            return False
        recused = recused_pairs(self.doc)
        absent = {(a["judge"], a["stage"]) for a in self.doc.get("absences", [])}
        for k in self.stages:
            if not self.takes_part(team, k):
                continue
            st = self.stage[k]
            if st.get("rooms"):
                room = self.room_of(team, k)
                panel = next((r["judges"] for r in st["rooms"] if r["key"] == room), [])
            else:
                panel = st.get("judges") or list(self.groups_of)
            done = {j for j, _t in self.sheets.get((team, k), [])}
            if not done:
                return True
            if any(j not in done and (j, team) not in recused and (j, k) not in absent
                   for j in panel):
                return True
        return False


def _division(c: Contest, members: list) -> list:
    """The rows of one division's teams, in results order, as dicts (numbers as Fractions)."""
    chain = c.rules.tie_breaks
    active = [t for t in members if t not in c.withdrawn]
    rows = {t: {"rank": None, "tied": False, "award": None, "tie_note": None}
            for t in members}
    non_qualifiers = []
    if c.qi is not None:
        earlier = c.stages[:c.qi]
        w = scaled({k: c.weights[k] for k in earlier})
        ctx = c.ctx(c.qualification)
        q_keys = {t: sort_key(c.qualification(t), tie_values(chain, t, earlier, w, ctx))
                  for t in active if c.qualification(t) is not None}
        q_order = rank_block(list(q_keys), q_keys.get, c.draw_of, applicable(chain, earlier))
        rule = c.stage[c.stages[c.qi]]["qualify"]
        cut = rule["top"] if "top" in rule else int(half_up(
            Fraction(rule["share"]) * len(q_keys), 0))
        for t in active:
            c.qualified[t] = None
        for t, rank, _tied, _note in q_order:
            c.qualified[t] = rank <= cut
        non_qualifiers = [t for t, rank, _x, _y in q_order if rank > cut]
    ctx = c.ctx(c.final)
    keys = {t: sort_key(c.final(t), tie_values(chain, t, c.stages, c.weights, ctx))
            for t in active if t not in non_qualifiers and c.final(t) is not None}
    order = rank_block(list(keys), keys.get, c.draw_of, applicable(chain, c.stages))
    # A non-qualifier keeps its place in the qualification order: ranked after every
    # qualifier (one without a final yet still counts), so its rank is its qualification rank.
    cut_order = [(t, rank, tied, note) for t, rank, tied, note in q_order
                 if t in non_qualifiers] if non_qualifiers else []
    for t, rank, tied, note in order + cut_order:
        rows[t].update(rank=rank, tied=tied, tie_note=note)
    ranked = order + cut_order
    awards = assign_awards([(t, rank) for t, rank, _x, _y in ranked], c.rules.awards,
                           c.rules.award_ties)
    for t, name in awards.items():
        rows[t]["award"] = name
    done = [t for t, *_rest in ranked]
    waiting = sorted((t for t in active if t not in done), key=c.draw_of)
    unscored = [t for t in waiting if c.qualified.get(t) is None and c.qi is not None]
    rows_order = ([t for t, *_r in order] + [t for t in waiting if t not in unscored]
                  + [t for t, *_r in cut_order] + unscored)
    gone = sorted((t for t in members if t in c.withdrawn), key=c.draw_of)
    # "the results stay provisional" while a team has no qualification score: the cut
    # of its division may still move.
    cut_open = bool(unscored)
    for t in members:
        rows[t]["provisional"] = t not in c.withdrawn and (cut_open or c.provisional(t))
    return [(t, rows[t]) for t in rows_order + gone]


def expected_results(doc: dict) -> dict:
    """What `scoring results KEY --format json` must print for the contest file `doc`."""
    c = Contest(doc)
    layout = uses_layout(doc)
    divisions = [dv["key"] for dv in doc.get("divisions", [])] or [None]
    has_deductions = bool(c.deduction)
    normalizing = [k for k in c.stages if c.normalizes(k)]
    out = []
    for division in divisions:
        members = [t for t in c.teams if c.teams[t].get("division") == division]
        for team, row in _division(c, members):
            gone = team in c.withdrawn
            line = {"team": team, "rank": row["rank"], "tied": row["tied"],
                    "final": text(c.final(team), c.d),
                    "stages": {k: text(c.score(team, k), c.d) for k in c.stages},
                    "award": row["award"], "provisional": row["provisional"],
                    "withdrawn": gone, "tie_note": row["tie_note"]}
            if has_deductions:
                line["deductions"] = {k: text(c.deduction[team, k], c.d) for k in c.stages
                                      if (team, k) in c.deduction}
            if layout:
                line["division"] = division
                line["qualified"] = None if gone else c.qualified.get(team)
                if c.qi is not None:
                    line["qualification"] = None if gone else text(c.qualification(team), c.d)
                if normalizing:
                    line["raw_stages"] = {k: text(c.base(team, k, c.d), c.d)
                                          for k in normalizing}
            out.append(line)
    return {"competition": doc["competition"]["key"], "results": out,
            "provisional": any(r["provisional"] for r in out)}
