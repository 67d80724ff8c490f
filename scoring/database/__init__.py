"""Database plumbing: engine setup (SQLite locking), the start-up schema check, backups."""
