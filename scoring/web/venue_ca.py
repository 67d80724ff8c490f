"""The venue's own certificate authority, for `scoring serve --https` (DESIGN section 10).

A plain-HTTP venue gives the judge page no service worker, so a page closed while the
Wi-Fi is down cannot come back. A venue that wants offline reloads serves HTTPS with
certificates of its own: `scoring venue-ca` makes, in the instance folder,

- ``venue-ca.key`` / ``venue-ca.crt``: a small CA (ECDSA P-256, ten years). Tablets
  install its certificate once (QR code on the venue page and on a printed card). Its
  name constraints let it vouch only for private LAN addresses and local names: if the
  key were ever copied, it could not impersonate any site on the internet to a tablet
  that trusts it;
- ``venue-server.key`` / ``venue-server.crt``: the server's certificate for this
  computer's LAN addresses and the public address (397 days, the longest that every
  browser accepts), reissued by `scoring serve --https` when an address changes; the CA
  stays, so tablets do not install anything again.

The private keys never leave the instance folder (written 0600); only the CA
certificate is served (/venue-ca.crt).
"""
import datetime
import hashlib
import ipaddress
import os
import tempfile
from pathlib import Path

CA_KEY, CA_CERT = "venue-ca.key", "venue-ca.crt"
SERVER_KEY, SERVER_CERT = "venue-server.key", "venue-server.crt"
CA_DAYS = 3650
SERVER_DAYS = 397  # Apple and Chrome refuse longer-lived server certificates
# What the CA may vouch for: private and loopback address ranges, local DNS names.
PERMITTED_NETWORKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                      "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128")
PERMITTED_DNS = ("localhost", "local", "lan", "home.arpa", "internal")


class CAError(Exception):
    """The venue CA is missing or cannot be used (a message for the operator)."""


def paths(instance_path) -> dict[str, Path]:
    """The four files of the venue CA in the instance folder."""
    base = Path(instance_path)
    return {"ca_key": base / CA_KEY, "ca_cert": base / CA_CERT,
            "server_key": base / SERVER_KEY, "server_cert": base / SERVER_CERT}


def exists(instance_path) -> bool:
    """Whether the CA (key and certificate) has been made."""
    p = paths(instance_path)
    return p["ca_key"].is_file() and p["ca_cert"].is_file()


def _write(path: Path, data: bytes, private: bool) -> None:
    """Write atomically; private keys readable by this user only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tls-")
    try:
        # mkstemp makes 0600 files: keys stay so, certificates are public.
        os.chmod(tmp, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _now():
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def host_names(hosts) -> tuple[list, list]:
    """(IP addresses, DNS names) of the given hosts, each once, in order."""
    ips, names = [], []
    for host in hosts:
        host = (host or "").strip().strip("[]").lower()
        if not host:
            continue
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            if host not in names:
                names.append(host)
        else:
            if ip not in ips:
                ips.append(ip)
    return ips, names


def _permitted(ips, names):
    """Name constraints: the private ranges, and any other address or name given now."""
    from cryptography import x509

    networks = [ipaddress.ip_network(n) for n in PERMITTED_NETWORKS]
    for ip in ips:
        if not any(ip in n for n in networks if n.version == ip.version):
            networks.append(ipaddress.ip_network(ip))
    dns = list(PERMITTED_DNS)
    for name in names:
        if not any(name == d or name.endswith("." + d) for d in dns):
            dns.append(name)
    return ([x509.IPAddress(n) for n in networks] + [x509.DNSName(d) for d in dns])


def create_ca(instance_path, hosts=(), label="Scoring") -> None:
    """Make a new CA in the instance folder (replacing any earlier one: tablets must then
    install the new certificate) and a server certificate for hosts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    p = paths(instance_path)
    ips, names = host_names(hosts)
    key = _new_key()
    now = _now()
    stamp = now.strftime("%Y-%m-%d %H:%M")
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, label),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"{label} venue CA {stamp}")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.NameConstraints(permitted_subtrees=_permitted(ips, names),
                                                excluded_subtrees=None), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    from cryptography.hazmat.primitives import serialization

    _write(p["ca_key"], _key_pem(key), private=True)
    _write(p["ca_cert"], cert.public_bytes(serialization.Encoding.PEM), private=False)
    issue_server(instance_path, hosts)


