"""Stages, rubric and the stage lifecycle."""
import html as html_lib
import re
from decimal import Decimal

import pytest

from scoring.extensions import db
from scoring.models import Competition, Criterion, ScoreSheet, Stage
from scoring.rules import decimal_text

from .helpers import audit_actions, competition, make_competition


def text(response):
    return html_lib.unescape(response.get_data(as_text=True))


@pytest.fixture
def key(app, client, login):
    login("admin")
    client.get("/lang/en")
    return make_competition(app)


def stage_id(app, skey="plan"):
    with app.app_context():
        return db.session.scalar(db.select(Stage.id).filter_by(key=skey))


def rubric(**rows):
    data = {"key": "plan", "name": "方案设计", "weight": "0.3"}
    for i, (ckey, (mx, step)) in enumerate(rows.items()):
        data.update({f"criteria-{i}-key": ckey, f"criteria-{i}-name": ckey.upper(),
                     f"criteria-{i}-max": mx, f"criteria-{i}-step": step})
    return data


def criteria(app, skey="plan"):
    with app.app_context():
        return [(c.key, decimal_text(c.max), decimal_text(c.step)) for c in db.session.scalars(
            db.select(Criterion).join(Stage).where(Stage.key == skey)
            .order_by(Criterion.position))]


def test_create_with_default_stages(app, key):
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        assert [(s.key, s.weight) for s in comp.stages] == [
            ("plan", Decimal("0.3")), ("presentation", Decimal("0.5")),
            ("reflection", Decimal("0.2"))]
        from scoring.rules import Rules, with_default_tie_breaks

        # The default rules; the tie-break chain is left to follow the stages.
        keys = [s.key for s in comp.stages]
        assert "tie_breaks" not in comp.rules
        assert Rules.from_dict(with_default_tie_breaks(comp.rules, keys), keys) == Rules()


def test_save_rubric(app, client, key):
    sid = stage_id(app)
    response = client.post(f"/admin/c/{key}/stages/{sid}/edit",
                           data=rubric(goals=("25", "0.5"), content=("30", "1")))
    assert response.status_code == 302
    assert [c[0] for c in criteria(app)] == ["goals", "content"]
    assert "stage.update" in audit_actions(app)


@pytest.mark.parametrize("mx,step,message", [
    ("0", "1", "0 is not above 0"), ("10", "0", "0 is not above 0"),
    ("10", "3", "the maximum 10 is not a multiple of the step 3"),
    ("abc", "1", '"abc" is not a number'), ("10.0001", "0.0001", "at most 3 decimal places"),
    ("-5", "1", "-5 is not above 0"),
])
def test_bad_criteria_are_refused(app, client, key, mx, step, message):
    sid = stage_id(app)
    response = client.post(f"/admin/c/{key}/stages/{sid}/edit",
                           data=rubric(ok=("10", "1"), bad=(mx, step)))
    assert response.status_code == 200
    assert message in text(response)
    assert criteria(app) == []


def test_weight_sum_warning_and_live_check_data(app, client, key):
    sid = stage_id(app)
    data = rubric(goals=("25", "0.5"))
    data["weight"] = "0.4"
    response = client.post(f"/admin/c/{key}/stages/{sid}/edit", data=data,
                           follow_redirects=True)
    assert "Stage weights now sum to 1.1, not 1" in text(response)
    page = text(client.get(f"/admin/c/{key}/stages/{sid}/edit"))
    assert 'data-other-weights="0.7"' in page and "js/setup.js" in page


def test_rubric_locked_once_sheets_exist(app, client, key):
    sid = stage_id(app)
    client.post(f"/admin/c/{key}/stages/{sid}/edit", data=rubric(goals=("25", "0.5")))
    from scoring.operations.setup_judges import save_judge
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        judge = save_judge(comp, None, key="X1", name="专家", group="external")
        team = save_team(comp, None, key="T1", name="队", members=[
            ("a", "组织部"), ("b", "宣传部"), ("c", "人事处")])
        db.session.add(ScoreSheet(judge=judge, team=team, stage_id=sid))
        db.session.commit()
    response = client.post(f"/admin/c/{key}/stages/{sid}/edit",
                           data=rubric(goals=("20", "0.5")))
    assert "already has score sheets" in text(response)
    assert criteria(app) == [("goals", "25", "0.5")]
    # A name can still be corrected.
    data = rubric(goals=("25", "0.5"))
    data["criteria-0-name"] = "目标明确"
    assert client.post(f"/admin/c/{key}/stages/{sid}/edit", data=data).status_code == 302
    assert client.post(f"/admin/c/{key}/stages/{sid}/delete").status_code == 302
    assert stage_id(app) == sid  # not deleted


