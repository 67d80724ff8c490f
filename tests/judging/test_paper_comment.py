"""The judge's comment (评语) on a paper sheet: each typist types it, the two entries must
agree on it as on the scores, and the sheet then holds it exactly as the tablet would have
stored it (found on the contest day: paper entry took no comment, even where the stage
requires one, so a paper sheet's comment never reached the printed sheets or the feedback).

The rule for two typists (operations/paper.py): each comment is first put in the form the
tablet stores (line ends as "\\n", nothing blank at either end); the two must then be the
same text, character for character. A line break or a space inside the text is not
forgiven; the page only says when that is all that differs.
"""
import html
import re

import pytest

from scoring.extensions import db
from scoring.models import PaperEntry, ScoreSheet, Stage

from .hall_util import KEY
from .test_live import _staff_client
from .util import GOOD, body, judge_client, post_submit, recused_pairs, snapshot

URL = f"/admin/c/{KEY}/paper/presentation"
COMMENT = "思路清晰，数据翔实。\n建议压缩开场部分。"


def _paper(c, judge, team, values, comment=None):
    data = {"c_" + k: v for k, v in values.items()}
    if comment is not None:
        data["comment"] = comment
    return c.post(f"{URL}/{judge}/{team}", data=data)


def _words(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _require(app, value=True):
    with app.app_context():
        db.session.scalars(db.select(Stage).filter_by(key="presentation")).one() \
            .comment_required = value
        db.session.commit()


def _sheet_comment(app, judge, team):
    from scoring.models import Judge, Team

    with app.app_context():
        return db.session.execute(
            db.select(ScoreSheet.status, ScoreSheet.source, ScoreSheet.comment)
            .join(Judge, Judge.id == ScoreSheet.judge_id).join(Team, Team.id == ScoreSheet.team_id)
            .join(Stage, Stage.id == ScoreSheet.stage_id)
            .where(Judge.key == judge, Team.key == team, Stage.key == "presentation")).first()


def _entry_comments(app) -> list:
    with app.app_context():
        return list(db.session.scalars(db.select(PaperEntry.comment).order_by(PaperEntry.id)))


def _free(app, judge):
    recused = recused_pairs(app)
    return next(f"T{i:02d}" for i in range(1, 16) if (judge, f"T{i:02d}") not in recused)


def test_agreeing_comments_reach_the_sheet_as_the_tablet_stores_them(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    page = s1.get(f"{URL}/X2/T04").get_data(as_text=True)
    assert '<textarea' in page and 'name="comment"' in page and 'maxlength="2000"' in page
    # A form posts its text area with "\r\n"; typists leave spaces around the text.
    typed = "  " + COMMENT.replace("\n", "\r\n") + "\r\n"
    assert _paper(s1, "X2", "T04", GOOD, typed).status_code == 302
    assert _entry_comments(app) == [COMMENT]  # each typist's comment kept, tablet form
    assert _paper(s2, "X2", "T04", GOOD, COMMENT + "   ").status_code == 302
    assert _sheet_comment(app, "X2", "T04") == ("submitted", "paper", COMMENT)
    # Exactly what the tablet stores for the same typing (its script sends "\n").
    team = _free(app, "X1")
    tablet = post_submit(judge_client(app, "X1"), team, body(GOOD, comment="  " + COMMENT + "\n"))
    assert tablet.json["sheet"]["comment"] == COMMENT
    assert _sheet_comment(app, "X1", team)[2] == _sheet_comment(app, "X2", "T04")[2]


def test_no_comment_on_either_entry_is_agreement_where_none_is_required(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    assert _paper(s1, "X2", "T04", GOOD).status_code == 302
    assert _paper(s2, "X2", "T04", GOOD, " \r\n ").status_code == 302  # blank is none
    assert _entry_comments(app) == [None, None]
    assert _sheet_comment(app, "X2", "T04") == ("submitted", "paper", None)


def test_differing_comments_show_both_and_save_nothing_until_corrected(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    _paper(s1, "X2", "T06", GOOD, COMMENT)
    r = _paper(s2, "X2", "T06", GOOD, "思路清晰，数据翔实。<b>建议</b>压缩开场部分。")
    assert r.status_code == 302  # the scores agree; the comments do not
    assert ("X2", "T06", "presentation") not in snapshot(app)
    for c in (s1, s2):
        raw = c.get(f"{URL}/X2/T06").get_data(as_text=True)
        assert "&lt;b&gt;建议&lt;/b&gt;" in raw and "<b>建议" not in raw  # shown as text
        words = _words(c.get(f"{URL}/X2/T06"))
        assert "录入结果不一致" in words and "评委评语" in words and "建议压缩开场部分" in words
        assert 'name="comment"' in raw  # the form is offered again to correct one's entry
    outsider = _staff_client(app, "s9")
    assert "建议压缩开场部分" not in outsider.get(f"{URL}/X2/T06").get_data(as_text=True)
    # Corrected after looking at the paper: now both agree, the sheet is saved.
    assert _paper(s2, "X2", "T06", GOOD, COMMENT).status_code == 302
    assert _sheet_comment(app, "X2", "T06") == ("submitted", "paper", COMMENT)


def test_a_line_break_inside_the_comment_is_a_difference_and_the_page_says_so(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    _paper(s1, "X2", "T06", GOOD, COMMENT)
    _paper(s2, "X2", "T06", GOOD, COMMENT.replace("\n", ""))
    assert ("X2", "T06", "presentation") not in snapshot(app)
    words = _words(s2.get(f"{URL}/X2/T06"))
    assert "仅在空格或换行上不同" in words
    # A score and the comment both differ: both are listed.
    _paper(s2, "X2", "T06", dict(GOOD, delivery="21"), "另一段评语")
    words = _words(s1.get(f"{URL}/X2/T06"))
    assert "语言表达" in words and "另一段评语" in words and "仅在空格" not in words
    assert ("X2", "T06", "presentation") not in snapshot(app)


def test_a_comment_required_by_the_stage_is_required_on_paper(app, demo):
    _require(app)
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    page = s1.get(f"{URL}/X2/T04").get_data(as_text=True)
    assert "评委评语（本环节必填）" in page and 'aria-required="true"' in page
    for missing in (None, "", " \r\n\t "):
        r = _paper(s1, "X2", "T04", GOOD, missing)
        assert r.status_code == 200
        words = _words(r)
        assert "本环节要求填写评委评语" in words and "未保存任何内容" in words
    assert _entry_comments(app) == [] and ("X2", "T04", "presentation") not in snapshot(app)
    # In English too, and with bad scores as well: every field named in one answer.
    s1.get("/lang/en")
    words = _words(_paper(s1, "X2", "T04", dict(GOOD, substance="41"), ""))
    assert "This stage requires the judge's comment" in words and "41" in words
    assert _entry_comments(app) == []
    _paper(s1, "X2", "T04", GOOD, "好")
    _paper(s2, "X2", "T04", GOOD, "好")
    assert _sheet_comment(app, "X2", "T04") == ("submitted", "paper", "好")


@pytest.mark.parametrize("comment, words", [
    ("评" * 2001, "2001"),          # over the tablet's limit
    ("好\x07", "U+0007"),          # a control character
    ("好\u202e评", "U+202E"),      # a direction override
])
def test_hostile_comments_are_refused_saying_where_and_change_nothing(app, demo, comment,
                                                                      words):
    s1 = _staff_client(app, "s1")
    s1.get("/lang/en")
    r = _paper(s1, "X2", "T04", GOOD, comment)
    assert r.status_code == 200
    text = _words(r)
    assert words in text and ("comment" in text.lower())
    # The message sits on the comment field, not only in a banner.
    assert re.search(r'name="comment".*?class="error"[^>]*>[^<]*' + re.escape(words),
                     r.get_data(as_text=True), re.S)
    assert _entry_comments(app) == [] and ("X2", "T04", "presentation") not in snapshot(app)


def test_a_nul_in_the_comment_is_refused_before_the_form_naming_the_field(app, demo):
    # NUL is refused for every form field before any view runs (web/errors.py): the
    # page is a 400 that names the character and the field, never a 500.
    s1 = _staff_client(app, "s1")
    s1.get("/lang/en")
    r = _paper(s1, "X2", "T04", GOOD, "好\x00")
    assert r.status_code == 400
    assert "U+0000" in _words(r) and "comment" in _words(r)
    assert _entry_comments(app) == [] and ("X2", "T04", "presentation") not in snapshot(app)


def test_the_limit_counts_a_line_break_once_as_the_tablet_does(app, demo):
    s1, s2 = _staff_client(app, "s1"), _staff_client(app, "s2")
    # 2000 characters as the tablet counts them; 2999 as a form posts them.
    text = "\n".join(["评"] * 1000)
    assert len(text) == 1999
    assert _paper(s1, "X2", "T04", GOOD, text.replace("\n", "\r\n") + "\r\n").status_code == 302
    assert _paper(s2, "X2", "T04", GOOD, text).status_code == 302
    assert _sheet_comment(app, "X2", "T04")[2] == text
