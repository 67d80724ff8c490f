"""`scoring venue-ca` and the HTTPS mode of `scoring serve` (web/venue_ca.py).

HTTPS is served by cheroot (CherryPy's pure-Python WSGI server, its builtin adapter on
Python's ssl module: no compiler, runs on Windows). Beside it a plain-HTTP listener on
the old port answers two things only: the CA certificate (tablets fetch it before they
trust the CA, so it cannot be behind the HTTPS it unlocks) and a redirect to HTTPS for
everything else (cards printed with an http:// link keep working).
"""
import ipaddress
import re
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext

from ..web import venue_ca
from . import command

CA_MIMETYPE = "application/x-x509-ca-cert"
HTTPS_PORT, HTTP_PORT = 5443, 5000
_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}$|^\[[0-9A-Fa-f:.]{2,45}\]$")


def venue_hosts(app, extra=()) -> list[str]:
    """Every host tablets may use: the LAN addresses, the public address, extra names."""
    from ..web.venue import VenueError, lan_addresses, public_base_url

    hosts = list(lan_addresses())
    try:
        hosts.append(urlsplit(public_base_url(app)).hostname)
    except VenueError:
        pass
    for name in ("SCORING_PUBLIC_URL", "SCORING_BASE_URL"):
        if app.config.get(name):
            hosts.append(urlsplit(str(app.config[name])).hostname or "")
    return [h for h in hosts + list(extra) if h]


def _describe(instance) -> None:
    cert = venue_ca.ca_certificate(instance)
    click.echo(f"  CA certificate: {venue_ca.paths(instance)['ca_cert']}")
    click.echo(f"  valid until {cert.not_valid_after_utc:%Y-%m-%d}; SHA-256 fingerprint:")
    click.echo(f"  {venue_ca.fingerprint(cert)}")
    click.echo("  The private keys (venue-ca.key, venue-server.key) stay in this folder: "
               "never copy them.")


@command("venue-ca")
@click.option("--new", is_flag=True, help="Replace the CA (every tablet must then install "
              "the new certificate).")
@click.option("--name", "names", multiple=True, metavar="HOST",
              help="Another address or name tablets use (repeatable).")
@with_appcontext
def venue_ca_command(new, names):
    """Make the venue's certificate authority and server certificate for HTTPS mode."""
    app = current_app._get_current_object()
    instance = app.instance_path
    hosts = venue_hosts(app, names)
    for host in names:
        if not _HOST.match(host.strip()):
            raise click.ClickException(f"{host!r} is not an address or host name.")
    try:
        if new or not venue_ca.exists(instance):
            venue_ca.create_ca(instance, hosts)
            click.echo("Made a new venue CA and server certificate in " + instance)
        else:
            outside = venue_ca.outside_constraints(instance, hosts)
            if outside:
                raise venue_ca.CAError(f"the venue CA may not vouch for {', '.join(outside)}:"
                                       " add --new to make a new one")
            venue_ca.issue_server(instance, hosts)
            click.echo("The venue CA exists (kept, tablets need not install it again); "
                       "new server certificate made.")
    except venue_ca.CAError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("  server certificate for: " + (", ".join(dict.fromkeys(hosts)) or "-"))
    _describe(instance)
    click.echo("Next: `scoring serve --https`, then on each tablet scan the QR code of "
               "Settings > Venue network (docs/operations.md).")


