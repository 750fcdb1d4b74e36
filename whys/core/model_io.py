"""The domain dataclasses (whys.core.models) to and from JSON, checked by pydantic.

The models are plain dataclasses so that importing them stays cheap; pydantic (about 50 ms
to import, and more to build a validator) is needed only where a file is read or written
or a JSON schema is built. It is imported here on first use, and each class's TypeAdapter
is built once per process.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import TypeAdapter

T = TypeVar("T")

# pydantic says this of an unknown key in a dataclass; a pydantic model (what whys used
# before) said "Extra inputs are not permitted", which is what users and tests have seen.
_UNKNOWN_KEY = "unexpected_keyword_argument"
_UNKNOWN_KEY_MESSAGE = "Extra inputs are not permitted"


class InvalidDataError(ValueError):
    """Data that does not fit the class: `where` (a dotted path, or "top level") and
    `problem` say what the first mismatch is, for a one-line message naming the file."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@cache
def _adapter(cls: type[T]) -> TypeAdapter[T]:
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def from_data(cls: type[T], data: Any) -> T:
    """An instance of `cls` from JSON-shaped data, validated (unknown keys, wrong types and
    values outside a Literal are refused with InvalidDataError)."""
    from pydantic import ValidationError

    try:
        return _adapter(cls).validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "top level"
        problem = first.get("msg", "invalid")
        if first.get("type") == _UNKNOWN_KEY:
            problem = _UNKNOWN_KEY_MESSAGE
        raise InvalidDataError(where, problem) from error


def to_json_data(obj: object) -> Any:
    """The object as JSON-ready data (dicts, lists, strings, numbers; datetimes as ISO
    text), fields in their declared order."""
    return _adapter(type(obj)).dump_python(obj, mode="json")


def to_json_text(obj: object, indent: int | None = None) -> str:
    """The object as JSON text: compact without `indent`, fields in their declared order."""
    return _adapter(type(obj)).dump_json(obj, indent=indent).decode("utf-8")


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The JSON schema of a class: its docstring and its fields' `about(...)` descriptions."""
    return _adapter(cls).json_schema()
