"""The declared state (mlphys_gui/state.py), without a display: parameters refuse what they
must, schemas check scenes field by field and rule by rule, and the model announces each change
once with what it changed."""

import math

import numpy as np
import pytest

from mlphys_gui.state import (
    Choice,
    Column,
    Flag,
    Integer,
    InvalidValueError,
    Matrix,
    Real,
    Rule,
    Schema,
    StateModel,
    Table,
    Text,
)
from mlphys_gui.tabs import TAB_CLASSES

SIGMA = Real(default=0.5, label="σ", low=0.0, high=3.0)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (True, "expected a number"),
        ("0.5", "expected a number"),
        (None, "expected a number"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (-0.1, "outside [0, 3]"),
        (3.5, "outside [0, 3]"),
    ],
)
def test_a_real_refuses_what_is_not_a_number_in_range(value, reason):
    with pytest.raises(ValueError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        SIGMA.check(value)


def test_an_integer_accepts_whole_floats_only():
    count = Integer(default=3, label="n", low=1, high=10)
    assert count.check(4.0) == 4 and isinstance(count.check(4.0), int)
    for bad in (4.5, True, "4", 11, 0):
        with pytest.raises(ValueError):
            count.check(bad)


def test_choice_flag_text_refuse_other_types():
    choice = Choice(default="a", label="c", options={"a": "A", "b": "B"})
    with pytest.raises(ValueError, match="one of a, b"):
        choice.check("c")
    with pytest.raises(ValueError):
        Flag(default=True, label="f").check(1)
    with pytest.raises(ValueError, match="longer than 5"):
        Text(default="x", label="t", max_length=5).check("x" * 6)


def test_matrix_and_table_name_the_bad_entry():
    matrix = Matrix(default=((1, 0), (0, 1)), label="A", rows=2, cols=2, low=-10, high=10)
    with pytest.raises(ValueError, match=r"\[1\]\[0\]"):
        matrix.check([[1, 2], [30, 4]])
    with pytest.raises(ValueError, match="2×2"):
        matrix.check([[1, 2], [3]])
    table = Table(
        default=((1.0, 0.5),),
        label="target",
        columns=(Column("weight", 0.0, 1.0), Column("mean")),
        min_rows=1,
        max_rows=3,
        noun="component",
    )
    with pytest.raises(ValueError, match="component 2, weight: 5 is outside"):
        table.check([[0.5, 0.0], [5.0, 0.0]])
    with pytest.raises(ValueError, match="at least 1 component"):
        table.check([])
    with pytest.raises(ValueError, match="at most 3 rows"):
        table.check([[0.5, 0.0]] * 4)
    with pytest.raises(ValueError, match="component 1, mean"):
        table.check([[0.5, float("nan")]])
    clean = table.check([[0.5, 1.0]])
    assert not clean.flags.writeable  # the state's tables cannot be changed behind its back
    sizes = Table(
        default=(), label="timings", columns=(Column("n", 1, 100, integer=True),), max_rows=3
    )
    assert sizes.check([[16.0], [20]]).tolist() == [[16.0], [20.0]]
    with pytest.raises(ValueError, match="row 2, n: expected a whole number, got 20.5"):
        sizes.check([[16], [20.5]])
    with pytest.raises(ValueError, match="row 1, n: expected a whole number"):
        sizes.check(np.array([[2.25]]))


def ordered(values):
    return None if values["low"] <= values["high"] else "low must not exceed high"


def carry(values, edited, _previous):
    if values["low"] > values["high"]:
        if "low" in edited:
            values["high"] = values["low"]
        else:
            values["low"] = values["high"]


SCHEMA = Schema(
    {
        "low": Real(default=1.0, label="low", low=0.0, high=10.0),
        "high": Real(default=2.0, label="high", low=0.0, high=10.0),
        "on": Flag(default=False, label="on"),
    },
    rules=(Rule(("low", "high"), ordered, carry),),
    progress={"time": Real(default=0.0, label="t", low=0.0, high=100.0)},
)


def test_a_scene_is_checked_field_by_field_and_rule_by_rule():
    good = SCHEMA.defaults()
    assert good == {"low": 1.0, "high": 2.0, "on": False, "time": 0.0}
    assert SCHEMA.check(good) == good
    for broken, words in (
        ({**good, "low": "x"}, "state.low"),
        ({k: v for k, v in good.items() if k != "high"}, "missing: high"),
        ({**good, "extra": 1}, "unknown state key(s): extra"),
        ({**good, "low": 5.0}, "low must not exceed high"),  # scenes are checked, not repaired
        ({**good, "time": -1.0}, "state.time"),
    ):
        with pytest.raises(InvalidValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
            SCHEMA.check(broken)


def test_the_model_announces_each_change_once_with_what_changed():
    model = StateModel(SCHEMA)
    heard = []
    model.subscribe(heard.append)
    change = model.update({"low": 5.0})  # a live edit: the rule carries "high" along
    assert heard == [change]
    assert change.before == {"low": 1.0, "high": 2.0}
    assert change.after == {"low": 5.0, "high": 5.0}
    assert change.label == "low = 5, high = 5"
    assert model.update({"low": 5.0}) is None and len(heard) == 1  # nothing changed: silence
    with pytest.raises(InvalidValueError) as refused:
        model.update({"high": 11.0})
    assert refused.value.key == "high" and "outside" in str(refused.value)
    with pytest.raises(InvalidValueError, match="must not exceed"):
        model.update({"low": 7.0, "high": 6.0}, origin="restore")  # no repair when restoring
    assert model.values() == {"low": 5.0, "high": 5.0, "on": False}  # refusals change nothing
    assert len(heard) == 1


def test_a_rule_that_cannot_be_kept_by_the_declaration_is_refused_at_once():
    with pytest.raises(ValueError, match="defaults break a rule"):
        Schema(
            {
                "low": Real(default=3.0, label="low", low=0.0, high=10.0),
                "high": Real(default=2.0, label="high", low=0.0, high=10.0),
            },
            rules=(Rule(("low", "high"), ordered),),
        )


@pytest.mark.parametrize("name", list(TAB_CLASSES))
def test_every_tab_declares_valid_defaults_and_alternatives(name):
    schema = TAB_CLASSES[name].SCHEMA
    assert schema.check(schema.defaults()) == schema.defaults()
    for key, param in schema.fields().items():
        assert param.label, key
        assert param.help(), f"{name}.{key} has no tooltip"
        for value in param.alternatives():
            assert not param.same(param.check(value), param.check(param.default)), (key, value)


def test_tables_and_matrices_round_trip_through_json():
    for tab in TAB_CLASSES.values():
        for key, param in tab.SCHEMA.params.items():
            clean = param.check(param.default)
            again = param.check(param.to_json(clean))
            assert param.same(clean, again), key
            if isinstance(clean, np.ndarray):
                assert param.to_json(clean) == clean.tolist()


def test_a_field_added_later_takes_its_default_in_an_older_scene():
    schema = Schema(
        {
            "sigma": SIGMA,
            "source": Choice(
                default="slider",
                label="σᵢ from",
                options={"slider": "s", "data": "d"},
                added_later=True,
            ),
        }
    )
    assert schema.check({"sigma": 1.0}) == {"sigma": 1.0, "source": "slider"}
    assert schema.check({"sigma": 1.0, "source": "data"})["source"] == "data"
    with pytest.raises(InvalidValueError, match="missing: sigma"):
        schema.check({"source": "data"})  # an old field is still required


def test_a_tooltip_can_follow_other_fields():
    param = Real(
        default=0.5,
        label="σ",
        low=0.0,
        high=3.0,
        tooltip="σ of every point",
        tooltip_when=lambda v: "σ of new points" if v["own"] else "σ of every point",
        equation="eq. 4.2",
    )
    assert param.help() == "σ of every point\nNotes: eq. 4.2"
    assert param.help({"own": True}) == "σ of new points\nNotes: eq. 4.2"


def test_a_text_with_a_pattern_refuses_other_texts():
    text = Text(
        default="",
        label="png",
        max_length=20,
        pattern="[A-Za-z0-9+/]*={0,2}",
        pattern_help="base64 text",
    )
    assert text.check("iVBORw0K") == "iVBORw0K"
    with pytest.raises(ValueError, match="expected base64 text"):
        text.check("not base64!")
