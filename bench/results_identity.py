"""The whole results object of a big contest, by the code before and after a change.

`python -m bench.results_identity --before REF [--after REF] [--database sqlite
postgresql mariadb] [--callgrind]` builds the benchmark's contest (1,000 teams x 30
judges x 3 stages x 5 criteria, bench/bigcontest.py) once per database and ranks it in a
fresh process with the tree of --before (exported by `git archive`: nothing in this
checkout changes) and with the tree of --after (exported the same way; this working tree
as it is on disk when none is given). It compares the two results objects with == and
their repr, and prints one fingerprint per side: the ranking's own
(ContestResult.fingerprint) and a SHA-256 of the repr, which covers every field of every
record down to each Decimal's exponent.

--callgrind counts the instructions of one ranking on SQLite with valgrind's callgrind,
for each tree: a count, unlike a time, does not move with the load of a shared machine.
Each tree runs twice under callgrind, ranking once and then twice in the process; the
difference is one warm ranking (the SQLite read included: it runs in the process), free
of the interpreter's start-up, the imports and the app's set-up.
"""
import argparse
import hashlib
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import PYTHON, ROOT, scratch_database

KEY = "identity"
# Run by each tree's own code (PYTHONPATH): this file does not exist in an older tree.
_WORKER = """
import pickle, sys
from sqlalchemy import select
from scoring import create_app
from scoring.extensions import db
from scoring.models import Competition
from scoring.results.standings import results_for
url, instance, out, rankings, key = sys.argv[1:4] + [int(sys.argv[4]), sys.argv[5]]
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance,
                  "SECRET_KEY": "identity"})
with app.app_context():
    comp = db.session.scalar(select(Competition).where(Competition.key == key))
    for _ in range(rankings):
        result = results_for(comp)
        db.session.rollback()
    with open(out, "wb") as f:
        pickle.dump((result, repr(result)), f)
"""


def export_tree(ref, into, name) -> Path:
    """The files of commit `ref` in a new folder `name` under `into` (git archive)."""
    folder = Path(into) / name
    folder.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def build_contest(url, instance, teams):
    """The benchmark's contest in the database at url, by this tree's migrations."""
    from flask_migrate import upgrade

    from scoring import create_app
    from scoring.extensions import db

    from .bigcontest import build
    from .results_bench import settle

    kind = "postgresql" if url.startswith("postgresql") else "other"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance,
                      "SECRET_KEY": "identity"})
    with app.app_context():
        upgrade()
        build(teams, 30, 3, 5, key=KEY)
        settle(kind)
        db.session.remove()
        db.engine.dispose()


def rank(tree, url, instance, out, rankings=1, callgrind=None):
    """Rank the contest with the code of `tree` in a fresh process; its (result, repr).

    callgrind: a file for valgrind's callgrind output; the process then runs under it.
    """
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    args = [PYTHON, "-c", _WORKER, url, str(instance), str(out), str(rankings), KEY]
    if callgrind:
        args = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind}"] + args
    subprocess.run(args, env=env, cwd=tree, check=True, capture_output=bool(callgrind))
    with open(out, "rb") as f:
        return pickle.load(f)


def instructions(callgrind_file) -> int:
    """The total instruction count (Ir) callgrind wrote into its output file."""
    text = Path(callgrind_file).read_text()
    match = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    return int(match.group(1))


def digest(text) -> str:
    """A short SHA-256 of the repr of a results object."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compare(before, after, kind, url, tmp):
    """Rank with both trees on one database; print and return whether they are identical."""
    (old, old_repr), (new, new_repr) = (
        rank(tree, url, tmp, Path(tmp) / f"{name}-{kind}.pickle")
        for name, tree in (("before", before), ("after", after)))
    same = old == new and old_repr == new_repr
    print(f"{kind}: == {old == new}, repr equal {old_repr == new_repr}; "
          f"fingerprint before {old.fingerprint} / {digest(old_repr)}, "
          f"after {new.fingerprint} / {digest(new_repr)}; "
          f"{sum(1 for t in new.teams if t.rank is not None)} teams ranked", flush=True)
    return same, digest(new_repr)


def count(before, after, url, tmp):
    """Instructions of one warm ranking on this database, per tree (callgrind)."""
    counts = {}
    for name, tree in (("before", before), ("after", after)):
        totals = []
        for rankings in (1, 2):
            out = Path(tmp) / f"callgrind-{name}-{rankings}.out"
            rank(tree, url, tmp, Path(tmp) / "counted.pickle", rankings, callgrind=out)
            totals.append(instructions(out))
        counts[name] = totals[1] - totals[0]
        print(f"callgrind, {name}: {totals[0]:,} instructions ranking once, {totals[1]:,} "
              f"twice: {counts[name]:,} for one ranking", flush=True)
    change = counts["after"] / counts["before"] - 1
    print(f"callgrind: one ranking {counts['before'] / 1e9:.3f}G -> "
          f"{counts['after'] / 1e9:.3f}G instructions ({change:+.1%})", flush=True)
    return counts


def main(argv=None):
    """Compare the results of the tree of --before with this tree's, on each database."""
    parser = argparse.ArgumentParser(prog="python -m bench.results_identity",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="git commit or branch to compare with")
    parser.add_argument("--after", help="git commit or branch to compare (default: this "
                        "working tree, as it is on disk)")
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql", "mariadb"],
                        choices=["sqlite", "postgresql", "mariadb"])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--callgrind", action="store_true",
                        help="also count one ranking's instructions on SQLite")
    args = parser.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="perf_identity_")
    try:
        return _run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # the exported trees and the SQLite file


def _run(args, tmp):
    """main's work in the scratch folder tmp; 0 when every database gave identical results."""
    before = export_tree(args.before, tmp, "before")
    after = export_tree(args.after, tmp, "after") if args.after else ROOT
    print(f"before: {args.before}, exported to {before}; after: {args.after or 'this tree'}, "
          f"{after}", flush=True)
    identical = []
    for kind in args.database:
        with scratch_database(kind, tmp, prefix="perf_") as url:
            build_contest(url, tmp, args.teams)
            identical.append(compare(before, after, kind, url, tmp))
            if args.callgrind and kind == "sqlite":
                count(before, after, url, tmp)
    same = all(s for s, _ in identical)
    print(f"identical before and after on {', '.join(args.database)}: {same}; the same "
          f"repr on every database: {len({d for _, d in identical}) == 1}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