def test_add_reorder_delete_stage(app, client, key):
    response = client.post(f"/admin/c/{key}/stages/new", data={
        "key": "extra", "name": "附加", "weight": "0", "criteria-0-key": "x",
        "criteria-0-name": "X", "criteria-0-max": "10", "criteria-0-step": "1"})
    assert response.status_code == 302
    assert list(competition(app, key)["stages"]) == ["plan", "presentation", "reflection",
                                                     "extra"]
    client.post(f"/admin/c/{key}/stages/{stage_id(app, 'extra')}/move/up")
    assert list(competition(app, key)["stages"]) == ["plan", "presentation", "extra",
                                                     "reflection"]
    client.post(f"/admin/c/{key}/stages/{stage_id(app, 'extra')}/delete")
    assert list(competition(app, key)["stages"]) == ["plan", "presentation", "reflection"]
    response = client.post(f"/admin/c/{key}/stages/new", data={
        "key": "plan", "name": "重复", "weight": "0"})
    assert "already exists" in text(response)


def _ready_to_open(app, client, key):
    sid = stage_id(app)
    client.post(f"/admin/c/{key}/stages/{sid}/edit", data=rubric(goals=("25", "0.5")))
    from scoring.operations.setup_teams import save_team

    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        save_team(comp, None, key="T1", name="队", members=[
            ("a", "组织部"), ("b", "宣传部"), ("c", "人事处")])
        from scoring.operations.setup_judges import save_judge

        save_judge(comp, None, key="X1", name="外请甲", group="external")
        save_judge(comp, None, key="N1", name="校内乙", group="internal", department="组织部")
        save_judge(comp, None, key="N2", name="校内丙", group="internal", department="后勤处")
        db.session.commit()
    return sid


YES = {"confirm": "yes"}


def test_lifecycle(app, client, key):
    sid = _ready_to_open(app, client, key)
    url = f"/admin/c/{key}/stages/{sid}/state/"
    # Opening needs a draw.
    response = client.post(url + "open", follow_redirects=True)
    assert "Make the draw first" in text(response)
    assert competition(app, key)["stages"]["plan"] == "draft"
    client.post(f"/admin/c/{key}/draw/random", data={"seed": "5"})
    with app.app_context():
        version = db.session.scalar(db.select(Competition.live_version).filter_by(key=key))
    assert client.post(url + "open").status_code == 302
    assert competition(app, key)["stages"]["plan"] == "open"
    with app.app_context():
        assert db.session.scalar(db.select(Competition.live_version).filter_by(key=key)) \
            == version + 1
    # Not allowed: open -> published.
    response = client.post(url + "published", data=YES, follow_redirects=True)
    assert "cannot go from open to published" in text(response)
    # Closing first says what it does, with the missing sheets, and changes nothing.
    page = text(client.post(url + "closed"))
    assert "Judges can no longer save or submit sheets" in page
    # 校内乙 is recused (组织部): two sheets expected, both missing, named.
    assert "0 of 2 expected sheets are submitted: 2 are missing (0 of them saved as drafts)" \
        in page
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "外请甲: 队" in flat and "校内丙: 队" in flat and "校内乙" not in flat
    # ... and how the teams concerned stop being provisional once it is closed.
    assert "stays provisional while an expected sheet is missing" in flat
    assert f'href="/admin/c/{key}/paper"' in page and f'href="/admin/c/{key}/live"' in page
    assert competition(app, key)["stages"]["plan"] == "open"
    client.post(url + "closed", data=YES)
    results = text(client.get(f"/admin/c/{key}/results"))
    assert "Provisional" in results and "stays provisional while" in results
    # Reopening needs a reason.
    response = client.post(url + "open", data=YES, follow_redirects=True)
    assert "Give a reason" in text(response)
    assert competition(app, key)["stages"]["plan"] == "closed"
    client.post(url + "open", data={"reason": "评委补录", **YES})
    client.post(url + "closed", data=YES)
    assert "become public" in text(client.post(url + "published"))
    assert competition(app, key)["stages"]["plan"] == "closed"
    client.post(url + "published", data=YES)
    assert competition(app, key)["stages"]["plan"] == "published"
    client.post(url + "closed", data={"reason": "发现错误", **YES})
    assert competition(app, key)["stages"]["plan"] == "closed"
    assert audit_actions(app, "stage.")[-6:] == [
        "stage.open", "stage.close", "stage.reopen", "stage.close", "stage.publish",
        "stage.unpublish"]


