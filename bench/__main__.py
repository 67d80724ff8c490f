"""Run the benchmarks of issues 7 and 17: `python -m bench [--only NAME ...] [--database ...]`.

NAMES: startup, results, submit (also gives the server's peak memory and the submit
floor), burst (SQLite), scaleout (gunicorn on PostgreSQL), pdf, page, live (issue 14:
sheet to board and projector). Each prints
its figures and the ratio it is judged by; docs/performance.md records them. None of
this is part of the test suite: timings depend on the machine and its load.
"""
import argparse
import sys

from . import common

NAMES = ("startup", "results", "submit", "burst", "scaleout", "pdf", "page", "live")


def main(argv=None):
    """Run the chosen benchmarks on the chosen databases and print every figure."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=NAMES,
                        help="run only this benchmark (repeatable)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"],
                        default="both", help="database for results, submit and pdf")
    parser.add_argument("--rounds", type=int, default=3, help="submit: measured rounds")
    parser.add_argument("--repeat", type=int, default=5, help="results, pdf: repetitions")
    parser.add_argument("--scaleout-seconds", type=float, default=120,
                        help="scaleout: how long the 200 tablets run")
    args = parser.parse_args(argv)
    names = args.only or NAMES
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    if "postgresql" in kinds and not common.have_postgresql():
        print("PostgreSQL at 127.0.0.1:5432 does not answer: SQLite only.")
        kinds = ["sqlite"]
    print(f"machine: {common.machine()}")
    print(f"command: python -m bench {' '.join(argv if argv is not None else sys.argv[1:])}")
    for name in names:
        if name == "startup":
            from . import startup

            startup.report(startup.run())
        elif name == "results":
            from . import results_bench

            for kind in kinds:
                results_bench.report(results_bench.run(kind, repeat=args.repeat))
        elif name == "submit":
            from . import submit

            for kind in kinds:
                submit.report(submit.run(kind, rounds=args.rounds))
        elif name == "burst":
            from . import burst

            burst.report(burst.run())
        elif name == "scaleout":
            from . import scaleout

            if common.have_postgresql():
                scaleout.report(scaleout.run(seconds=args.scaleout_seconds))
            else:
                print("scale-out: PostgreSQL at 127.0.0.1:5432 does not answer; skipped")
        elif name == "pdf":
            from . import pdf

            for kind in kinds:
                pdf.report(pdf.run(kind, repeat=args.repeat))
        elif name == "page":
            from . import page

            page.report(page.run())
        elif name == "live":
            from . import live

            for kind in kinds:
                live.report(live.run(kind))
        print(f"  [{common.machine()}]", flush=True)


if __name__ == "__main__":
    main()
