"""Rule 9: calibration reveal, which teams' scores may be shown on the projector."""


def revealable(draw_order, complete, calibration=0) -> tuple:
    """Rule 9: the first N teams only together once all N are complete, then each on its own.

    A later team is held back until the calibration group has been revealed, so the
    projector never shows a score before the judges have calibrated.
    """
    order = list(draw_order)
    complete = set(complete)
    n = max(0, min(calibration, len(order)))
    head, tail = order[:n], order[n:]
    if not all(k in complete for k in head):
        return ()
    return tuple(head) + tuple(k for k in tail if k in complete)
