"""Every sheet of a ranking with its scores, read as plain rows (the ranking's big read).

A ranking of 1,000 teams reads 450,000 scores. Reading them as one row each costs the
driver a tuple per score and Python a loop per score; instead the database hands back one
row per sheet, its scores joined into one text ("7=15.000,8=12.5"). Each distinct pair
text (a criterion and a value: a few hundred in a contest) is parsed once, so a sheet's
scores become a dict in one call that runs in C. PostgreSQL and MariaDB then read the
sheets in about half the time; SQLite, which does the joining in our own process, in about
nine tenths (docs/performance.md). The values are the same Decimals as the row-by-row read
gives: the text is the database's own exact text of the stored value, never a float.

`sheets_by_rows` is the row-by-row read. It stays as the fallback for a sheet whose joined
text came back cut short (MariaDB's group_concat_max_len) and as the reference the tests
compare the joined read with, on the three databases.
"""
from decimal import Decimal
from operator import attrgetter, itemgetter

from sqlalchemy import String, cast, func, select, type_coerce

from .. import rules as R
from ..extensions import db
from ..models import Score, ScoreSheet

_SHEET_ORDER = attrgetter("stage", "team", "judge")
_PAIR = "="
_SEPARATOR = ","


def plain_batches(stmt):
    """Yield a Core SELECT's rows as lists of the driver's plain tuples (session's transaction).

    SQLAlchemy's Row objects and per-column type processing cost about three times the
    read itself for 450,000 scores; this path skips both, so the caller converts the
    values it needs. Rows come in batches, so each tuple is freed soon after it is used.
    """
    conn = db.session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        while batch := cursor.fetchmany(10_000):
            yield batch
    finally:
        cursor.close()


class _Decimals(dict):
    """Stored score value -> Decimal, each distinct stored value converted once.

    What models.base.Exact does per value: SQLite keeps the exact decimal text, other
    databases hand back a Decimal already.
    """

    def __missing__(self, value):
        if isinstance(value, Decimal):
            return value  # not cached: a Decimal needs no conversion
        converted = self[value] = Decimal(str(value))
        return converted


class _Pairs(dict):
    """Joined pair text "criterion id=value" -> (criterion key, Decimal), each parsed once."""

    def __init__(self, crit_key):
        super().__init__()
        self.crit_key = crit_key

    def __missing__(self, text):
        criterion_id, _, value = text.partition(_PAIR)
        pair = self[text] = (self.crit_key[int(criterion_id)], Decimal(value))
        return pair


def _in_order(sheets):
    """The sheets as a tuple in a stable order, so nothing that depends on it ever changes
    between databases."""
    sheets.sort(key=_SHEET_ORDER)
    return tuple(sheets)


# What the ranking needs of a sheet beside its scores. The joined read leaves out the
# sheet's id (each row is the whole sheet, nothing is matched by it), so its rows are
# no wider than the ranking uses; the row-by-row read adds it in front to match scores.
_HEAD = (ScoreSheet.judge_id, ScoreSheet.team_id, ScoreSheet.stage_id, ScoreSheet.status,
         ScoreSheet.comment)
# The databases whose joined text is never cut short: no length is read beside it.
_UNCUT = frozenset({"sqlite", "postgresql"})


