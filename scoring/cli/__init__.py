"""The `scoring` command: serve, demo, create-admin, db, contest, results, report."""
import getpass
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .. import create_app
from ..config import ConfigError

COMMANDS = []


class _WholeNumber(click.ParamType):
    """click's int, ASCII digits only: int() reads "８７６５" as 8765. (Not rules.parse_whole:
    importing the rules engine would slow `scoring --help`, see HELP below.)"""

    name = "integer"

    def convert(self, value, param, ctx):
        """The option's value as an int, or click's usage error naming the option."""
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            self.fail(f"{value!r} is not a whole number (digits 0-9)", param, ctx)
        return int(text)


WHOLE = _WholeNumber()

# `scoring --help` lists these without building the app: building it imports SQLAlchemy,
# Alembic, the models and every blueprint, three times the cost of Flask itself (issue 17).
# The command itself is still found through the app when it runs. tests/test_startup.py
# checks this table against the commands the app registers (name and help): a new command
# needs its line here.
HELP = {
    "backup": "Write a consistent backup (SQLite copy and one contest file per competition).",
    "contest": "Import or export a whole competition as one contest file (JSON).",
    "create-admin": "Create an organizer account, or reset its password if it exists.",
    "db": "Perform database migrations.",
    "demo": "Load the demo contest (idempotent) and print the organizer login.",
    "report": "Write a printed report: ranking, sheets, team-detail, blank-sheets, draw, "
              "judge-links, team-feedback, judge-review.",
    "results": "Print the ranking exactly as the printed ranking shows it (JSON or CSV).",
    "serve": "Run the production server (waitress; cheroot with --https) for the venue's tablets.",
    "venue-ca": "Make the venue's certificate authority and server certificate for HTTPS mode.",
}


def command(*args, **kwargs):
    """Register a command on the `scoring` group (modules add theirs at import)."""

    def deco(fn):
        # Built once: click consumes the options stored on fn when it builds the command.
        cmd = fn if isinstance(fn, click.Command) else click.command(*args, **kwargs)(fn)
        COMMANDS.append(cmd)
        return cmd

    return deco


def _build_app(*_args, **_kwargs):
    """App for the CLI: the same factory as the server."""
    return create_app()


@command("serve")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=None, type=WHOLE, envvar="SCORING_PORT",
              help="Port to listen on  [default: 5000; 5443 with --https]")
@click.option("--threads", default=16, show_default=True, type=WHOLE,
              help="Worker threads (each tablet holds one only while a request runs).")
@click.option("--https", "https", is_flag=True,
              help="Serve HTTPS with the venue CA (`scoring venue-ca`; docs/operations.md).")
@click.option("--http-port", default=5000, show_default=True, type=WHOLE,
              help="With --https: plain-HTTP port that serves only the CA certificate and "
                   "a redirect to HTTPS (0: none).")
@with_appcontext
def serve(host, port, threads, https, http_port):
    """Run the production server (waitress; cheroot with --https) for the venue's tablets."""
    from waitress.server import create_server

    from ..database.check import check_database
    from ..web.venue import VenueError, bound_elsewhere, lan_addresses, public_base_url

    app = current_app._get_current_object()
    check_database(app)
    if https:
        from .https import HTTPS_PORT, serve_https

        return serve_https(app, host, port or HTTPS_PORT, threads,
                           http_port if http_port != port else 0)
    port = port or 5000
    # Judge links and cards are built for this port when no public address is set.
    app.config["SCORING_PORT"] = port
    # waitress accepts only 100 open connections by default and browsers keep theirs open
    # (keep-alive) for 2 minutes: the 101st tablet could not even connect. poll() instead
    # of select() lifts the 1024 file descriptor ceiling for that many connections.
    # Bound before anything is printed: a port in use is one line, not a traceback after
    # "Serving on" (which would look as if the server ran).
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="scoring",
                               clear_untrusted_proxy_headers=True, connection_limit=2000,
                               asyncore_use_poll=True)
    except OSError as exc:
        raise cannot_listen(exc, host, port) from None
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    if host in ("0.0.0.0", "::"):
        click.echo(f"  on this computer:  http://127.0.0.1:{port}/")
        for addr in lan_addresses():
            click.echo(f"  tablets on the LAN: http://{addr}:{port}/")
    try:
        public = public_base_url(app)
        click.echo(f"  judges' links and cards use: {public}/")
        unreachable = bound_elsewhere(host, public)
        if unreachable:
            click.echo(f"  warning: {unreachable}")
    except VenueError as exc:
        click.echo(f"  judges' links: {exc.message}")
    click.echo(f"  organizer login:   http://127.0.0.1:{port}/admin/login")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def cannot_listen(exc: OSError, host: str, port: int) -> click.ClickException:
    """The one line `scoring serve` ends with when it cannot listen on host:port."""
    import errno
    import re

    # cheroot says it in its message only: "... ('0.0.0.0', 5443): [Errno 98] ...".
    code = exc.errno or int((re.search(r"\[Errno (\d+)\]", str(exc)) or [0, 0])[1])
    if code == errno.EADDRINUSE:
        return click.ClickException(
            f"port {port} is already in use on this computer (is `scoring serve` already "
            f"running?): stop that program, or choose another port with --port.")
    if code == errno.EACCES:
        return click.ClickException(
            f"not allowed to listen on port {port} (ports below 1024 need administrator "
            f"rights): choose another port with --port.")
    return click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


