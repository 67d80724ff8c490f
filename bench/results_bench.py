"""Results benchmark: the full ranking from the database vs a bare SELECT of the same rows.

Target (issue 7): at most 2x the bare SELECT, and under 1 s, for 1 000 teams x 30 judges x
3 stages x 5 criteria (450 000 scores).
"""
import statistics
import tempfile
import time
from pathlib import Path

from scoring import create_app
from scoring.extensions import db
from scoring.models import Score, ScoreSheet, Stage

from .bigcontest import build


def _best(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def run(url=None, teams=1000, judges=30, stages=3, criteria=5) -> dict:
    """Build the contest, then time results_for against the bare SELECT; returns figures."""
    from flask_migrate import upgrade

    from scoring.standings import results_for

    tmp = tempfile.mkdtemp(prefix="bench-results-")
    url = url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": tmp,
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        t0 = time.perf_counter()
        comp = build(teams, judges, stages, criteria)
        built = time.perf_counter() - t0

        def bare():
            return db.session.execute(
                db.select(ScoreSheet.id, ScoreSheet.judge_id, ScoreSheet.team_id,
                          ScoreSheet.stage_id, ScoreSheet.status, Score.criterion_id,
                          Score.value)
                .outerjoin(Score, Score.sheet_id == ScoreSheet.id)
                .join(Stage, Stage.id == ScoreSheet.stage_id)
                .where(Stage.competition_id == comp.id)).all()

        rows = len(bare())
        bare_best, bare_median = _best(bare)
        full_best, full_median = _best(lambda: results_for(comp))
        result = results_for(comp)
        db.session.remove()
        db.engine.dispose()
    return {"scores": rows, "build_s": built, "bare_s": bare_best, "results_s": full_best,
            "bare_median_s": bare_median, "results_median_s": full_median,
            "ratio": full_best / bare_best, "teams_ranked": sum(
                1 for t in result.teams if t.rank is not None)}


def main(argv=None):
    """Print the figures and the ratio."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--teams", type=int, default=1000)
    args = parser.parse_args(argv)
    f = run(args.url, teams=args.teams)
    print(f"results: {f['scores']} score rows, {f['teams_ranked']} teams ranked")
    print(f"  bare SELECT     {f['bare_s'] * 1000:8.1f} ms (best of 5)")
    print(f"  full ranking    {f['results_s'] * 1000:8.1f} ms (best of 5)")
    print(f"  ratio           {f['ratio']:8.2f}x   (target <= 2x and < 1000 ms)")
    return f


if __name__ == "__main__":
    main()
