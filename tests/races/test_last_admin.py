"""Two admins demoting (or deactivating) each other at the same moment must leave one
admin: the count is taken on the admins' rows locked for the transaction.

Two threads, each with its own connection: the first demotes B and, before committing,
lets the second demote A. Without the lock both counted two admins and both committed.
SQLite serializes whole transactions and is left out.
"""
import threading

import pytest
import sqlalchemy as sa

from scoring.extensions import db
from scoring.models import User
from scoring.operations.setup_base import SetupError
from tests.judging.guard_util import skip_on_sqlite


def _make(app):
    with app.app_context():
        skip_on_sqlite(app)
        for name in ("alice", "bob"):
            user = User(username=name, name=name, role="admin")
            user.set_password("password-" + name)
            db.session.add(user)
        db.session.commit()


def _run(app, acting, target, how, counted, results, hold):
    from scoring.operations import setup_users

    with app.app_context():
        try:
            me = db.session.scalars(sa.select(User).filter_by(username=acting)).one()
            other = db.session.scalars(sa.select(User).filter_by(username=target)).one()
            if how == "demote":
                setup_users.change_role(other, "staff", me)
            else:
                setup_users.set_active(other, False, me)
            counted.set()
            if hold:
                hold.wait(1.0)  # the other admin's request runs meanwhile
            db.session.commit()
            results[acting] = "done"
        except SetupError as e:
            db.session.rollback()
            results[acting] = str(e)
        finally:
            counted.set()
            db.session.remove()


@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_two_admins_demoting_each_other_leave_one_admin(app, how):
    _make(app)
    counted, never = threading.Event(), threading.Event()
    results = {}
    first = threading.Thread(target=_run, args=(app, "alice", "bob", how, counted, results,
                                                 never))
    first.start()
    assert counted.wait(10)
    second = threading.Thread(target=_run, args=(app, "bob", "alice", how, threading.Event(),
                                                  results, None))
    second.start()
    first.join(20)
    second.join(20)
    with app.app_context():
        admins = db.session.scalar(sa.select(sa.func.count(User.id)).filter_by(
            role="admin", active=True))
    assert admins == 1, results
    assert results["alice"] == "done" and "last admin" in results["bob"]
