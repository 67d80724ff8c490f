"""Throttling organizer logins: guessing stays slow, and nobody on the LAN can lock the laptop.

Every attempt takes one slot of each of its keys before the password is checked; a key
has only so many slots, each free again 15 minutes after it was taken (docs/security-
sessions.md has the reasoning):

- the username from this address: 5 slots;
- this address, whatever the usernames: 20 slots;
- the username from any address but the server's own: 10 slots.

Attempts from the server itself (loopback: the organizer at the laptop) take only their
own pair and address slots, so failures from the venue network never stop them. IPv6
addresses count per /64, the block one device can take addresses from at will.

The slots are rows whose primary key is (key, slot number), so parallel attempts racing
for the last slot collide in the database (on every database, across processes) instead
of all passing a count; the loser starts again and finds no slot. A success frees its
slots and the pair's: only failures (and attempts still being checked) hold slots.
"""
import ipaddress
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..extensions import db
from ..models import LoginSlot, utcnow
from ..web.dbconflicts import retryable

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
NAME_LIMIT = 10
LOOPBACK = "loopback"
_ATTEMPTS = 30


@dataclass
class Attempt:
    """The verdict on one login attempt: allowed (with the slots it holds) or wait."""

    allowed: bool
    wait: timedelta = timedelta(0)
    taken: list = field(default_factory=list)
    pair: str = ""

    @property
    def wait_minutes(self) -> int:
        """Whole minutes until a slot frees (at least 1)."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


def address_key(address: str) -> str:
    """The address as counted: "loopback" for the server itself, an IPv6 /64, else as is."""
    try:
        ip = ipaddress.ip_address((address or "").strip().split("%", 1)[0])
    except ValueError:
        return (address or "?")[:64]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return LOOPBACK
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _keys(username: str, address: str) -> tuple[list[tuple[str, int]], str]:
    """[(key, limit)] of an attempt, and its pair key."""
    where = address_key(address)
    name = username[:64]
    pair = f"pair:{where} {name}"
    keys = [(pair, PAIR_LIMIT), (f"addr:{where}", ADDRESS_LIMIT)]
    if where != LOOPBACK:
        keys.append((f"name:{name}", NAME_LIMIT))
    return keys, pair


def _take(keys: list[tuple[str, int]], pair: str) -> Attempt:
    """Take a slot of every key, or none (the caller rolls back); one transaction."""
    now = utcnow()
    since = now - WINDOW
    held: dict = defaultdict(dict)
    # Locks the keys' slots (PostgreSQL, MariaDB; SQLite's BEGIN IMMEDIATE already did).
    for key, slot, at in db.session.execute(
            select(LoginSlot.key, LoginSlot.slot, LoginSlot.at)
            .where(LoginSlot.key.in_([k for k, _ in keys]))
            .order_by(LoginSlot.key, LoginSlot.slot).with_for_update()):
        held[key][slot] = at
    taken, wait = [], timedelta(0)
    for key, limit in sorted(keys):
        slots = {s: at for s, at in held[key].items() if s < limit}
        free = sorted(s for s, at in slots.items() if at <= since)
        unused = [s for s in range(limit) if s not in slots]
        if free:
            db.session.execute(update(LoginSlot).where(
                LoginSlot.key == key, LoginSlot.slot == free[0]).values(at=now))
            taken.append((key, free[0]))
        elif unused:
            db.session.execute(insert(LoginSlot).values(key=key, slot=unused[0], at=now))
            taken.append((key, unused[0]))
        else:
            wait = max(wait, min(slots.values()) + WINDOW - now)
    if wait:
        return Attempt(False, wait=wait)
    return Attempt(True, taken=taken, pair=pair)


def _committed(work):
    """Run work() in its own transaction and commit, again from the start after a clash."""
    for attempt in range(_ATTEMPTS):
        try:
            result = work()
            db.session.commit()
            return result
        except (IntegrityError, OperationalError) as e:
            db.session.rollback()
            if not retryable(e) or attempt == _ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))
    raise RuntimeError("unreachable")


def begin(username: str, address: str) -> Attempt:
    """Take the attempt's slots before the password is checked (committed at once).

    Not allowed when a key has no free slot; `wait` then says for how long. This commits
    its own transaction, so it runs before the request writes anything.
    """
    keys, pair = _keys(username, address)

    def work():
        verdict = _take(keys, pair)
        if not verdict.allowed:
            db.session.rollback()  # nothing taken: no key loses a slot to a refusal
        return verdict

    return _committed(work)


def succeeded(verdict: Attempt) -> None:
    """A right password: free the attempt's slots and forget the pair's failures (committed)."""

    def work():
        for key, slot in verdict.taken:
            db.session.execute(delete(LoginSlot).where(LoginSlot.key == key,
                                                       LoginSlot.slot == slot))
        db.session.execute(delete(LoginSlot).where(LoginSlot.key == verdict.pair))
        # Slots nobody took for a window are free anyway: keep the table small. Found by a
        # plain read and deleted by key: a DELETE ... WHERE at <= x would scan the table
        # (no index on at) and, on MariaDB, lock every slot it read, other attempts' too.
        cutoff = utcnow() - WINDOW
        stale = db.session.execute(select(LoginSlot.key, LoginSlot.slot)
                                   .where(LoginSlot.at <= cutoff).limit(500)).all()
        for key, slot in stale:
            db.session.execute(delete(LoginSlot).where(
                LoginSlot.key == key, LoginSlot.slot == slot, LoginSlot.at <= cutoff))

    _committed(work)


def clear_for_recovery(username: str) -> None:
    """`scoring create-admin` or an admin's reset: the laptop's and the name's slots free.

    The keys of other addresses stay: a reset must not hand guessers a fresh start there.
    Flushed with the reset (the caller commits).
    """
    name = username[:64]
    db.session.execute(delete(LoginSlot).where(LoginSlot.key.in_(
        [f"pair:{LOOPBACK} {name}", f"addr:{LOOPBACK}", f"name:{name}"])))
