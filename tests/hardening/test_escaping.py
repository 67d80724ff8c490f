"""Hostile names (<script>, event handlers, spreadsheet formulas) are data everywhere.

A competition whose names are attacks is imported from a contest file; every page that
shows them (organizer, judge, public, projector, JSON fragments) escapes them, every PDF
prints them literally (pdftotext), and every spreadsheet (CSV, XLSX) neutralizes
formula-looking cells.
"""
import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook

from scoring.extensions import db
from scoring.models import Competition, Judge
from tests.conftest import make_user
from tests.results.contest_doc import document

XSS = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-1+1",
            "@SUM(A1:A2)"]
RAW = [XSS, "<img src=x onerror"]


@pytest.fixture
def hostile(sqlite_app):
    from scoring.contestfile import import_document

    doc = document()
    doc["competition"]["name"] = "赛" + XSS
    names = [XSS, *FORMULAS]
    for team, name in zip(doc["teams"], names, strict=False):
        team["name"] = name
        team["members"][0]["name"] = XSS
    doc["judges"][0]["name"] = XSS
    doc["judges"][1]["name"] = FORMULAS[0]
    doc["judges"][2]["name"] = IMG
    doc["stages"][1]["name"] = IMG
    doc["stages"][1]["criteria"][0]["name"] = IMG
    doc["stages"][0]["name"] = XSS
    doc["stages"][0]["criteria"][0]["name"] = XSS
    app = sqlite_app
    with app.app_context():
        comp = import_document(doc)
        for stage in comp.stages:
            stage.state = "published" if stage.key == "plan" else "open"
        db.session.commit()
        key = comp.key
        judge = db.session.scalars(db.select(Judge).filter_by(competition_id=comp.id,
                                                              key="X2")).one()
        link = f"/j/{judge.id}.{judge.token}"
        db.session.remove()
    make_user(app, "xss", "xss-password", "admin")
    admin = app.test_client()
    assert admin.post("/admin/login", data={"username": "xss",
                                            "password": "xss-password"}).status_code == 302
    judge_client = app.test_client()
    assert judge_client.get(link).status_code == 302
    return app, key, admin, judge_client


def _no_raw(text, where):
    for raw in RAW:
        assert raw not in text, f"{where}: unescaped {raw!r}"


def test_pages_escape_hostile_names(hostile):
    app, key, admin, judge = hostile
    with app.app_context():
        comp = db.session.scalars(db.select(Competition).filter_by(key=key)).one()
        judge_id = db.session.scalars(db.select(Judge.id).filter_by(competition_id=comp.id)).first()
        db.session.remove()
    pages = [(admin, u) for u in (
        "/admin/", f"/admin/c/{key}/", f"/admin/c/{key}/teams", f"/admin/c/{key}/judges",
        f"/admin/c/{key}/judges/{judge_id}", f"/admin/c/{key}/recusals",
        f"/admin/c/{key}/stages", f"/admin/c/{key}/draw", f"/admin/c/{key}/live",
        f"/admin/c/{key}/live?stage=plan", f"/admin/c/{key}/paper", f"/admin/c/{key}/results",
        f"/admin/c/{key}/teams/A/result", f"/admin/c/{key}/reports", "/admin/audit",
        f"/admin/c/{key}/live/state", f"/admin/c/{key}/live/state?stage=plan")]
    pages += [(judge, u) for u in ("/judge/", "/judge/s/talk/A", "/judge/s/talk/B",
                                   "/judge/api/state")]
    public = app.test_client()
    pages += [(public, u) for u in ("/results/", f"/results/{key}", f"/draw/{key}",
                                    f"/projector/{key}", f"/projector/{key}/state")]
    escaped_seen = 0
    for client, url in pages:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        text = r.get_data(as_text=True)
        if r.is_json:
            # JSON data may hold names as they are (application/json, nosniff); the HTML
            # fragments a script inserts into the page must be escaped.
            text = r.json.get("html") or ""
        _no_raw(text, url)
        escaped_seen += ("&lt;script&gt;" in text) or ("\\u003cscript" in text)
    assert escaped_seen >= 15, escaped_seen


def test_json_html_fragments_are_escaped(hostile):
    _app, key, admin, _judge = hostile
    for url in (f"/admin/c/{key}/live/state", f"/projector/{key}/state"):
        body = admin.get(url).json
        html = body.get("html") or ""
        assert html, url
        _no_raw(html, url)


@pytest.mark.parametrize("kind,query", [
    ("ranking", ""), ("sheets", "?stage=plan"), ("team-detail", ""), ("blank-sheets", ""),
    ("draw", ""), ("judge-links", "")])
def test_pdfs_print_hostile_names_literally(hostile, tmp_path, kind, query):
    _app, key, admin, _judge = hostile
    r = admin.get(f"/admin/c/{key}/reports/{kind}.pdf{query}")
    assert r.status_code == 200, (kind, r.status_code, r.get_data(as_text=True)[:300])
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(r.data)
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "".join(XSS.split()) in flat, (kind, text[:400])


def _formula_like(text):
    return isinstance(text, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_csv_and_xlsx_neutralize_formulas(hostile):
    _app, key, admin, _judge = hostile
    r = admin.get(f"/admin/c/{key}/results.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if _formula_like(c)], cells
    for f in FORMULAS:
        assert "'" + f in cells, f
    books = {"results.xlsx": admin.get(f"/admin/c/{key}/results.xlsx"),
             "sheets.xlsx": admin.get(f"/admin/c/{key}/reports/sheets.xlsx")}
    for name, resp in books.items():
        assert resp.status_code == 200, name
        wb = load_workbook(io.BytesIO(resp.data))
        values = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (name, cell.coordinate, cell.value)
                    values.append(cell.value)
        assert not [v for v in values if _formula_like(v)], name
        assert "'" + FORMULAS[0] in values, name
