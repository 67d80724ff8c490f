"""Organizer accounts."""
from ..extensions import db
from ..models import User
from .audit import record


def upsert_user(username: str, password: str, *, name: str = "", role: str = "admin") -> bool:
    """Create the account or reset its password and role; True when it was created."""
    user = db.session.scalar(db.select(User).filter_by(username=username))
    created = user is None
    if created:
        user = User(username=username, name=name or username, role=role)
        db.session.add(user)
    else:
        user.role = role
        user.active = True
        if name:
            user.name = name
    user.set_password(password)
    db.session.flush()
    record("user.create" if created else "user.reset", obj=user,
           summary=f"{username} ({role})", after={"username": username, "role": role})
    return created
