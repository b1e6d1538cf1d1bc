"""Function signatures and subtyping between them."""

from __future__ import annotations

import pytest

from pyrapide.types.signatures import FunctionSignature, is_function_subtype


class Animal: ...


class Dog(Animal): ...


def test_a_function_accepting_more_parameters_is_a_subtype() -> None:
    narrow = FunctionSignature({"name": str})
    wide = FunctionSignature({"name": str, "age": int})
    assert is_function_subtype(wide, narrow)
    assert not is_function_subtype(narrow, wide)


def test_return_types_are_covariant_and_parameter_types_contravariant() -> None:
    returns_dog = FunctionSignature({}, Dog)
    returns_animal = FunctionSignature({}, Animal)
    assert is_function_subtype(returns_dog, returns_animal)
    assert not is_function_subtype(returns_animal, returns_dog)
    takes_animal = FunctionSignature({"pet": Animal})
    takes_dog = FunctionSignature({"pet": Dog})
    assert is_function_subtype(takes_animal, takes_dog)
    assert not is_function_subtype(takes_dog, takes_animal)


def test_unstated_types_constrain_nothing() -> None:
    assert is_function_subtype(FunctionSignature({"x": None}), FunctionSignature({"x": int}, str))


def test_a_signature_is_read_from_a_function() -> None:
    def greet(self, name: str, times: int = 1, *rest: str, loud: bool = False) -> str: ...  # type: ignore[no-untyped-def]

    signature = FunctionSignature.of(greet, skip_self=True)
    assert dict(signature.params) == {"name": str, "times": int, "loud": bool}
    assert signature.return_type is str


def test_params_must_be_a_mapping_and_are_read_only() -> None:
    with pytest.raises(TypeError, match="must map names to types"):
        FunctionSignature(["x"])  # type: ignore[arg-type]
    signature = FunctionSignature({"x": int})
    with pytest.raises(TypeError):
        signature.params["y"] = str  # type: ignore[index]
