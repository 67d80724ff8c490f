"""Web plumbing shared by the admin, judge and public blueprints: who is asking
(security), error pages, the interface language, URL lookups and safe redirects."""
