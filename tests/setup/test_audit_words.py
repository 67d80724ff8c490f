"""Every action the product writes into the audit log reads as a sentence, never as a code.

Found walking the contest day: the award ceremony and the presentation timer showed as
"演示管理员: ceremony.next" among translated sentences.
"""
import html
import re
from pathlib import Path

from scoring.admin.hall import CEREMONY_ACTIONS, TIMER_ACTIONS
from scoring.admin.setup.audit_text import ACTIONS

ROOT = Path(__file__).resolve().parent.parent.parent / "scoring"
LITERAL = re.compile(r'\brecord(?:_now)?\(\s*"([a-z_]+\.[a-z_]+)"')
FORMATTED = re.compile(r'\brecord(?:_now)?\(\s*f"([a-z_]+)\.\{action\}"')
# Codes passed to record() through a variable: written as literals beside it.
CODED_ELSEWHERE = re.compile(r'"((?:stage|draw|paper|division|room|team|judge)\.[a-z_]+)"')
EXPANSIONS = {"timer": TIMER_ACTIONS, "ceremony": CEREMONY_ACTIONS}


def emitted_codes() -> set[str]:
    """The action codes the code base passes to record()."""
    codes = set()
    for path in ROOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        codes.update(LITERAL.findall(source))
        for prefix in FORMATTED.findall(source):
            codes.update(f"{prefix}.{a}" for a in EXPANSIONS[prefix])
        if re.search(r"\brecord\(\s*action\b", source):
            codes.update(CODED_ELSEWHERE.findall(source))
    return codes


def test_every_recorded_action_has_words():
    codes = emitted_codes()
    assert {"ceremony.next", "timer.next", "room.draw", "stage.open"} <= codes
    assert sorted(c for c in codes if c not in ACTIONS) == []


def test_the_ceremony_and_the_clock_read_as_sentences(app, client, login, demo):
    from scoring.extensions import db
    from scoring.models import Competition, Stage
    from scoring.operations.hall import set_lengths, timer_action

    with app.app_context():
        stage = db.session.scalar(db.select(Stage).join(Competition).where(
            Competition.key == demo, Stage.key == "presentation"))
        set_lengths(stage, 480, 120, 60)
        timer_action(stage, "next")
        db.session.commit()
    login("admin")
    client.get("/lang/en")
    page = html.unescape(re.sub(r"<[^>]+>", " ", client.get("/admin/audit").text))
    page = re.sub(r"\s+", " ", page)
    for code in ("timer.next", "timer.lengths"):
        assert f": {code}" not in page, page[page.find(code) - 200:page.find(code) + 50]
    assert "called the next team and started its clock" in page
    assert "set the presentation timer's lengths" in page
    assert "clock: stopped → presentation" in page
