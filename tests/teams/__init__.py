"""Team composition: team_size and distinct_departments in the app (issue 18 follow-up)."""
