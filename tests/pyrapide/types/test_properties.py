"""Properties of subtyping and payload checks over generated interfaces."""

import inspect

from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.types import action, interface, interface_actions, is_subtype, provides

NAMES = st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon", "zeta"])
OPERATIONS = st.dictionaries(NAMES, st.sampled_from([action, provides]), max_size=5)


def make_interface(name: str, operations: dict, bases: tuple = ()) -> type:
    namespace = {member: marker(lambda self: None) for member, marker in operations.items()}
    return interface(type(name, bases, namespace))


@settings(max_examples=100, deadline=None)
@given(OPERATIONS, OPERATIONS)
def test_subtyping_is_inclusion_of_operation_names(first, second):
    a, b = make_interface("A", first), make_interface("B", second)
    assert is_subtype(a, b) == (set(second) <= set(first))


@settings(max_examples=100, deadline=None)
@given(OPERATIONS, OPERATIONS, OPERATIONS)
def test_subtyping_is_transitive(first, second, third):
    a, b, c = (make_interface(n, ops) for n, ops in zip("ABC", (first, second, third),
                                                        strict=True))
    if is_subtype(a, b) and is_subtype(b, c):
        assert is_subtype(a, c)


@settings(max_examples=100, deadline=None)
@given(OPERATIONS, OPERATIONS)
def test_an_extending_interface_is_always_a_subtype(base_operations, own_operations):
    base = make_interface("Base", base_operations)
    derived = make_interface("Derived", own_operations, (base,))
    assert is_subtype(derived, base)
    # Marks accumulate: a base action stays an action even where Derived re-marks it.
    expected = {
        f"Derived.{name}"
        for operations in (base_operations, own_operations)
        for name, marker in operations.items()
        if marker is action
    }
    assert set(interface_actions(derived)) == expected


FIELDS = st.dictionaries(NAMES, st.booleans(), max_size=5)  # name -> required


@settings(max_examples=150, deadline=None)
@given(FIELDS, st.sets(st.sampled_from(["alpha", "beta", "gamma", "delta", "omega"])))
def test_payload_problems_are_exactly_unknown_and_missing_fields(fields, payload_keys):
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=inspect.Parameter.empty if required else None,
        )
        for name, required in fields.items()
    ]

    def emit(self, **values):
        return values

    emit.__signature__ = inspect.Signature(parameters)
    sink = interface(type("Sink", (), {"emit": action(emit)}))
    spec = interface_actions(sink)["Sink.emit"]
    assert spec.field_names == tuple(fields)
    payload = dict.fromkeys(payload_keys, 1)
    unknown = payload_keys - set(fields)
    missing = {name for name, required in fields.items() if required} - payload_keys
    problems = spec.payload_problems(payload)
    assert (problems == []) == (not unknown and not missing)
    assert len(problems) == len(unknown) + (1 if missing else 0)
