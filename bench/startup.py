"""Start-up benchmark: `scoring --help` vs `python -c "import flask"` (issue 17).

Target: at most 1.5x. Both are fresh interpreters, run alternately (so load hits both
alike), `repeat` times each; best and median wall time. Also lists the heavy libraries
each start imports (none beyond Flask is expected for --help).
"""
import json
import statistics
import subprocess
import time

from .common import PYTHON, SCORING

HEAVY = ("reportlab", "openpyxl", "qrcode", "PIL", "sqlalchemy", "alembic", "waitress",
         "gunicorn", "psycopg", "pymysql", "psutil")


def _wall(args) -> float:
    start = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - start


def _heavy_loaded() -> list[str]:
    code = ("import sys, io, contextlib\nsys.argv = ['scoring', '--help']\n"
            "from scoring.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n        main()\n    except SystemExit:\n        pass\n"
            "import json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    return sorted(loaded & set(HEAVY))


def run(repeat=15) -> dict:
    """Time both starts alternately; returns the figures."""
    flask_times, help_times = [], []
    _wall([PYTHON, "-c", "import flask"])  # warm the file cache for both
    _wall([SCORING, "--help"])
    for _ in range(repeat):
        flask_times.append(_wall([PYTHON, "-c", "import flask"]))
        help_times.append(_wall([SCORING, "--help"]))
    return {"flask_s": min(flask_times), "flask_median_s": statistics.median(flask_times),
            "help_s": min(help_times), "help_median_s": statistics.median(help_times),
            "ratio": min(help_times) / min(flask_times),
            "ratio_median": statistics.median(help_times) / statistics.median(flask_times),
            "heavy": _heavy_loaded(), "repeat": repeat}


def report(f):
    """Print the figures."""
    print(f"startup: {f['repeat']} alternated runs each")
    print(f"  python -c 'import flask' {f['flask_s'] * 1000:6.0f} ms best, "
          f"{f['flask_median_s'] * 1000:.0f} ms median")
    print(f"  scoring --help           {f['help_s'] * 1000:6.0f} ms best, "
          f"{f['help_median_s'] * 1000:.0f} ms median")
    print(f"  ratio {f['ratio']:.2f}x best, {f['ratio_median']:.2f}x median   (target <= 1.5x); "
          f"heavy libraries imported by --help: {', '.join(f['heavy']) or 'none'}")


if __name__ == "__main__":
    report(run())