def plain_app(ca_file: Path, https_port: int, fallback_host: str, known_hosts):
    """The plain-HTTP listener: /venue-ca.crt, and a redirect to HTTPS for the rest."""
    known = {h.lower() for h in known_hosts}

    def app(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        if path == "/venue-ca.crt" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            try:
                body = venue_ca.ca_der(ca_file.parent)
            except venue_ca.CAError:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"no venue certificate"]
            start_response("200 OK", [
                ("Content-Type", CA_MIMETYPE), ("Content-Length", str(len(body))),
                ("Content-Disposition", 'attachment; filename="venue-ca.crt"'),
                ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
            return [body] if environ.get("REQUEST_METHOD") == "GET" else [b""]
        # Back to the host the tablet used when the certificate names it; never to a
        # host a stranger put in the Host header.
        host = (environ.get("HTTP_HOST") or "").rsplit(":", 1)[0] \
            if not (environ.get("HTTP_HOST") or "").endswith("]") \
            else environ.get("HTTP_HOST")
        if host.strip("[]").lower() not in known or not _HOST.match(host):
            host = fallback_host
        target = f"https://{host}" + ("" if https_port == 443 else f":{https_port}")
        target += quote(path, safe="/:@!$&'()*+,;=-._~%")
        if environ.get("QUERY_STRING"):
            target += "?" + quote(environ["QUERY_STRING"], safe="=&%+-._~/:")
        start_response("302 Found", [("Location", target), ("Content-Type", "text/plain"),
                                     ("Cache-Control", "no-store")])
        return [b"HTTPS: " + target.encode("ascii", "replace")]

    return app


def _host_text(host: str) -> str:
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def serve_https(app, host, port, threads, http_port) -> None:
    """Serve app over TLS with cheroot (and the plain listener when http_port)."""
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    from ..web.venue import VenueError, lan_addresses, public_base_url

    instance = app.instance_path
    if not venue_ca.exists(instance):
        raise click.ClickException("HTTPS needs the venue CA: run `scoring venue-ca` first "
                                   "(docs/operations.md).")
    app.config.update(SCORING_HTTPS=True, SESSION_COOKIE_SECURE=True,
                      REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https",
                      SCORING_PORT=port)
    hosts = venue_hosts(app)
    try:
        if venue_ca.ensure_server(instance, hosts):
            click.echo("New server certificate for: " + ", ".join(dict.fromkeys(hosts)))
    except venue_ca.CAError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        public = public_base_url(app)
    except VenueError as exc:
        public = None
        click.echo(f"  judges' links: {exc.message}")
    public_host = urlsplit(public).hostname if public else (lan_addresses() or ["127.0.0.1"])[0]
    if http_port:
        app.config["SCORING_CA_URL"] = (f"http://{_host_text(public_host)}"
                                        + ("" if http_port == 80 else f":{http_port}")
                                        + "/venue-ca.crt")
    files = venue_ca.paths(instance)
    server = wsgi.Server((host, port), app, numthreads=threads, server_name="scoring")
    adapter = BuiltinSSLAdapter(str(files["server_cert"]), str(files["server_key"]))
    import ssl

    from . import cannot_listen

    adapter.context.minimum_version = ssl.TLSVersion.TLSv1_2
    server.ssl_adapter = adapter
    try:  # bound before anything is printed: a port in use is one line, no traceback
        server.prepare()
    except OSError as exc:
        raise cannot_listen(exc, host, port) from None
    plain = None
    if http_port:
        plain = wsgi.Server((host, http_port), plain_app(
            files["ca_cert"], port, _host_text(public_host), hosts + ["localhost", "127.0.0.1"]),
            numthreads=4, server_name="scoring")
        try:
            plain.prepare()
        except OSError as exc:
            server.stop()
            raise cannot_listen(exc, host, http_port) from None
        threading.Thread(target=plain.serve, name="plain-http", daemon=True).start()
    suffix = "" if port == 443 else f":{port}"
    click.echo(f"Serving HTTPS on {host}:{port}  (Ctrl+C to stop)")
    if host in ("0.0.0.0", "::"):
        click.echo(f"  on this computer:  https://127.0.0.1{suffix}/")
        for addr in lan_addresses():
            click.echo(f"  tablets on the LAN: https://{addr}{suffix}/")
    if public:
        click.echo(f"  judges' links and cards use: {public}/")
    if http_port:
        click.echo(f"  plain HTTP on port {http_port}: the CA certificate "
                   f"({app.config['SCORING_CA_URL']}) and a redirect to HTTPS")
    click.echo("  CA fingerprint (SHA-256): "
               + venue_ca.fingerprint(venue_ca.ca_certificate(instance)))
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if plain is not None:
            plain.stop()
