"""Function signatures as data, and subtyping between them (RAPIDE's function types)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

__all__ = ["FunctionSignature", "is_function_subtype"]


@dataclass(frozen=True)
class FunctionSignature:
    """The parameters (name -> type) and the return type of a callable.

    A type of None means "not stated". `FunctionSignature.of(function)` reads
    one from a Python function's annotations; the parameters are kept in
    declaration order and cannot be changed afterwards.
    """

    params: Mapping[str, Any] = field(default_factory=dict)
    return_type: Any = None

    def __post_init__(self) -> None:
        if not isinstance(self.params, Mapping):
            raise TypeError(
                f"FunctionSignature params must map names to types, got "
                f"{type(self.params).__name__}"
            )
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @classmethod
    def of(cls, function: Callable[..., Any], *, skip_self: bool = False) -> FunctionSignature:
        """The signature of `function`, from its annotations (None where there is none).

        `skip_self` leaves out the first parameter (a method's `self`). `*args`
        and `**kwargs` are not named parameters and are left out. Raises
        TypeError when Python cannot read the callable's signature.
        """
        try:
            signature = inspect.signature(function, eval_str=True)
        except (TypeError, ValueError, NameError) as error:
            raise TypeError(f"cannot read the signature of {function!r}: {error}") from None
        parameters = list(signature.parameters.values())
        if skip_self and parameters:
            parameters = parameters[1:]
        named = (
            inspect.Parameter.POSITIONAL_ONLY,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            inspect.Parameter.KEYWORD_ONLY,
        )
        params = {
            p.name: None if p.annotation is inspect.Parameter.empty else p.annotation
            for p in parameters
            if p.kind in named
        }
        returned = signature.return_annotation
        return cls(params, None if returned is inspect.Signature.empty else returned)


def _is_subtype_of(candidate: Any, target: Any) -> bool:
    """Whether a value of type `candidate` may stand where `target` is expected."""
    if candidate is None or target is None or candidate is target:
        return True  # an unstated type constrains nothing
    if isinstance(candidate, type) and isinstance(target, type):
        return issubclass(candidate, target)
    return bool(candidate == target)  # generic aliases and strings compare as written


def is_function_subtype(f1: FunctionSignature, f2: FunctionSignature) -> bool:
    """Whether a function of signature `f1` may be used where one of `f2` is expected.

    `f1` must accept every parameter `f2` names (it may accept more), each at a
    type at least as general as `f2`'s (contravariance), and return a type
    that is a subtype of `f2`'s return type (covariance). Unstated types
    (None) are compatible with anything.
    """
    for name, expected in f2.params.items():
        if name not in f1.params:
            return False
        if not _is_subtype_of(expected, f1.params[name]):
            return False
    return _is_subtype_of(f1.return_type, f2.return_type)