def load_ca(instance_path):
    """(key, certificate) of the venue CA, or CAError."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    p = paths(instance_path)
    try:
        cert = x509.load_pem_x509_certificate(p["ca_cert"].read_bytes())
        key = serialization.load_pem_private_key(p["ca_key"].read_bytes(), password=None)
    except FileNotFoundError:
        raise CAError("no venue CA in the instance folder: run `scoring venue-ca` first") \
            from None
    except ValueError as exc:
        raise CAError(f"the venue CA files are damaged ({exc}): run `scoring venue-ca "
                      "--new`") from None
    return key, cert


def ca_certificate(instance_path):
    """The CA certificate (cryptography object), or CAError."""
    from cryptography import x509

    try:
        return x509.load_pem_x509_certificate(paths(instance_path)["ca_cert"].read_bytes())
    except FileNotFoundError:
        raise CAError("no venue CA in the instance folder: run `scoring venue-ca` first") \
            from None
    except ValueError as exc:
        raise CAError(f"the venue CA certificate is damaged ({exc})") from None


def ca_der(instance_path) -> bytes:
    """The CA certificate in DER, the form every tablet's installer reads."""
    from cryptography.hazmat.primitives import serialization

    return ca_certificate(instance_path).public_bytes(serialization.Encoding.DER)


def fingerprint(cert) -> str:
    """SHA-256 fingerprint as tablets show it (AB:CD:...), to compare by eye."""
    from cryptography.hazmat.primitives import hashes

    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def spki_hash(cert) -> str:
    """Base64 SHA-256 of the public key (what chromium's SPKI options take)."""
    import base64

    from cryptography.hazmat.primitives import serialization

    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def issue_server(instance_path, hosts) -> None:
    """A new server key and certificate for hosts, signed by the venue CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_key, ca_cert = load_ca(instance_path)
    ips, names = host_names(list(hosts) + ["localhost", "127.0.0.1"])
    key = _new_key()
    now = _now()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(names[0] if not ips
                                                                      else ips[0]))])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False,
                                         crl_sign=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ip) for ip in ips] + [x509.DNSName(n) for n in names]),
                critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    p = paths(instance_path)
    _write(p["server_key"], _key_pem(key), private=True)
    # The whole chain (server, then CA), as TLS servers send it.
    _write(p["server_cert"], cert.public_bytes(serialization.Encoding.PEM)
           + ca_cert.public_bytes(serialization.Encoding.PEM), private=False)


def server_covers(instance_path, hosts, days_left=30) -> bool:
    """Whether the server certificate exists, is signed by the current CA, names every
    host, and stays valid for days_left more days."""
    from cryptography import x509

    p = paths(instance_path)
    try:
        cert = x509.load_pem_x509_certificate(p["server_cert"].read_bytes())
        ca = ca_certificate(instance_path)
    except (OSError, ValueError, CAError):
        return False
    if not p["server_key"].is_file() or cert.issuer != ca.subject:
        return False
    from cryptography.exceptions import InvalidSignature

    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature):
        return False
    if cert.not_valid_after_utc < _now() + datetime.timedelta(days=days_left):
        return False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    ips, names = host_names(hosts)
    have_ips = set(san.get_values_for_type(x509.IPAddress))
    have_names = {n.lower() for n in san.get_values_for_type(x509.DNSName)}
    return set(ips) <= have_ips and set(names) <= have_names


def outside_constraints(instance_path, hosts) -> list[str]:
    """The hosts this CA may not vouch for (its name constraints leave them out)."""
    from cryptography import x509

    try:
        constraints = ca_certificate(instance_path).extensions.get_extension_for_class(
            x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return []
    permitted = constraints.permitted_subtrees or []
    networks = [g.value for g in permitted if isinstance(g, x509.IPAddress)]
    dns = [g.value.lower() for g in permitted if isinstance(g, x509.DNSName)]
    ips, names = host_names(hosts)
    out = [str(ip) for ip in ips if not any(ip in n for n in networks
                                             if n.version == ip.version)]
    out += [n for n in names if not any(n == d or n.endswith("." + d) for d in dns)]
    return out


def ensure_server(instance_path, hosts) -> bool:
    """Reissue the server certificate when it does not cover hosts; True if reissued.

    CAError when a host is outside the CA's name constraints (a new CA is needed)."""
    outside = outside_constraints(instance_path, hosts)
    if outside:
        raise CAError(f"the venue CA may not vouch for {', '.join(outside)}: make a new "
                      "one with `scoring venue-ca --new` (tablets then install it again)")
    if server_covers(instance_path, hosts):
        return False
    issue_server(instance_path, hosts)
    return True


def download_url(app) -> str:
    """Where tablets fetch the CA certificate: the plain-HTTP listener of `scoring serve
    --https` when there is one (a tablet that does not trust the CA yet cannot open the
    HTTPS address without a warning), else the public address. VenueError if none."""
    from .venue import public_base_url

    return app.config.get("SCORING_CA_URL") or public_base_url(app) + "/venue-ca.crt"
