"""Fuzzing (hypothesis): importers and the score API never crash and never half-write.

- The contest-file importer: random JSON-ish documents, random texts and bytes, and
  mutations of a valid exported document raise only ContestFileError, and a refused
  file leaves every table's row count as it was (checked before any rollback).
- The spreadsheet importer: random bytes, CSV text in UTF-8/GBK with random cells, and
  .xlsx workbooks with random cell values raise only SpreadsheetError; the HTTP upload
  route never answers 5xx.
- The judge API: random JSON bodies and values never get 5xx, and a refused write
  leaves the sheet exactly as it was.
"""
import copy
import io
import json

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.extensions import db

FUZZ = settings(deadline=None, max_examples=60, derandomize=True,
                suppress_health_check=list(HealthCheck), database=None)



def fuzz_settings(app, examples=60):
    """FUZZ with `examples` on SQLite and a third of them on PostgreSQL and MariaDB.

    What the inputs exercise (parsing, validation) is the same code on every database;
    the servers add their transactions (a refused input writes no row) and their types,
    which a third of the examples, all derandomized alike, still cover.
    """
    server = not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    return settings(FUZZ, max_examples=max(10, examples // 3) if server else examples)


json_leaf = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
             | st.text(max_size=12) | st.sampled_from(["27.5", "-1", "1e400", "NaN", "0.25"]))
json_value = st.recursive(
    json_leaf,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                              max_size=4),
    max_leaves=20)


def _counts():
    """{table: row count} of every table, in one statement (one count query per table
    was half of the contest-file fuzz test's time)."""
    tables = db.metadata.sorted_tables
    row = db.session.execute(sa.select(*(
        sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables))).one()
    return {t.name: count for t, count in zip(tables, row, strict=True)}


# ---- contest file ------------------------------------------------------------------------------

def _mutate(doc, data):
    """One random change somewhere in doc: drop, replace or duplicate a value."""
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + [i])

    walk(doc, [])
    path = data.draw(st.sampled_from(paths[1:]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = data.draw(st.sampled_from(["drop", "replace", "duplicate", "stringify"]))
    if action == "drop":
        del parent[last]
    elif action == "replace":
        parent[last] = data.draw(json_value)
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    else:
        parent[last] = json.dumps(parent[last])
    return doc


def test_contest_file_import_refuses_cleanly(app, demo):
    from scoring.contestfile import (
        ContestFileError,
        export_competition,
        import_document,
        import_text,
    )
    from scoring.models import Competition

    with app.app_context():
        comp = db.session.scalars(sa.select(Competition).filter_by(key=demo)).one()
        valid = export_competition(comp)
        valid["competition"]["key"] = "fuzz-copy"
        db.session.remove()

    fuzz = fuzz_settings(app)

    def attempt(fn, arg):
        before = _counts()
        try:
            fn(arg)
        except ContestFileError:
            assert _counts() == before, "a refused file wrote rows"
        finally:
            db.session.rollback()

    @fuzz
    @given(data=st.data())
    def mutated(data):
        attempt(import_document, _mutate(copy.deepcopy(valid), data))

    @fuzz
    @given(doc=json_value)
    def random_doc(doc):
        attempt(import_document, doc)

    @fuzz
    @given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode)
           | st.sampled_from([b"[" * 50_000, b'{"a":' * 20_000, b"9" * 10_000,
                              b"\xef\xbb\xbf{}", b'{"format": "scoring-contest"}']))
    def random_text(raw):
        attempt(import_text, raw)

    with app.app_context():
        mutated()
        random_doc()
        random_text()
        assert _counts()["competition"] == 1


# ---- spreadsheets ------------------------------------------------------------------------------

cell = (st.none() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
        | st.text(max_size=30) | st.dates() | st.booleans()
        | st.sampled_from(["=1+1", "队伍编号", "成员姓名", "所在部门", "队伍名称", "组织部"]))


