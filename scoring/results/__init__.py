"""Results from the database: the standings (read every table, validate, compute, rank)
and their exports (JSON, CSV, .xlsx). The arithmetic itself is in scoring.rules."""
