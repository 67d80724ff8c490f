"""The baseline of the submit benchmark: one Flask route, served by waitress like the app.

Run as `python -m bench.bare_app PORT THREADS`.
"""
import sys

from flask import Flask
from waitress import serve

app = Flask(__name__)


@app.route("/")
def index():
    """A short body, nothing else."""
    return "ok"


if __name__ == "__main__":
    port, threads = int(sys.argv[1]), int(sys.argv[2])
    serve(app, host="127.0.0.1", port=port, threads=threads, ident="bare")
