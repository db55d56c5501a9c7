"""Event state to bytes and back: the library's JSON format, written and read by orjson.

The stored bytes are those the library's own JSONTranscoder writes (compact, UTF-8, registered
types as ``{"_type_": name, "_data_": ...}``), so either can read what the other wrote. Values
whose JSON the two libraries would spell differently (floats, UUIDs, enums, non-string keys,
integers beyond 64 bits) go through the library's encoder; state holding very long numbers is
read by the library's decoder.
"""

from __future__ import annotations

import re
from functools import cache
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import JSONTranscoder

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; without it the library's encoder serves
    orjson = None

_PLAIN = frozenset({str, int, bool, type(None), datetime, date, Decimal})
"""Types both encoders spell alike (dates and Decimals through the same registered hook)."""
_NESTED = frozenset({dict, list, tuple})
_SCALAR = frozenset({str, int, bool, type(None)})
_PLAIN_OR_NESTED = _PLAIN | _NESTED
_MARK = b'"_type_"'
_LONG_NUMBER = re.compile(rb"\d{19}")
"""orjson reads integers beyond 64 bits as floats: state with 19 digits in a row is read the standard way."""


def _same_in_both(container: Any) -> bool:
    """True when orjson writes exactly the bytes the standard encoder would: no floats, UUIDs,
    enums or other types orjson knows natively and spells its own way, at any depth."""
    values = container.values() if type(container) is dict else container
    kinds = set(map(type, values))
    if kinds <= _PLAIN:
        return True
    if not kinds <= _PLAIN_OR_NESTED:
        return False
    return all(_same_in_both(value) for value in values if type(value) in _NESTED)


@cache
def _not_native(kind: type) -> bool:
    """A type the standard encoder hands to the registered transcodings (not a subclass of one it writes itself)."""
    return not issubclass(kind, (str, int, float, list, tuple, dict))


class FastJSONTranscoder(JSONTranscoder):
    """JSONTranscoder's format at orjson's speed."""

    OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS if orjson else 0

    def encode(self, obj: Any) -> bytes:
        if orjson is not None and type(obj) is dict:
            state = self._typed_top(obj)
            if state is not None:
                try:
                    return orjson.dumps(state, default=self._encode_obj, option=self.OPTIONS)
                except orjson.JSONEncodeError:  # non-string keys, integers beyond 64 bits, unknown types
                    pass
        return super().encode(obj)

    def _typed_top(self, state: dict[Any, Any]) -> dict[Any, Any] | None:
        """``state`` with its registered values at the top level (an event's timestamp and business
        date) already in their ``{"_type_": ..., "_data_": ...}`` form, as the standard encoder
        writes them, or None when orjson might spell some value differently from it."""
        typed: dict[Any, Any] = {}
        types = self.types
        for key, value in state.items():
            kind = type(value)
            if kind in _SCALAR:
                typed[key] = value
            elif kind in _NESTED:
                if not _same_in_both(value):
                    return None
                typed[key] = value
            elif kind in types and _not_native(kind):
                data = types[kind].encode(value)
                if type(data) not in _SCALAR:
                    return None
                typed[key] = {"_type_": types[kind].name, "_data_": data}
            else:
                return None
        return typed

    def decode(self, data: bytes) -> Any:
        if orjson is None or _LONG_NUMBER.search(data):
            return super().decode(data)
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)
        marks = data.count(_MARK)
        if not marks:
            return value
        if type(value) is dict and self._revive_top(value) == marks:
            return value
        return self._revive(value)

    def _revive_top(self, state: dict[str, Any]) -> int:
        """Revive the registered values stored directly under the top level (timestamps, business
        dates: nearly always all of them); return how many were found."""
        found = 0
        decode = self._decode_obj
        for key, item in state.items():
            if type(item) is dict and len(item) == 2 and "_type_" in item:
                state[key] = decode(item)
                found += 1
        return found

    def _revive(self, value: Any) -> Any:
        """Turn ``{"_type_": ..., "_data_": ...}`` back into objects, innermost first, as the
        standard decoder's object hook does."""
        if type(value) is dict:
            for key, item in value.items():
                kind = type(item)
                if kind is dict or kind is list:
                    value[key] = self._revive(item)
            return self._decode_obj(value) if len(value) == 2 else value
        for index, item in enumerate(value):
            kind = type(item)
            if kind is dict or kind is list:
                value[index] = self._revive(item)
        return value
