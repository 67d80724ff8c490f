"""Every download names its file in a header any server can send, whatever the keys hold.

A contest file may give a competition a Chinese key ("赛"), a quote or a semicolon
(docs/contest-file.md: no spaces and none of / ? # % \\). results.csv, .xlsx and .json
wrote the key straight into Content-Disposition: waitress sends headers as Latin-1, so
/admin/c/赛/results.csv answered 500 (UnicodeEncodeError), and `a"b` ended the quoted
name early. Every download now goes through web/downloads.py. And a key of dots alone
("..", ".") was imported, though /admin/c/../ is /admin/ to a browser: such a
competition could never be opened; the contest file now refuses it by its place.
"""
import io
import json
import re

import pytest
from werkzeug.http import parse_options_header

from scoring.web.downloads import content_disposition
from tests.conftest import make_user
from tests.results.contest_doc import document

KEYS = ["赛", 'a"b', "a;b=c", "x'y", "ｆｕｌｌ"]


def _name(header: str) -> str:
    """The file name a browser saves: filename* when given, else filename."""
    header.encode("latin-1")  # what waitress does; raised for a Chinese key
    _value, params = parse_options_header(header)  # filename* wins, decoded
    return params["filename"]


@pytest.mark.parametrize("name", ["赛-results.csv", 'a"b.json', "a;b=c-ranking.pdf",
                                  "a\r\nSet-Cookie: x=1.pdf", "..", "队伍 A.pdf"])
def test_content_disposition_is_latin1_and_names_the_file(name):
    header = content_disposition(name)
    assert "\r" not in header and "\n" not in header
    plain = re.fullmatch(r'attachment; filename="([^"\\]*)"(; filename\*=UTF-8\'\'\S+)?',
                         header)
    assert plain and plain.group(1).isascii(), header
    assert _name(header) == name


@pytest.fixture
def keyed(sqlite_app):
    from scoring.contestfile import import_document

    app = sqlite_app
    with app.app_context():
        for key in KEYS:
            doc = document()
            doc["competition"]["key"] = key
            assert doc["teams"][0]["key"] == "A"
            doc["teams"][0]["key"] = f'{key}"T'
            text = json.dumps(doc).replace('"team": "A"', '"team": ' + json.dumps(f'{key}"T'))
            import_document(json.loads(text))
        from scoring.extensions import db
        db.session.commit()
    make_user(app, "dl", "dl-password", "admin")
    admin = app.test_client()
    assert admin.post("/admin/login", data={"username": "dl", "password": "dl-password"}
                      ).status_code == 302
    return admin


@pytest.mark.parametrize("key", KEYS)
def test_every_download_of_a_competition_names_its_file(keyed, key):
    from urllib.parse import quote

    k = quote(key, safe="")
    downloads = {f"/admin/c/{k}/results.{fmt}": f"{key}-results.{fmt}"
                 for fmt in ("csv", "xlsx", "json")}
    downloads.update({
        f"/admin/c/{k}/contest.json": f"{key}.json",
        f"/admin/c/{k}/reports/ranking.pdf": f"{key}-ranking.pdf",
        f"/admin/c/{k}/reports/sheets.xlsx": None,
        f"/admin/c/{k}/reports/team-detail.pdf?team={quote(key + chr(34) + 'T')}": None,
        f"/admin/c/{k}/teams/template.xlsx": "teams-template.xlsx",
        f"/admin/c/{k}/materials/team-cards.pdf": None,
    })
    for url, expected in downloads.items():
        r = keyed.get(url)
        assert r.status_code == 200, (url, r.status_code)
        name = _name(r.headers["Content-Disposition"])
        assert name == expected if expected else name.startswith(key), (url, name)


def test_contest_file_refuses_keys_of_dots_alone(sqlite_app):
    from scoring.contestfile import ContestFileError, parse_document

    doc = document()
    doc["competition"]["key"] = ".."
    doc["teams"][0]["key"] = "."
    with pytest.raises(ContestFileError) as e:
        parse_document(doc)
    places = [p for p, _m, _params in e.value.problems]
    assert "competition.key" in places and "teams[0].key" in places
    doc = document()
    doc["competition"]["key"] = "v1.2"  # dots among other characters are fine
    parse_document(doc)


def test_upload_of_a_contest_file_with_a_dot_key_says_where(sqlite_app):
    app = sqlite_app
    make_user(app, "dl", "dl-password", "admin")
    admin = app.test_client()
    admin.post("/admin/login", data={"username": "dl", "password": "dl-password"})
    doc = document()
    doc["competition"]["key"] = ".."
    r = admin.post("/admin/competitions/import", follow_redirects=True,
                   data={"file": (io.BytesIO(json.dumps(doc).encode()), "c.json")},
                   content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert "competition.key" in page and "只由点组成的编号" in page, page[-1500:]
    with app.app_context():
        from scoring.extensions import db
        from scoring.models import Competition

        assert db.session.scalar(db.select(Competition.id).filter_by(key="..")) is None
