"""The contest file: round trip, hand-computed results, refused files, the CLI."""
import json

import pytest
import sqlalchemy as sa

from scoring.extensions import db as _db

from .contest_doc import POOLED, WEIGHTED, document


def _counts(app):
    """Rows per table: a refused import must leave every one unchanged."""
    with app.app_context():
        return {t.name: _db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                for t in _db.metadata.sorted_tables}


def _import(app, doc, **kw):
    from scoring.contestfile import import_document

    with app.app_context():
        comp = import_document(doc, **kw)
        _db.session.commit()
        return comp.key


def _refused(app, doc):
    """Import doc, expect refusal; the problems as 'place: message' lines, rows unchanged."""
    from scoring.contestfile import ContestFileError, import_document
    from scoring.rules import format_problem

    before = _counts(app)
    with app.app_context():
        with pytest.raises(ContestFileError) as info:
            import_document(doc)
        _db.session.rollback()
    assert _counts(app) == before
    return [format_problem(p) for p in info.value.problems]


def _results(app, key):
    from scoring.models import Competition
    from scoring.results.exports import ranking_document

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        return ranking_document(comp)


def _named(rows):
    keys = ("team", "rank", "tied", "final", "stages", "award")
    return [{k: r[k] for k in keys} for r in rows]


# ---- round trip -------------------------------------------------------------------------

def test_export_import_export_is_byte_identical(app, demo):
    from scoring.contestfile import export_text, import_text
    from scoring.models import Competition, Judge, ScoreSheet, SheetVersion

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=demo))
        first = export_text(comp)
        tokens = set(_db.session.scalars(sa.select(Judge.token)))
    doc = json.loads(first)
    assert doc["format"] == "scoring-contest" and doc["version"] == 1
    assert all(t not in first for t in tokens)  # judge secrets are never exported
    assert len(doc["sheets"]) > 0

    # Into an empty database: drop the demo, import, export again.
    with app.app_context():
        _db.session.delete(_db.session.scalar(sa.select(Competition).filter_by(key=demo)))
        _db.session.commit()
        comp = import_text(first)
        _db.session.commit()
        second = export_text(comp)
        sheets = _db.session.scalars(sa.select(ScoreSheet)).all()
        assert {s.source for s in sheets} == {"import"} and {s.version for s in sheets} == {1}
        submitted = [s for s in sheets if s.status == "submitted"]
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(SheetVersion)) == len(
            submitted)
        new_tokens = set(_db.session.scalars(sa.select(Judge.token)))
        assert new_tokens and not new_tokens & tokens
    assert second == first


def test_round_trip_keeps_optional_fields(app):
    doc = document()
    doc["stages"][0]["state"] = "published"
    doc["stages"][0]["criteria"][0]["description"] = "目标具体"
    doc["judges"][0]["note"] = "北京某大学"
    doc["absences"] = [{"judge": "N3", "stage": "talk", "reason": "下午离场"}]
    doc["competition"]["draw"] = {"method": "random", "seed": "20240418",
                                  "at": "2024-04-18T09:30:00"}
    key = _import(app, doc)
    from scoring.contestfile import export_competition, export_text, import_text
    from scoring.models import Competition

    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        out = export_competition(comp)
        text = export_text(comp)
    assert out["stages"][0]["state"] == "published"
    assert out["stages"][1]["state"] == "draft"
    assert out["stages"][0]["criteria"][0]["description"] == "目标具体"
    assert [j["key"] for j in out["judges"]] == ["N1", "N2", "N3", "X1", "X2"]
    assert out["judges"][3]["note"] == "北京某大学" and "note" not in out["judges"][0]
    assert out["absences"] == [{"judge": "N3", "stage": "talk", "reason": "下午离场"}]
    assert out["competition"]["draw"] == doc["competition"]["draw"]
    assert [t["key"] for t in out["teams"]] == ["A", "B", "C", "D", "E"]
    assert out["teams"][3]["withdrawn"] == "未到场" and "withdrawn" not in out["teams"][0]
    assert out["recusals"] == [{"judge": "N2", "team": "C", "lift": True, "reason": "部门已调整"},
                               {"judge": "N3", "team": "D", "reason": "曾指导该队成员"}]
    draft = [s for s in out["sheets"] if s["status"] == "draft"]
    assert draft == [{"judge": "X1", "team": "D", "stage": "talk", "status": "draft",
                      "scores": {}}]
    assert out["stages"][0]["criteria"][0]["max"] == "50"
    assert text.endswith("\n") and '"27.5' not in text
    # Again, through --replace: the same bytes.
    with app.app_context():
        comp = import_text(text, replace=True)
        _db.session.commit()
        assert export_text(comp) == text


