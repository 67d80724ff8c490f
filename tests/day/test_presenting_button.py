"""The live board's per-team button that marks a team as presenting says what it does
(设为正在展示); it used to read 正在展示, the same words as the badge of the team that is
presenting, so every row seemed to say that its team was on stage."""
import re

from tests.judging.hall_util import KEY, hall_admin


def _presenting_buttons(board):
    form = re.compile(r'<form method="post" action="[^"]*/live/presenting".*?<button[^>]*>'
                      r'([^<]*)</button>', re.S)
    return form.findall(board)


def test_the_mark_as_presenting_button_is_a_verb_not_the_badge(app, demo):
    admin = hall_admin(app)
    admin.post(f"/admin/c/{KEY}/live/timer", data={"stage": "presentation", "action": "next"})
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    labels = _presenting_buttons(board)
    assert labels.count("结束展示") == 1 and labels.count("设为正在展示") == 14, labels
    assert board.count(">正在展示</span>") == 1  # the badge of the team on stage
    admin.get("/lang/en")
    board = admin.get(f"/admin/c/{KEY}/live?stage=presentation").get_data(as_text=True)
    labels = _presenting_buttons(board)
    assert labels.count("Stop presenting") == 1 and labels.count("Mark as presenting") == 14
