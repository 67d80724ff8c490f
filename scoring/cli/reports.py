"""`scoring report KIND KEY -o FILE.pdf`: every printed report from the command line."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..web.venue import VenueError, clean_public_url, public_base_url
from . import command


@command("report")
@click.argument("kind")
@click.argument("key")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="The PDF file to write.")
@click.option("--stage", default=None, help="Only this stage (sheets, blank-sheets).")
@click.option("--team", default=None, help="Only this team (team-detail, team-feedback).")
@click.option("--base-url", default=None,
              help="Start of the judges' links on judge-links cards "
                   "(default: the public address, SCORING_PUBLIC_URL or the one chosen "
                   "under Settings, else http://<LAN address>:5000).")
@click.option("--lang", default="zh_CN", show_default=True, type=click.Choice(["zh_CN", "en"]),
              help="Language of the printed labels.")
@with_appcontext
def report(kind, key, output, stage, team, base_url, lang):
    """Write a printed report: ranking, sheets, team-detail, blank-sheets, draw, judge-links,
    team-feedback, judge-review."""
    from ..extensions import db
    from ..models import Competition
    from ..reports import KINDS, FontError, ReportError, build
    from ..rules import RuleError

    if kind not in KINDS:
        raise click.ClickException(f'unknown report kind "{kind}" (one of: {", ".join(KINDS)})')
    competition = db.session.scalar(db.select(Competition).filter_by(key=key))
    if competition is None:
        raise click.ClickException(f'no competition with key "{key}"')
    if kind == "judge-links":
        try:
            base_url = (clean_public_url(base_url) if base_url
                        else public_base_url(current_app._get_current_object()))
        except VenueError as exc:
            raise click.ClickException(str(exc.message)) from None
    try:
        pdf = build(kind, competition, stage=stage, team=team, base_url=base_url, lang=lang)
    except (ReportError, FontError, RuleError) as exc:
        raise click.ClickException(str(exc)) from None
    Path(output).write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KB).")
