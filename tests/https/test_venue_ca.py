"""The venue CA (web/venue_ca.py): the chain verifies for the venue's addresses and for
nothing else, the name constraints hold even against a certificate the CA's own key
signs, the keys stay private, and the server certificate follows address changes."""
import datetime
import ipaddress
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from scoring.web import venue_ca

VENUE = ["192.168.1.10", "10.213.7.1", "scoring.local"]


def _leaf(folder):
    return x509.load_pem_x509_certificate(venue_ca.paths(folder)["server_cert"].read_bytes())


def _verify(folder, host, leaf=None):
    """Verify the server certificate (or leaf) for host against the CA alone."""
    try:
        name = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        name = x509.DNSName(host)
    verifier = PolicyBuilder().store(Store([venue_ca.ca_certificate(folder)])) \
        .build_server_verifier(name)
    return verifier.verify(leaf or _leaf(folder), [])


@pytest.fixture
def ca(tmp_path):
    venue_ca.create_ca(tmp_path, VENUE)
    return tmp_path


@pytest.mark.parametrize("host", VENUE + ["127.0.0.1", "localhost"])
def test_the_chain_verifies_for_every_venue_address(ca, host):
    chain = _verify(ca, host)
    assert chain[-1] == venue_ca.ca_certificate(ca)
    assert len(chain) == 2


@pytest.mark.parametrize("host", ["192.168.1.11", "8.8.8.8", "example.com", "other.local"])
def test_the_chain_does_not_verify_for_another_host(ca, host):
    with pytest.raises(VerificationError):
        _verify(ca, host)


def _forged(folder, host):
    """A certificate for host signed with the CA's own key (as if the key were stolen)."""
    ca_key, ca_cert = venue_ca.load_ca(folder)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    try:
        san = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        san = x509.DNSName(host)
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([san]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))


@pytest.mark.parametrize("host", ["www.example.com", "8.8.8.8", "203.0.113.5"])
def test_name_constraints_stop_the_ca_vouching_for_the_internet(ca, host):
    with pytest.raises(VerificationError):
        _verify(ca, host, _forged(ca, host))


def test_a_forged_certificate_for_a_lan_address_does_verify(ca):
    # The other side of the previous test: the constraints, not the forgery, refused it.
    assert len(_verify(ca, "192.168.50.50", _forged(ca, "192.168.50.50"))) == 2


def test_ca_certificate_shape(ca):
    cert = venue_ca.ca_certificate(ca)
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    constraints = cert.extensions.get_extension_for_class(x509.NameConstraints)
    assert constraints.critical
    days = (cert.not_valid_after_utc - cert.not_valid_before_utc).days
    assert days >= 3650
    leaf = _leaf(ca)
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days <= 398
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert x509.oid.ExtendedKeyUsageOID.SERVER_AUTH in eku
    assert venue_ca.ca_der(ca) == cert.public_bytes(serialization.Encoding.DER)
    assert len(venue_ca.fingerprint(cert).split(":")) == 32


def test_private_keys_are_readable_by_the_owner_only(ca):
    for name in ("ca_key", "server_key"):
        mode = stat.S_IMODE(venue_ca.paths(ca)[name].stat().st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))


def test_a_new_address_gets_a_new_server_certificate_from_the_same_ca(ca):
    fingerprint = venue_ca.fingerprint(venue_ca.ca_certificate(ca))
    assert venue_ca.ensure_server(ca, VENUE) is False  # already covered: kept
    assert venue_ca.ensure_server(ca, VENUE + ["172.20.0.4"]) is True
    assert len(_verify(ca, "172.20.0.4")) == 2
    assert venue_ca.fingerprint(venue_ca.ca_certificate(ca)) == fingerprint
    assert venue_ca.server_covers(ca, VENUE + ["172.20.0.4"])


def test_an_address_outside_the_constraints_needs_a_new_ca(ca):
    with pytest.raises(venue_ca.CAError, match="scoring.example.edu"):
        venue_ca.ensure_server(ca, ["scoring.example.edu"])
    # A new CA made with that name may vouch for it.
    venue_ca.create_ca(ca, ["scoring.example.edu"])
    assert len(_verify(ca, "scoring.example.edu")) == 2


def test_a_server_certificate_of_an_older_ca_is_reissued(ca, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    venue_ca.create_ca(other, VENUE)
    paths, others = venue_ca.paths(ca), venue_ca.paths(other)
    paths["server_cert"].write_bytes(others["server_cert"].read_bytes())
    assert not venue_ca.server_covers(ca, VENUE)
    assert venue_ca.ensure_server(ca, VENUE) is True
    assert len(_verify(ca, VENUE[0])) == 2


def test_missing_or_damaged_ca_is_a_clear_error(tmp_path):
    with pytest.raises(venue_ca.CAError, match="venue-ca"):
        venue_ca.load_ca(tmp_path)
    assert not venue_ca.exists(tmp_path)
    venue_ca.create_ca(tmp_path, VENUE)
    venue_ca.paths(tmp_path)["ca_cert"].write_text("not a certificate")
    with pytest.raises(venue_ca.CAError, match="damaged"):
        venue_ca.load_ca(tmp_path)
    assert not venue_ca.server_covers(tmp_path, VENUE)
