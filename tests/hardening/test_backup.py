"""Backups: `scoring backup` while judges keep submitting gives a sound copy that restores.

1. The SQLite copy, taken while the server runs and judges submit, passes
   PRAGMA integrity_check, opens in a new instance (`scoring results` works there) and
   holds every sheet acknowledged before the backup began.
2. The contest file written by the same backup imports into an empty database with
   `scoring contest import`; a backup taken when scoring is quiet restores to exactly
   the same ranking (`scoring results KEY --format json`).
"""
import json
import random
import shutil
import subprocess
import time

from bench.load import SCORING

from .util import (
    DEMO,
    TEAMS,
    Judges,
    Server,
    as_decimals,
    demo_instance,
    integrity,
    judge_links,
    run_scoring,
    scoring_env,
    sheets_in,
)


def _results(env) -> dict:
    return json.loads(run_scoring(["results", DEMO, "--format", "json"], env).stdout)


def _restore_contest_file(tmp_path, name, contest_file):
    instance = tmp_path / name
    instance.mkdir()
    env = scoring_env(instance)
    run_scoring(["db", "upgrade"], env)
    run_scoring(["contest", "import", str(contest_file)], env)
    return instance, env


def test_backup_during_scoring_restores(tmp_path):
    instance, env = demo_instance(tmp_path)
    links = judge_links(instance)
    order = {j: random.Random(j + "b").sample(TEAMS, len(TEAMS)) for j in links}
    server = Server(env, threads=8).start()
    judges = Judges(server.port, links, sorted(links))
    try:
        # Some sheets first, all answered: these must be in the backup.
        for t in judges.run(lambda j: order[j][:4]):
            t.join(timeout=60)
        before_backup = dict(judges.acked)
        assert len(before_backup) >= 20
        # Judges keep submitting while the backup runs.
        threads = judges.run(lambda j: order[j][4:])
        time.sleep(0.2)
        backup = subprocess.run([SCORING, "backup", "-o", str(tmp_path / "backups")],
                                env=env, capture_output=True, text=True, timeout=120)
        during = len(judges.acked)
        for t in threads:
            t.join(timeout=120)
        assert backup.returncode == 0, backup.stderr
        assert not judges.errors, judges.errors[:3]
        # A second backup once scoring is quiet, for the exact round trip.
        quiet = run_scoring(["backup", "-o", str(tmp_path / "quiet")], env)
        original = _results(env)
    finally:
        judges.close()
        server.stop()
    assert len(judges.acked) > during or during > len(before_backup), \
        "the backup did not overlap with submissions"

    written = backup.stdout.split()
    copy = next(p for p in written if p.endswith("scoring.sqlite"))
    contest_file = next(p for p in written if p.endswith(f"{DEMO}.json"))

    # 1. The SQLite copy: sound, opens in a new instance, holds what was acknowledged.
    assert integrity(copy) == "ok"
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(copy, restored / "scoring.sqlite")
    shutil.copy(instance / "secret_key", restored / "secret_key")
    restored_env = scoring_env(restored)
    run_scoring(["db", "upgrade"], restored_env)  # a no-op on a current copy
    assert _results(restored_env)["competition"] == DEMO
    sheets = sheets_in(restored / "scoring.sqlite")
    for pair, values in before_backup.items():
        assert pair in sheets, f"acknowledged before the backup but not in it: {pair}"
        status, _v, scores = sheets[pair]
        assert status == "submitted" and scores == as_decimals(values), (pair, scores)

    # 2. The contest file of the same backup imports (it is consistent) with those sheets.
    file_instance, _env = _restore_contest_file(tmp_path, "from-file", contest_file)
    from_file = sheets_in(file_instance / "scoring.sqlite")
    for pair, values in before_backup.items():
        assert from_file[pair][0] == "submitted"
        assert from_file[pair][2] == as_decimals(values)

    # The quiet backup's contest file restores to exactly the same ranking.
    quiet_file = next(p for p in quiet.stdout.split() if p.endswith(f"{DEMO}.json"))
    _inst, quiet_env = _restore_contest_file(tmp_path, "quiet-restore", quiet_file)
    assert _results(quiet_env) == original
    assert len(original["results"]) == 15