@command("create-admin")
@click.option("--username", default="admin", show_default=True)
@click.option("--password", default=None, help="For scripts; prompted (not echoed) if absent.")
@click.option("--name", default="", help="Full name shown in the audit log.")
@click.option("--role", type=click.Choice(["admin", "staff"]), default="admin",
              show_default=True)
@with_appcontext
def create_admin(username, password, name, role):
    """Create an organizer account, or reset its password if it exists."""
    from ..database.check import check_database
    from ..operations.users import upsert_user

    check_database(current_app._get_current_object())
    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat the password: "):
            raise click.ClickException("The passwords differ; nothing was changed.")
    if len(password) < 8:
        raise click.ClickException("A password needs at least 8 characters.")
    from ..extensions import db

    # A reset ends the account's sessions and frees its login throttle on this computer.
    created = upsert_user(username, password, name=name, role=role)
    db.session.commit()
    if created:
        click.echo(f"Created {role} account '{username}'.")
    else:
        click.echo(f"Updated {role} account '{username}': new password, its sessions ended.")


@command("demo")
@click.option("--port", default=5000, show_default=True, type=WHOLE, envvar="SCORING_PORT",
              help="The port `scoring serve` uses, for the login address printed.")
@click.option("--edition", type=click.Choice(["campus", "municipal"]), default="campus",
              show_default=True,
              help="campus: 15 teams, 3 stages; municipal: 120 teams, two divisions, four "
                   "preliminary rooms, a final of 12 (DESIGN section 12).")
@with_appcontext
def demo(port, edition):
    """Load the demo contest (idempotent) and print the organizer login."""
    from ..database.check import check_database
    from ..extensions import db
    from ..operations.demo import load_demo

    check_database(current_app._get_current_object())
    info = load_demo(port)
    if edition == "municipal":
        from .municipal import load_municipal

        info = load_municipal() + "\n" + info.splitlines()[-1]
    db.session.commit()
    click.echo(info)


def _load_command_modules() -> None:
    """Import the modules that register more commands (contest, results, report, backup)."""
    import importlib

    for name in ("scoring.cli.contest", "scoring.cli.reports", "scoring.cli.backup",
                 "scoring.cli.https"):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only "this module is not there (yet)" is skipped; a broken import inside is a bug.
            if not (exc.name and (name + ".").startswith(exc.name + ".")):
                raise


def init_app(app) -> None:
    """Add every registered command to app.cli (so `scoring` and test runners see them)."""
    _load_command_modules()
    for cmd in COMMANDS:
        app.cli.add_command(cmd)


class ScoringGroup(FlaskGroup):
    """FlaskGroup whose command list (for --help) comes from HELP, not from building the app."""

    def list_commands(self, ctx):
        """The command names, known without importing the modules that define them."""
        return sorted(set(HELP) | set(self.commands))

    def format_commands(self, ctx, formatter):
        """The Commands section of --help from HELP (the app is built only to run one)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, click.Command(name, help=HELP.get(name, "")).get_short_help_str(limit))
                for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def make_group() -> FlaskGroup:
    """The `scoring` click group: the app's commands plus Flask-Migrate's `db`."""
    group = ScoringGroup(create_app=_build_app, add_default_commands=False,
                       add_version_option=False,
                       help="Competition scoring system.")
    # The version is read from the package metadata only when --version is asked for.
    return click.version_option(None, "--version", package_name="scoring", prog_name="scoring",
                                message="%(prog)s %(version)s")(group)


def main() -> None:
    """Console entry point: configuration problems are one line, never a traceback."""
    try:
        make_group().main(prog_name="scoring")
    except ConfigError as exc:
        click.echo(f"scoring: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        # sqlalchemy.exc is looked up, not imported: `scoring --help` never loads SQLAlchemy.
        exc_module = sys.modules.get("sqlalchemy.exc")
        if exc_module is None or not isinstance(exc, exc_module.DBAPIError):
            raise
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        click.echo(f"scoring: database error ({reason}); check SCORING_DATABASE_URL "
                   "and that the database server is running.", err=True)
        sys.exit(2)