def _joined_stmt(dialect, stage_ids):
    """SELECT of one row per sheet: its head and its joined pairs, and on a database that
    may cut the text (MariaDB) the text's full length after them.

    Each database gets the shape it runs fastest (measured, docs/performance.md):
    PostgreSQL a join grouped by the sheet's key; SQLite and MariaDB a subquery per
    sheet, which follows the stage index (SQLite would sort the grouped join; MariaDB
    groups by every column named, as its ONLY_FULL_GROUP_BY mode demands). SQLite joins
    the integer and the text as they are (a CAST costs it half the read again). SQLite's
    group_concat and PostgreSQL's string_agg never cut their text, so only the others
    (MariaDB: group_concat_max_len) carry the full text's length, which catches a text
    cut short wherever the cut falls (a count of pairs would miss "7=19.999" cut to
    "7=19.99"). On PostgreSQL a count cost a sixth of the read (240 -> 200 ms for 90,000
    sheets).
    """
    value_given = Score.value.is_not(None)
    if dialect == "postgresql":
        pair = cast(Score.criterion_id, String) + _PAIR + cast(Score.value, String)
        # Grouped by the key, which is not selected: the other columns follow from it.
        return (select(*_HEAD, func.aggregate_strings(pair, _SEPARATOR))
                .outerjoin(Score, (Score.sheet_id == ScoreSheet.id) & value_given)
                .where(ScoreSheet.stage_id.in_(stage_ids))
                .group_by(ScoreSheet.id))
    to_text = type_coerce if dialect == "sqlite" else cast
    pair = to_text(Score.criterion_id, String) + _PAIR + to_text(Score.value, String)
    of_sheet = (Score.sheet_id == ScoreSheet.id, value_given)
    joined = select(func.aggregate_strings(pair, _SEPARATOR)).where(*of_sheet).scalar_subquery()
    if dialect in _UNCUT:
        return select(*_HEAD, joined).where(ScoreSheet.stage_id.in_(stage_ids))
    # Each pair's length and its separator, less the one separator too many.
    length = (select(func.sum(func.char_length(pair) + len(_SEPARATOR)) - len(_SEPARATOR))
              .where(*of_sheet).scalar_subquery())
    return select(*_HEAD, joined, length).where(ScoreSheet.stage_id.in_(stage_ids))


def _cut_short(batch) -> bool:
    """Whether a joined text of these rows (text, full length last) came back cut short."""
    return any(length is not None and len(text or "") != length
               for *_, text, length in batch)


_WITHOUT_LENGTH = itemgetter(slice(0, len(_HEAD) + 1))


def sheets_of_stages(stage_ids, judge_key, team_key, stage_key, crit_key):
    """Every sheet of the given stages with its scores: one row per sheet (module doc)."""
    if not stage_ids:
        return ()
    pairs = _Pairs(crit_key)
    pair_of = pairs.__getitem__
    sheet = R.Sheet
    out = []
    dialect = db.session.get_bind().dialect.name
    with_length = dialect not in _UNCUT
    for batch in plain_batches(_joined_stmt(dialect, stage_ids)):
        if with_length:
            if _cut_short(batch):
                # The joined text was cut short (MariaDB's group_concat_max_len): read
                # every sheet again row by row rather than rank on part of a sheet.
                return sheets_by_rows(stage_ids, judge_key, team_key, stage_key, crit_key)
            batch = map(_WITHOUT_LENGTH, batch)
        for jid, tid, stid, status, comment, text in batch:
            scores = dict(map(pair_of, text.split(_SEPARATOR))) if text else {}
            out.append(sheet(judge_key[jid], team_key[tid], stage_key[stid], status, scores,
                             comment or ""))
    return _in_order(out)


def sheets_by_rows(stage_ids, judge_key, team_key, stage_key, crit_key):
    """The same sheets as sheets_of_stages, read one row per score (its fallback)."""
    if not stage_ids:
        return ()
    heads = [row for batch in plain_batches(
        select(ScoreSheet.id, *_HEAD).where(ScoreSheet.stage_id.in_(stage_ids)))
        for row in batch]
    scores = {row[0]: {} for row in heads}
    scores_of = scores.get
    to_decimal = _Decimals()
    for batch in plain_batches(
            select(Score.sheet_id, Score.criterion_id, Score.value)
            .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .where(ScoreSheet.stage_id.in_(stage_ids), Score.value.is_not(None))):
        for sid, cid, value in batch:
            # None: a sheet committed between the two SELECTs (PostgreSQL reads each
            # statement at its own snapshot); it belongs to the next computation.
            if (sheet_scores := scores_of(sid)) is not None:
                sheet_scores[crit_key[cid]] = to_decimal[value]
    sheet = R.Sheet
    return _in_order([sheet(judge_key[jid], team_key[tid], stage_key[stid], status,
                            scores[sid], comment or "")
                      for sid, jid, tid, stid, status, comment in heads])
