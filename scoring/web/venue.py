"""The venue network (DESIGN section 10): this machine's LAN addresses, and the public
address every judge link, QR code and printed card is built from.

The public address is, in this order: SCORING_PUBLIC_URL (environment or
instance/config.py), the address the organizer chose on the settings page (kept in
instance/venue.json, so every server process and the CLI read the same), else the first
private LAN address of this machine with the server's port. It is never a loopback
address: a card printed with http://127.0.0.1 opens on no tablet.
"""
import ipaddress
import json
import os
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

VENUE_FILE = "venue.json"
DEFAULT_PORT = 5000


class VenueError(Exception):
    """No usable public address, or a typed one that tablets could not open (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def lan_addresses() -> list[str]:
    """IPv4 addresses of this machine's network interfaces that are up, loopback and
    link-local left out; private (venue LAN) addresses first.

    Read from the interfaces (psutil, also on Windows and macOS), not from the host
    name, which on Debian resolves to 127.0.1.1.
    """
    import socket

    import psutil

    stats = psutil.net_if_stats()
    found = []
    for name, addrs in sorted(psutil.net_if_addrs().items()):
        if name in stats and not stats[name].isup:
            continue
        for addr in addrs:
            if addr.family != socket.AF_INET:
                continue
            ip = ipaddress.ip_address(addr.address)
            if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
                continue
            found.append(ip)
    found = sorted(set(found), key=lambda ip: (not ip.is_private, found.index(ip)))
    return [str(ip) for ip in found]


def is_loopback_host(host: str) -> bool:
    """True for localhost and 127.x / ::1: addresses that only this computer can open."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def clean_public_url(text: str) -> str:
    """The typed public address as scheme://host[:port], or VenueError saying what is wrong."""
    text = (text or "").strip()
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise VenueError(_l("The address contains control characters."))
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise VenueError(_l("Give an address like http://192.168.1.10:5000.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VenueError(_l("Give an address like http://192.168.1.10:5000."))
    if parts.username or parts.password or parts.query or parts.fragment or \
            parts.path not in ("", "/"):
        raise VenueError(_l("Give only the address and port, without a path: "
                            "http://192.168.1.10:5000."))
    if is_loopback_host(parts.hostname):
        raise VenueError(_l("%(host)s is this computer's own address: tablets cannot open it. "
                            "Choose the address of this computer on the venue network.",
                            host=parts.hostname))
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _venue_path(app) -> Path:
    return Path(app.instance_path) / VENUE_FILE


def chosen_public_url(app) -> str | None:
    """The address the organizer chose on the settings page, if any."""
    try:
        data = json.loads(_venue_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("public_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else None


def save_public_url(app, url: str | None) -> None:
    """Keep the organizer's choice (None forgets it); written atomically."""
    path = _venue_path(app)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".venue-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"public_url": url}, fh)
    os.replace(tmp, path)


def server_port(app) -> int:
    """The port `scoring serve` listens on (SCORING_PORT), else 5000."""
    try:
        return int(app.config.get("SCORING_PORT") or DEFAULT_PORT)
    except (TypeError, ValueError):
        return DEFAULT_PORT


def public_base_url(app) -> str:
    """Where tablets reach this server, or VenueError when there is no such address."""
    # SCORING_BASE_URL is the setting's earlier name, still read.
    configured = app.config.get("SCORING_PUBLIC_URL") or app.config.get("SCORING_BASE_URL")
    if configured:
        return clean_public_url(configured)
    chosen = chosen_public_url(app)
    if chosen:
        return clean_public_url(chosen)
    addresses = lan_addresses()
    if not addresses:
        raise VenueError(_l("This computer has no network address that tablets can reach. "
                            "Connect it to the venue network, or set the public address "
                            "under Settings."))
    port = server_port(app)
    # `scoring serve --https` (web/venue_ca.py) sets SCORING_HTTPS for its own process.
    scheme = "https" if app.config.get("SCORING_HTTPS") else "http"
    default = 443 if scheme == "https" else 80
    return f"{scheme}://{addresses[0]}" + ("" if port == default else f":{port}")


def bound_elsewhere(host: str, public_url: str) -> str | None:
    """Why tablets cannot open public_url when the server listens on `host` only, or None.

    `scoring serve --host 127.0.0.1` answers this computer alone, while the judges' cards
    carry the LAN address: every tablet would fail to connect, with no sign why.
    """
    if host in ("0.0.0.0", "::", ""):
        return None
    target = urlsplit(public_url).hostname or ""
    if target == host.strip("[]"):
        return None
    return (f"this server listens on {host} only, so tablets cannot open {public_url}/ "
            f"(the address on the judges' cards). Start it with --host 0.0.0.0, or with "
            f"--host {target}.")
