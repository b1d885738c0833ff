"""Property-based tests of the parameter parser (issue 16): over random strings, lists and YAML
documents it never raises anything but a one-line CompendiumError, and never returns a value
that differs from the one written."""

import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings, strategies as st

from compendium.errors import CompendiumError
from compendium.pipeline.params import ParamSpec, read_params_file

SPECS = [
    ParamSpec("seed", "int", 1, "Seed.", min=0),
    ParamSpec("scale", "float", 1.0, "Scale.", min=0, max=10),
    ParamSpec("method", "str", "a", "Choice.", choices=("a", "b")),
    ParamSpec("fail", "bool", False, "Flag."),
    ParamSpec("sizes", "list[int]", [1], "Sizes.", min=1, max_items=4),
    ParamSpec("widths", "list[float]", [1.0], "Widths.", min=-1e6, max=1e6, min_items=2, max_items=3),
]
SIZES, WIDTHS = SPECS[4], SPECS[5]


def outcome(call, *args):
    """The value, or the one-line message of the CompendiumError; any other exception fails the test."""
    try:
        return call(*args)
    except CompendiumError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 300, str(exc)
        return exc


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80) | st.from_regex(r"\[?[ 0-9eE.,+-]{0,30}\]?", fullmatch=True))
def test_any_text_gives_a_value_or_one_line_error(text):
    for spec in SPECS:
        value = outcome(spec.parse, text)
        if not isinstance(value, CompendiumError):
            assert spec.validate(value) == value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=-(2**70), max_value=2**70), min_size=0, max_size=6),
       st.sampled_from(["{}", "[{}]", " {} "]), st.sampled_from([",", ", ", " ,"]))
def test_integer_lists_read_back_exactly(items, wrapper, separator):
    value = outcome(SIZES.parse, wrapper.format(separator.join(map(str, items))))
    valid = 1 <= len(items) <= 4 and all(1 <= i <= 2**63 - 1 for i in items)
    assert (value == items) if valid else isinstance(value, CompendiumError)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=4),
       st.sampled_from(["{}", "[{}]"]))
def test_float_lists_read_back_exactly(items, wrapper):
    value = outcome(WIDTHS.parse, wrapper.format(",".join(map(repr, items))))
    valid = 2 <= len(items) <= 3 and all(math.isfinite(x) and -1e6 <= x <= 1e6 for x in items)
    assert (value == items) if valid else isinstance(value, CompendiumError)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def read_yaml(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "params.yaml"
        path.write_text(text, encoding="utf-8")
        return outcome(read_params_file, path)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from([s.name for s in SPECS]), yaml_values, max_size=6))
def test_yaml_documents_give_the_values_written_or_one_line_error(mapping):
    data = read_yaml(yaml.safe_dump(mapping))
    assert set(data) == set(mapping)
    for spec in SPECS:
        if spec.name in data:
            value = outcome(spec.validate, data[spec.name])
            if not isinstance(value, CompendiumError):
                assert value == mapping[spec.name]
                assert type(value) is not bool or spec.type == "bool"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200) | st.from_regex(r"[a-z&*:\[\]{},\n !|>-]{0,60}", fullmatch=True))
def test_arbitrary_yaml_text_is_read_or_refused_in_one_line(text):
    read_yaml(text)