def test_stage_without_criteria_cannot_open(app, client, key):
    _ready_to_open(app, client, key)
    client.post(f"/admin/c/{key}/draw/random", data={"seed": "5"})
    response = client.post(f"/admin/c/{key}/stages/{stage_id(app, 'presentation')}/state/open",
                           follow_redirects=True)
    assert "has no criteria yet" in text(response)
    assert competition(app, key)["stages"]["presentation"] == "draft"


def _form_fields(page: str) -> dict:
    """The values a browser would send back from the page's largest POST form."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.forms, self.values, self.in_form, self.textarea = [], {}, False, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form" and (a.get("method") or "").lower() == "post":
                self.in_form, self.values = True, {}
                self.forms.append(self.values)
            elif self.in_form and tag == "input" and a.get("name"):
                if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                    return
                if a.get("type") not in ("submit", "button"):
                    self.values[a["name"]] = a.get("value") or ""
            elif self.in_form and tag == "textarea":
                self.textarea = a.get("name")
                self.values[self.textarea] = ""

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None
            elif tag == "form":
                self.in_form = False

    parser = Fields()
    parser.feed(page)
    return max(parser.forms, key=len)


def test_saving_a_stage_unchanged_succeeds(app, client, key):
    """The edit page's spare criterion rows carry a pre-filled step: sent back as they
    are, they are blank rows, not criteria without a key."""
    sid = stage_id(app)
    assert client.post(f"/admin/c/{key}/stages/{sid}/edit",
                       data=rubric(goals=("25", "0.5"))).status_code == 302
    fields = _form_fields(text(client.get(f"/admin/c/{key}/stages/{sid}/edit")))
    assert any(k.endswith("-step") and v for k, v in fields.items()
               if fields.get(k.replace("-step", "-key")) == "")  # a spare row with a step
    response = client.post(f"/admin/c/{key}/stages/{sid}/edit", data=fields)
    assert response.status_code == 302, text(response)
    assert criteria(app) == [("goals", "25", "0.5")]


def test_a_new_stage_is_offered_the_weight_still_missing(app, client, key):
    # The default stages weigh 0.3 + 0.5 + 0.2 = 1: a fourth is offered 0.
    weight_field = text(client.get(f"/admin/c/{key}/stages/new")).split('name="weight"')[1][:40]
    assert 'value="0"' in weight_field
    assert client.post(f"/admin/c/{key}/stages/{stage_id(app, 'reflection')}/delete"
                       ).status_code == 302
    weight_field = text(client.get(f"/admin/c/{key}/stages/new")).split('name="weight"')[1][:40]
    assert 'value="0.2"' in weight_field


def test_a_criterion_left_without_its_key_says_the_field_is_required(app):
    """Not '"" is not a valid key': the organizer simply left the key empty."""
    from scoring.operations.setup_base import SetupError
    from scoring.operations.setup_stages import save_stage

    make_competition(app, "k", default_stages=False)
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key="k"))
        with pytest.raises(SetupError) as e:
            save_stage(comp, None, key="plan", name="方案", weight="1", criteria=[
                {"key": "a", "name": "甲", "max": "10", "step": "1"},
                {"key": "  ", "name": "乙", "max": "10", "step": "1"}])
        assert e.value.message == "Rubric row %(row)s: fill in the criterion's key."
        assert e.value.params == {"row": 2} and e.value.field == "criteria-2-key"
