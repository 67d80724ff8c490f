"""PDF benchmark: the ranking report of 1 000 teams vs reportlab's plain table of its strings.

The report is scoring.reports.build("ranking", competition): results from the database,
then the layout (a Paragraph per cell, headers, footers, 第 x 页 / 共 y 页). The baseline
is a SimpleDocTemplate holding one Table of the same strings (rank, draw, team, members,
stage scores, final, award, remarks) in the same embedded font, with a repeated header
row. The contest has the article's panel (9 judges) and 3 stages of 5 criteria.

Target (issue 7): at most 1.5x the plain table.
"""
import io
import tempfile
from pathlib import Path

from .common import scratch_database, timed


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
    from scoring.reports.ranking import _note

    with force_locale("zh_CN"):
        data = load(competition)
        decimals = data.contest.rules.decimals
        rows = [["名次", "抽签号", "队伍"] + [s.name for s in data.stages]
                + ["总分", "奖项", "备注"]]
        for t in data.result.teams:
            team = data.teams[t.team]
            members = "、".join(name for name, _dept in data.members.get(t.team, []))
            rank = "—" if t.rank is None else (f"{t.rank}=" if t.tied else str(t.rank))
            rows.append([rank, str(t.draw), f"{team.name} {team.key}\n{members}"]
                        + [num(t.stages[s.key].score, decimals) for s in data.stages]
                        + [num(t.final, decimals), t.award or "", _note(t, data)])
    return rows


def run(kind="sqlite", teams=1000, judges=9, repeat=5) -> dict:
    """Build the contest; time the report and the plain table; return the figures."""
    from flask_migrate import upgrade

    from scoring import create_app
    from scoring.extensions import db
    from scoring.reports import build
    from scoring.reports.page import configured_fonts

    from .bigcontest import build as build_contest

    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    with scratch_database(kind, tmp) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp),
                          "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            comp = build_contest(teams, judges, 3, 5, key="pdf")
            font = configured_fonts().regular
            rows = _rows(comp)
            report = build("ranking", comp)
            plain = _plain_table(rows, font)
            report_best, report_median = timed(lambda: build("ranking", comp), repeat)
            plain_best, plain_median = timed(lambda: _plain_table(rows, font), repeat)
            from scoring.reports.data import load

            load_best, load_median = timed(lambda: load(comp), repeat)
            db.session.remove()
            db.engine.dispose()
    (tmp / "ranking.pdf").write_bytes(report)
    (tmp / "plain.pdf").write_bytes(plain)
    return {"database": kind, "teams": teams, "report_s": report_best,
            "report_median_s": report_median, "plain_s": plain_best,
            "plain_median_s": plain_median, "load_s": load_best, "load_median_s": load_median,
            "ratio": report_best / plain_best, "ratio_median": report_median / plain_median,
            "report_bytes": len(report), "plain_bytes": len(plain), "files": str(tmp)}


def report(f):
    """Print the figures of one run."""
    print(f"pdf ({f['database']}): ranking report of {f['teams']} teams")
    print(f"  plain reportlab table {f['plain_s'] * 1000:8.0f} ms best, "
          f"{f['plain_median_s'] * 1000:.0f} ms median  ({f['plain_bytes'] // 1024} KB)")
    print(f"  ranking report        {f['report_s'] * 1000:8.0f} ms best, "
          f"{f['report_median_s'] * 1000:.0f} ms median  ({f['report_bytes'] // 1024} KB)")
    print(f"    of which data + results (reports.data.load) {f['load_s'] * 1000:.0f} ms best")
    print(f"  ratio best {f['ratio']:.2f}x, median {f['ratio_median']:.2f}x   (target <= 1.5x)")
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
