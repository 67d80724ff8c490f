"""The two records written out by hand (rules.model.Sheet, SheetResult) behave as the
frozen dataclasses they declare: the same fields, defaults, equality, hash, replace()
and refusal to change; compared with the __init__ dataclasses would generate."""
import dataclasses
from decimal import Decimal

import pytest

from scoring.rules.model import Sheet, SheetResult


def _generated(cls):
    """The same fields as cls, with the __init__ that @dataclass(frozen=True) generates."""
    spec = []
    for f in dataclasses.fields(cls):
        given = {}
        if f.default is not dataclasses.MISSING:
            given["default"] = f.default
        if f.default_factory is not dataclasses.MISSING:
            given["default_factory"] = f.default_factory
        spec.append((f.name, f.type, dataclasses.field(**given)))
    return dataclasses.make_dataclass("Generated" + cls.__name__, spec, frozen=True)


CASES = [
    (Sheet, ("J1", "T1", "s1", "submitted"), {}),
    (Sheet, ("J1", "T1", "s1", "draft", {"c1": Decimal("7.5"), "c2": None}), {}),
    (Sheet, ("J1", "T1", "s1", "submitted"), {"scores": {"c1": Decimal(3)}, "comment": "好"}),
    (Sheet, (), {"judge": "J2", "team": "T2", "stage": "s2", "status": "draft",
                 "comment": "x"}),
    (SheetResult, ("J1", "external", Decimal("71.5"), True, False), {}),
    (SheetResult, (), {"judge": "J1", "group": "internal", "total": Decimal(0),
                       "dropped": False, "variance_flag": True}),
]


@pytest.mark.parametrize(("cls", "args", "kwargs"), CASES)
def test_written_out_init_makes_what_the_generated_one_makes(cls, args, kwargs):
    ours, theirs = cls(*args, **kwargs), _generated(cls)(*args, **kwargs)
    assert [f.name for f in dataclasses.fields(ours)] == list(vars(theirs))
    assert vars(ours) == vars(theirs)
    assert list(vars(ours)) == list(vars(theirs))  # the same order, for repr and astuple
    assert ours == cls(*args, **kwargs)
    if cls is SheetResult:  # a Sheet holds a dict, so neither kind of Sheet hashes
        assert hash(ours) == hash(cls(*args, **kwargs))
    assert dataclasses.astuple(ours) == dataclasses.astuple(theirs)
    first = dataclasses.fields(cls)[0].name
    assert dataclasses.replace(ours, **{first: "other"}) != ours
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(ours, first, "other")


def test_each_sheet_gets_its_own_empty_scores():
    a, b = Sheet("J1", "T1", "s1", "draft"), Sheet("J2", "T1", "s1", "draft")
    assert a.scores == {} and a.scores is not b.scores


def test_wrong_arguments_are_refused_as_by_a_dataclass():
    with pytest.raises(TypeError):
        Sheet("J1", "T1", "s1")
    with pytest.raises(TypeError):
        SheetResult("J1", "g", Decimal(1), False, False, "extra")
    with pytest.raises(TypeError):
        Sheet("J1", "T1", "s1", "draft", colour="red")
