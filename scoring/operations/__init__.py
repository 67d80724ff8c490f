"""Writes to the database. Operations flush; the request (or CLI command) commits once."""