# ---- results computed by hand --------------------------------------------------------------

@pytest.mark.parametrize("aggregation, expected", [("pooled", POOLED),
                                                   ("weighted_groups", WEIGHTED)])
def test_imported_results_match_hand_computation(app, aggregation, expected):
    key = _import(app, document(aggregation))
    out = _results(app, key)
    assert out["competition"] == "hand-2024"
    assert list(out) [:2] == ["competition", "results"]
    ranked = [r for r in out["results"] if r["rank"] is not None]
    assert _named(ranked) == expected
    last = out["results"][-1]
    assert (last["team"], last["rank"], last["award"], last["withdrawn"]) == ("D", None, None,
                                                                               True)
    assert list(out["results"][0])[:6] == ["team", "rank", "tied", "final", "stages", "award"]


def test_tie_note_names_the_tie_break_that_separated(app):
    key = _import(app, document("pooled"))
    rows = {r["team"]: r for r in _results(app, key)["results"]}
    assert rows["C"]["tie_note"] == "raw_mean"
    assert rows["A"]["tie_note"] is None


def test_import_writes_one_audit_entry(app):
    from scoring.models import AuditEntry

    _import(app, document())
    with app.app_context():
        actions = _db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions == ["contest.import"]


# ---- refused files ----------------------------------------------------------------------

def _sheet_index(doc, judge, team, stage):
    return next(i for i, s in enumerate(doc["sheets"])
                if (s["judge"], s["team"], s["stage"]) == (judge, team, stage))


def test_refused_file_names_every_problem_and_changes_nothing(app):
    _import(app, document())  # something already in the database
    doc = document()
    doc["competition"]["key"] = "other-2024"
    i = _sheet_index(doc, "X1", "A", "plan")
    doc["sheets"][i]["scores"]["a"] = "51"                      # above its maximum
    j = _sheet_index(doc, "X2", "A", "plan")
    doc["sheets"][j]["judge"] = "Z9"                            # unknown judge
    doc["teams"][0]["members"][1]["department"] = "教务处"      # two members of 教务处
    k = _sheet_index(doc, "X1", "B", "talk")
    doc["sheets"].append(dict(doc["sheets"][k], judge="N1"))    # N1 is recused from B
    doc["stages"][0]["weight"] = 0.4                            # a JSON number
    doc["teams"].append(dict(doc["teams"][1]))                  # team key B twice
    lines = _refused(app, doc)
    text = "\n".join(lines)
    assert f"sheets[{i}].scores.a: 51 is above the maximum 50" in lines
    assert f'sheets[{j}].judge: unknown judge "Z9"' in lines
    assert "teams[0].members: 2 members are from the same department 教务处" in lines
    n = len(doc["sheets"]) - 1
    assert f"sheets[{n}]: judge N1 is recused from team B" in lines
    assert "stages[0].weight: give the number as a text in quotes" in text
    assert 'teams[5].key: "B" is used twice' in lines


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.update(version=3), "version: this file is version 3; this system reads "
                                    "version 1 / 2"),
    (lambda d: d.update(format="other"), 'format: this is not a contest file'),
    (lambda d: d["sheets"][0]["scores"].pop("b"),
     "sheets[0].scores.b: not scored; a submitted sheet needs every score"),
    (lambda d: d["sheets"][0].update(status="final"),
     'sheets[0].status: "final" is not one of draft, submitted'),
    (lambda d: d["teams"][0].update(draw=7),
     "teams[0].draw: draw position 7 is not between 1 and 5 (the number of teams)"),
    (lambda d: d["teams"][1].update(draw=1), "teams[1].draw: draw position 1 is used twice"),
    (lambda d: d["judges"][2].update(department="党委办"),
     'judges[2].department: department "党委办" is not in the "departments" list'),
    (lambda d: d["recusals"].append({"judge": "N1", "team": "A", "reason": ""}) or
     d["sheets"][0].update(), 'judge N1 is recused from team A'),
    (lambda d: d["sheets"][0]["scores"].update(a="40.25"),
     "sheets[0].scores.a: 40.25 is not a multiple of the step 0.5"),
    (lambda d: d["competition"]["rules"]["groups"]["external"].update(weight="0.5"),
     "competition.rules.groups: weights sum to 1.1, not 1"),
    (lambda d: d["sheets"][0]["scores"].update(a=40),
     'sheets[0].scores.a: give the number as a text in quotes, like "40", not a JSON number'),
    (lambda d: d["judges"].append(dict(d["judges"][0])), 'judges[5].key: "X1" is used twice'),
])
def test_each_bad_file_is_refused_with_its_place(sqlite_app, change, expected):
    doc = document()
    change(doc)
    lines = _refused(sqlite_app, doc)
    assert any(expected in line for line in lines), lines


