"""What a field of a contest file may hold: the choices, column sizes and digits."""

STAGE_STATES = ("draft", "open", "closed", "published")
PANEL_GROUPS = ("external", "internal")
DRAW_METHODS = ("random", "manual")

# Column sizes of the schema: a longer text would be cut or refused by the database.
KEY_LENGTH = 64
NAME_LENGTH = {"competition": 200, "stage": 200, "criterion": 200, "team": 200,
               "judge": 100, "member": 100, "department": 100}
# Exact(precision, scale) of the columns: (digits before the point, digits after it).
WEIGHT_DIGITS = (3, 4)
SCORE_DIGITS = (6, 3)
