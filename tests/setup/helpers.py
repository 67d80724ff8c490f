"""Small helpers shared by the setup tests."""
import io

from scoring.extensions import db
from scoring.models import AuditEntry, Competition, Department, Member, Team


def xlsx_bytes(rows) -> bytes:
    """A real .xlsx file holding rows (the first one the header)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    """CSV text of rows in the given encoding (what Excel writes: CRLF line ends)."""
    text = "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"
    return text.encode(encoding)


HEADER = ("队伍编号", "队伍名称", "成员姓名", "所在部门")
DEPTS = ["组织部", "宣传部", "人事处", "教务处", "科技处", "财务处", "后勤处", "图书馆"]


def team_rows(n_teams=5, keyed=True):
    """n_teams teams of three members, each from different departments."""
    rows = [HEADER]
    for t in range(n_teams):
        for m in range(3):
            rows.append((f"T{t + 1:02d}" if keyed else "", f"队伍{t + 1}", f"成员{t}-{m}",
                         DEPTS[(t + m) % len(DEPTS)]))
    return rows


def counts(app):
    """Row counts that an import must leave unchanged when it is refused."""
    with app.app_context():
        return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
                for model in (Team, Member, Department)}


def make_competition(app, key="c1", default_stages=True, departments=DEPTS):
    """A competition (default stages) with departments; returns its key."""
    from scoring.operations.setup_competitions import create_competition

    with app.app_context():
        comp = create_competition(key, "测试竞赛", default_stages=default_stages)
        for name in departments:
            db.session.add(Department(competition=comp, name=name))
        db.session.commit()
    return key


def audit_actions(app, prefix=""):
    """The audit actions recorded so far (oldest first), optionally only those with prefix."""
    with app.app_context():
        return [a for a in db.session.scalars(
            db.select(AuditEntry.action).order_by(AuditEntry.id)) if a.startswith(prefix)]


def competition(app, key):
    """Detached snapshot of a competition: its draw and its teams' positions."""
    with app.app_context():
        comp = db.session.scalar(db.select(Competition).filter_by(key=key))
        return {"draw_method": comp.draw_method, "draw_seed": comp.draw_seed,
                "positions": {t.key: t.draw_position for t in comp.teams},
                "stages": {s.key: s.state for s in comp.stages}}