def _check(table):
    from scoring.imports.teams import check_team_rows, rows_from_table

    rows, letters = rows_from_table(table)
    check_team_rows(rows, letters=letters, existing_keys={"T01"}, existing_names={"x"},
                    existing_members=set(), departments={"组织部"})


def test_spreadsheet_reader_refuses_cleanly():
    from scoring.imports import SpreadsheetError, read_table

    def attempt(name, data):
        try:
            table = read_table(name, data)
        except SpreadsheetError:
            return
        _check(table)

    @FUZZ
    @given(name=st.sampled_from(["t.csv", "t.xlsx", "t.txt", ""]), data=st.binary(max_size=300))
    def random_bytes(name, data):
        attempt(name, data)

    @FUZZ
    @given(rows=st.lists(st.lists(st.text(max_size=12), max_size=6), max_size=8),
           encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]),
           sep=st.sampled_from([",", "\t", ";"]))
    def random_csv(rows, encoding, sep):
        text = "\n".join(sep.join(r) for r in rows)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            return
        attempt("t.csv", data)

    @FUZZ
    @given(rows=st.lists(st.lists(cell, max_size=6), min_size=1, max_size=6))
    def random_xlsx(rows):
        from openpyxl import Workbook

        wb = Workbook()
        for r in rows:
            try:
                wb.active.append(r)
            except Exception:  # openpyxl refuses some values itself: not our input then
                return
        out = io.BytesIO()
        wb.save(out)
        attempt("t.xlsx", out.getvalue())

    random_bytes()
    random_csv()
    random_xlsx()


def test_team_upload_route_never_500(app, client, login, demo):
    login()

    @fuzz_settings(app, 25)
    @given(data=st.binary(max_size=400) | st.text(max_size=200).map(
        lambda t: ("队伍名称,成员姓名,所在部门\n" + t).encode("gbk", "replace")),
        name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a"]))
    def upload(data, name):
        r = client.post(f"/admin/c/{demo}/teams/import",
                        data={"file": (io.BytesIO(data), name)},
                        content_type="multipart/form-data")
        assert r.status_code < 500, r.status_code

    upload()


# ---- the judge API ---------------------------------------------------------------------------

score_value = (st.none() | st.booleans() | st.integers(-100, 100)
               | st.floats(allow_nan=True, allow_infinity=True)
               | st.sampled_from(["35.5", "35.25", "-0", "1e2", " 20 ", "２０", "NaN", "0x10",
                                  "", "41", "40", "9.5"]) | st.text(max_size=6) | json_value)


def test_judge_api_random_bodies(app, demo):
    from tests.judging.util import judge_client, snapshot

    c = judge_client(app, "X1")
    keys = ["substance", "delivery", "teamwork", "timing"]

    # Fewer examples: each one reads the whole competition twice (before and after).
    @fuzz_settings(app, 30)
    @given(scores=st.dictionaries(st.sampled_from(keys + ["bogus", ""]), score_value,
                                  max_size=5) | json_value,
           key=st.sampled_from(["fuzz-key-0001", "", None, 5, "x" * 100]) | st.uuids().map(str),
           base=st.none() | st.integers(-2, 5) | st.text(max_size=3),
           submit=st.booleans(), team=st.sampled_from(["T01", "T02", "T99", "../x"]),
           raw=st.none() | st.binary(max_size=40))
    def fuzz(scores, key, base, submit, team, raw):
        before = snapshot(app)
        body = {"scores": scores, "idempotency_key": key, "base_version": base}
        url = f"/judge/api/sheet/presentation/{team}/" + ("submit" if submit else "draft")
        if raw is not None:
            r = c.open(url, method="POST" if submit else "PUT", data=raw,
                       content_type="application/json")
        else:
            r = c.open(url, method="POST" if submit else "PUT", json=body)
        assert r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:300])
        assert r.is_json
        if r.status_code >= 300 or not r.json.get("ok"):
            assert snapshot(app) == before, "a refused write changed a sheet"

    fuzz()