def test_existing_key_is_refused(app):
    _import(app, document())
    assert _refused(app, document()) == [
        'competition.key: a competition with the key "hand-2024" already exists']


def test_invalid_json_names_line_and_column(sqlite_app):
    from scoring.contestfile import ContestFileError, import_text
    from scoring.rules import format_problem

    text = json.dumps(document(), indent=2).replace('"version": 1,', '"version": 1', 1)
    with sqlite_app.app_context(), pytest.raises(ContestFileError) as info:
        import_text(text)
    [line] = [format_problem(p) for p in info.value.problems]
    assert line.startswith("invalid JSON at line 4, column 3")

    with sqlite_app.app_context(), pytest.raises(ContestFileError) as info:
        import_text('{"format": "scoring-contest", "format": "x"}')
    assert 'the name "format" appears twice' in format_problem(info.value.problems[0])


# ---- the CLI ----------------------------------------------------------------------------

def test_cli_import_export_results(sqlite_app, tmp_path):
    runner = sqlite_app.test_cli_runner()
    path = tmp_path / "contest.json"
    path.write_text(json.dumps(document("pooled"), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["contest", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "hand-2024" in result.output

    result = runner.invoke(args=["results", "hand-2024", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert _named(r for r in out["results"] if r["rank"]) == POOLED

    out_file = tmp_path / "export.json"
    result = runner.invoke(args=["contest", "export", "hand-2024", "-o", str(out_file)])
    assert result.exit_code == 0, result.output
    exported = out_file.read_text(encoding="utf-8")
    result = runner.invoke(args=["contest", "export", "hand-2024", "-o", "-"])
    assert result.stdout == exported
    assert json.loads(exported)["competition"]["key"] == "hand-2024"

    # Importing again is refused, in English when asked, and changes nothing.
    result = runner.invoke(args=["contest", "import", str(out_file), "--lang", "en"])
    assert result.exit_code == 1
    assert 'competition.key: a competition with the key "hand-2024" already exists' in (
        result.output)
    assert "Traceback" not in result.output
    result = runner.invoke(args=["contest", "import", str(out_file), "--replace"])
    assert result.exit_code == 0, result.output


def test_cli_results_csv_has_bom_and_neutralizes_formulas(sqlite_app, tmp_path):
    doc = document("pooled")
    doc["teams"][0]["name"] = "=HYPERLINK(\"http://x\")"
    doc["teams"][2]["name"] = "@SUM(A1)"
    key = _import(sqlite_app, doc)
    out = tmp_path / "r.csv"
    runner = sqlite_app.test_cli_runner()
    result = runner.invoke(args=["results", key, "--format", "csv", "-o", str(out),
                                 "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Rank", "Team key", "Team", "方案设计", "现场展示", "Final", "Award",
                       "Tied", "Provisional"]
    assert rows[1][:6] == ["1", "A", "'=HYPERLINK(\"http://x\")", "84.33", "83.83", "84.03"]
    assert rows[2][2] == "'@SUM(A1)"
    assert [r[1] for r in rows[1:]] == ["A", "C", "E", "B", "D"]


def test_cli_bad_file_prints_every_problem(sqlite_app, tmp_path):
    doc = document()
    doc["sheets"][0]["scores"]["a"] = "51"
    doc["judges"][0]["group"] = "guest"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = sqlite_app.test_cli_runner().invoke(
        args=["contest", "import", str(path), "--lang", "en"])
    assert result.exit_code == 1
    assert "sheets[0].scores.a: 51 is above the maximum 50" in result.output
    assert 'judges[0].group: "guest" is not one of external, internal' in result.output
    assert "Traceback" not in result.output
    path.write_text("{\n  \"format\": \n}", encoding="utf-8")
    result = sqlite_app.test_cli_runner().invoke(
        args=["contest", "import", str(path), "--lang", "en"])
    assert result.exit_code == 1 and "invalid JSON at line 3, column 1" in result.output


def test_the_documented_example_imports(sqlite_app):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs/contest-file.md").read_text("utf-8")
    example = text.split("## 示例 / Example")[1].split("```json")[1].split("```")[0]
    key = _import(sqlite_app, json.loads(example))
    out = _results(sqlite_app, key)
    # One ranked team: 一等奖 is 0.2 x 1 = 0.2 -> 0 teams; 二等奖 (count 5) takes it.
    assert _named(out["results"]) == [{"team": "A", "rank": 1, "tied": False, "final": "21.50",
                                       "stages": {"plan": "21.50"}, "award": "二等奖"}]


def test_cli_speaks_chinese_when_asked(sqlite_app, tmp_path):
    doc = document()
    doc["sheets"][0]["scores"]["a"] = "51"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = sqlite_app.test_cli_runner().invoke(
        args=["contest", "import", str(path), "--lang", "zh_CN"])
    assert result.exit_code == 1
    assert "sheets[0].scores.a: 51 超过最高分 50" in result.output


def test_default_tie_breaks_skip_a_stage_the_file_does_not_have(sqlite_app):
    doc = document()
    del doc["competition"]["rules"]["tie_breaks"]  # default: stage:presentation, ...
    key = _import(sqlite_app, doc)
    from scoring.models import Competition

    with sqlite_app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        assert comp.rules["tie_breaks"] == ["raw_mean", "group_mean:external"]


def test_positions_in_the_file_without_a_draw_section_are_a_draw(app, client, login):
    """Lots drawn on paper, typed into the file's teams: the contest is drawn, stages can
    open, and a new draw is not asked for (it would overwrite the positions)."""
    from scoring.models import Competition
    from scoring.operations.setup_stages import open_problems

    doc = document()
    doc["competition"].pop("draw", None)
    assert all(t.get("draw") for t in doc["teams"])
    key = _import(app, doc)
    partial = document()
    partial["competition"].pop("draw", None)
    partial["competition"]["key"] = "partial"
    partial["teams"][1].pop("draw")
    partial_key = _import(app, partial)
    login()
    drawn, undrawn = (client.get(f"/admin/c/{k}/").get_data(as_text=True)
                      for k in (key, partial_key))
    assert "已完成抽签。" in drawn and "还没有抽签" not in drawn
    assert "还没有抽签" in undrawn
    with app.app_context():
        comp = _db.session.scalar(sa.select(Competition).filter_by(key=key))
        assert comp.draw_method == "manual" and comp.draw_at is not None
        assert not [p for p in open_problems(comp.stages[1]) if "draw" in p[0]]
        partial = _db.session.scalar(sa.select(Competition).filter_by(key=partial_key))
        assert partial.draw_at is None and partial.draw_method is None
        assert [p for p in open_problems(partial.stages[1]) if "draw" in p[0]]
