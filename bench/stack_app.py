"""The stack's own floor: the least a submission costs in the app's own stack.

One Flask app built of exactly the pieces the product keeps (Flask's signed cookie
session, Flask-WTF's CSRF check, Flask-SQLAlchemy's session, the product's SQLite engine
setup: WAL and BEGIN IMMEDIATE, waitress with the same threads), with one route that
does only what no submission can skip: it reads the judge from the session, checks the
X-CSRFToken header, parses the JSON body, writes the sheet row and its five scores
through the session's connection, commits durably and answers JSON. No guards, no
idempotency key, no version row, no audit, no live version: those are the product's
guarantees, and bench.floor.guarantees_cpu_ms prices them at the driver.

bench.submit measures it in each round beside the bare request and the app: what the
stack costs before the product adds anything, against the issue's floor (a bare Flask
request plus the driver's commit).

Run as `python -m bench.stack_app PORT THREADS DATABASE_URL`.
"""
import json
import sys
import uuid
from datetime import datetime
from decimal import Decimal

from flask import Flask, jsonify, request, session
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy import insert as sa_insert
from waitress import serve

db = SQLAlchemy()


class StackSheet(db.Model):
    """A sheet row, the columns of the product's score_sheet."""

    __tablename__ = "stack_sheet"
    id = Column(Integer, primary_key=True)
    judge_id = Column(Integer, nullable=False)
    team_id = Column(Integer, nullable=False)
    stage_id = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False)
    version = Column(Integer, nullable=False)
    source = Column(String(16), nullable=False)
    submitted_at = Column(DateTime)
    comment = Column(Text)
    updated_at = Column(DateTime)


class StackScore(db.Model):
    """A score row, the columns of the product's score."""

    __tablename__ = "stack_score"
    id = Column(Integer, primary_key=True)
    sheet_id = Column(Integer, ForeignKey("stack_sheet.id"), nullable=False)
    criterion_id = Column(Integer, nullable=False)
    value = Column(Numeric(9, 3), nullable=False)


# Built once, as the product builds its statements (operations/sheets.py).
_INSERT_SHEET = sa_insert(StackSheet)
_INSERT_SCORES = sa_insert(StackScore)


def create(url: str) -> Flask:
    """The stack app on the database at url (its two tables created if missing)."""
    from scoring.database import engine as product_engine

    app = Flask(__name__)
    app.config.update(SECRET_KEY=uuid.uuid4().hex, SQLALCHEMY_DATABASE_URI=url,
                      SESSION_REFRESH_EACH_REQUEST=False)
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": 30, "check_same_thread": False}}
    product_engine.init_app(app)  # the product's SQLite setup: WAL, BEGIN IMMEDIATE
    db.init_app(app)
    CSRFProtect(app)
    with app.app_context():
        db.create_all()

    @app.get("/login/<int:judge_id>")
    def login(judge_id):
        """The judge in the session; the CSRF token as the body."""
        session["judge"] = judge_id
        return generate_csrf()

    @app.post("/submit/<int:team_id>")
    def submit(team_id):
        """The sheet's rows, written and committed; the sheet's id answered."""
        judge = session.get("judge")
        data = json.loads(request.get_data())
        now = datetime.now()
        connection = db.session.connection()
        sheet_id = connection.execute(_INSERT_SHEET, {
            "judge_id": judge, "team_id": team_id, "stage_id": 1, "status": "submitted",
            "version": 1, "source": "judge", "submitted_at": now, "comment": None,
            "updated_at": now}).inserted_primary_key[0]
        connection.execute(_INSERT_SCORES, [
            {"sheet_id": sheet_id, "criterion_id": i, "value": Decimal(value)}
            for i, value in enumerate(data["scores"].values())])
        db.session.commit()
        return jsonify({"ok": True, "sheet": sheet_id})

    return app


if __name__ == "__main__":
    port, threads, url = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    serve(create(url), host="127.0.0.1", port=port, threads=threads, ident="stack")
