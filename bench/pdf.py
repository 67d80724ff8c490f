"""PDF benchmark: the ranking report of 1 000 teams vs reportlab's plain table of its strings.

The report is scoring.reports.build("ranking", competition): results from the database,
then the layout (tables, headers, footers, 第 x 页 / 共 y 页). The baseline is a
SimpleDocTemplate holding one Table of the same strings (rank, draw, team, members, stage
scores, final, award, remarks) in the same embedded font, with a repeated header row. The
contest has the article's panel (9 judges) and 3 stages of 5 criteria.

Each repetition times, one after the other (so the machine's load hits all alike):
  plain      the plain table;
  cold       the report end to end after the competition's live version was bumped and
             committed, so the results are computed from the database again (checked: the
             rules engine's compute_results is counted; a results cache cannot hide it);
  warm       the report end to end again, data unchanged (what a second print costs);
  layout     the report with the data and results already loaded (reports.data.load
             replaced by the loaded ReportData): everything after `load`;
  load       reports.data.load alone, after a bump (records and results, no layout).

Target (issue 7): at most 1.5x the plain table, end to end.
"""
import io
import re
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .common import scratch_database


def _plain_table(rows, font) -> bytes:
    """reportlab's simplest PDF of these rows: one Table, same font, A4."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4)
    table = Table(rows, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 8),
                               ("GRID", (0, 0), (-1, -1), 0.25, "#888888")]))
    doc.build([table])
    return out.getvalue()


def _rows(competition):
    """The strings the ranking report prints, one list per team, header first."""
    from flask_babel import force_locale

    from scoring.reports.data import load, num
    from scoring.reports.ranking import Remarks

    with force_locale("zh_CN"):
        data = load(competition)
        remarks = Remarks(data)
        decimals = data.contest.rules.decimals
        rows = [["名次", "抽签号", "队伍"] + [s.name for s in data.stages]
                + ["总分", "奖项", "备注"]]
        for t in data.result.teams:
            team = data.teams[t.team]
            members = "、".join(name for name, _dept in data.members.get(t.team, []))
            rank = "—" if t.rank is None else (f"{t.rank}=" if t.tied else str(t.rank))
            rows.append([rank, str(t.draw), f"{team.name} {team.key}\n{members}"]
                        + [num(t.stages[s.key].score, decimals) for s in data.stages]
                        + [num(t.final, decimals), t.award or "", remarks(t)])
    return rows


@contextmanager
def _loaded(data):
    """The ranking builder with reports.data.load replaced by already loaded data."""
    from scoring.reports import ranking

    real = ranking.load
    ranking.load = lambda competition, **_kw: data
    try:
        yield
    finally:
        ranking.load = real


@contextmanager
def _counting_results():
    """Count the rules engine's compute_results calls (the results really computed)."""
    import scoring.rules as rules

    real, calls = rules.compute_results, []

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    rules.compute_results = counted
    try:
        yield calls
    finally:
        rules.compute_results = real


def _bump(comp):
    """A new live version, committed: what a submitted sheet does to the competition."""
    from scoring.extensions import db
    from scoring.operations.audit import bump_live

    bump_live(comp)
    db.session.commit()


def _clock(fn):
    """Wall seconds of one call."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(kind="sqlite", teams=1000, judges=9, repeat=5) -> dict:
    """Build the contest; time the report (cold, warm, layout only), its data and the
    plain table, interleaved; return the figures (best and median of each)."""
    from flask_migrate import upgrade

    from scoring import create_app
    from scoring.extensions import db
    from scoring.reports import build
    from scoring.reports.data import load
    from scoring.reports.text import configured_fonts

    from .bigcontest import build as build_contest

    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    times = {"plain": [], "cold": [], "warm": [], "layout": [], "load": []}
    with scratch_database(kind, tmp) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp),
                          "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            comp = build_contest(teams, judges, 3, 5, key="pdf")
            font = configured_fonts().regular
            rows = _rows(comp)
            report = build("ranking", comp)  # warms fonts and imports
            plain = _plain_table(rows, font)
            data = load(comp)
            with _counting_results() as computed:
                for _ in range(repeat):
                    times["plain"].append(_clock(lambda: _plain_table(rows, font)))
                    _bump(comp)
                    before = len(computed)
                    times["cold"].append(_clock(lambda: build("ranking", comp)))
                    cold_computed = len(computed) > before
                    times["warm"].append(_clock(lambda: build("ranking", comp)))
                    with _loaded(data):
                        times["layout"].append(_clock(lambda: build("ranking", comp)))
                    _bump(comp)
                    times["load"].append(_clock(lambda: load(comp)))
                    if not cold_computed:
                        break
            pages = len(re.findall(rb"/Type /Page\b(?!s)", report))
            db.session.remove()
            db.engine.dispose()
    (tmp / "ranking.pdf").write_bytes(report)
    (tmp / "plain.pdf").write_bytes(plain)
    f = {"database": kind, "teams": teams, "repeat": repeat, "files": str(tmp),
         "report_bytes": len(report), "plain_bytes": len(plain), "pages": pages,
         "cold_checked": cold_computed}
    for name, values in times.items():
        f[f"{name}_s"], f[f"{name}_median_s"] = min(values), statistics.median(values)
    for name in ("cold", "warm", "layout"):
        f[f"ratio_{name}"] = f[f"{name}_s"] / f["plain_s"]
        f[f"ratio_{name}_median"] = f[f"{name}_median_s"] / f["plain_median_s"]
    # The figures earlier versions printed under these names: the honest (cold) ones.
    f["report_s"], f["report_median_s"] = f["cold_s"], f["cold_median_s"]
    f["ratio"], f["ratio_median"] = f["ratio_cold"], f["ratio_cold_median"]
    return f


def report(f):
    """Print the figures of one run."""
    def ms(name):
        best, median = f[name + "_s"] * 1000, f[name + "_median_s"] * 1000
        return f"{best:8.0f} ms best, {median:6.0f} ms median"

    print(f"pdf ({f['database']}): ranking report of {f['teams']} teams "
          f"({f['pages']} pages), {f['repeat']} repetitions interleaved")
    print(f"  plain reportlab table        {ms('plain')}  ({f['plain_bytes'] // 1024} KB)")
    print(f"  report, end to end (cold)    {ms('cold')}  ({f['report_bytes'] // 1024} KB)"
          f"   ratio {f['ratio_cold']:.2f}x / {f['ratio_cold_median']:.2f}x  (target <= 1.5x)")
    print(f"  report, end to end (warm)    {ms('warm')}"
          f"   ratio {f['ratio_warm']:.2f}x / {f['ratio_warm_median']:.2f}x")
    print(f"  report, layout only          {ms('layout')}"
          f"   ratio {f['ratio_layout']:.2f}x / {f['ratio_layout_median']:.2f}x")
    print(f"  reports.data.load alone      {ms('load')}  (records and results, cold)")
    if f["cold_checked"]:
        print("  cold: the results were computed from the database in every cold run")
    else:
        print("  WARNING: a cold run did not compute the results (a cache not invalidated by "
              "a new live version?): the cold figure is not end to end; stopped after it")
    print(f"  PDFs kept in {f['files']}")


def main(argv=None):
    """Run and print."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    f = run(args.database, args.teams, repeat=args.repeat)
    report(f)
    return f


if __name__ == "__main__":
    main()
