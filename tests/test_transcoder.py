"""The fast transcoder writes exactly the bytes the library's JSON transcoder writes, and reads both."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, TranscodingNotRegisteredError, UUIDAsHex
from hypothesis import given
from hypothesis import strategies as st

from qdledger.ledger.application import DateAsISO
from qdledger.ledger.transcoder import FastJSONTranscoder


def transcoders():
    pair = JSONTranscoder(), FastJSONTranscoder()
    for transcoder in pair:
        for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
            transcoder.register(transcoding)
    return pair


class Colour(Enum):
    RED = "red"


SAMPLES = [
    {"text": "".join(chr(i) for i in range(0x80)) + "\u2028\u2029中文😀\x7f", "flag": True, "none": None},
    {"ints": [0, -1, 2**63 - 1, -(2**63), 2**64 - 1], "tuple": (1, "a"), "empty": {}, "list": []},
    {"timestamp": datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc), "business_date": date(2024, 2, 29),
     "amount": Decimal("1.10"), "nested": [{"when": date(2024, 1, 1)}, [[date(2025, 1, 1), "x"]]]},
    {"id": UUID("12345678123456781234567812345678"), "ids": [UUID(int=1)]},
    {"float": 1e16, "small": 0.1},
    {"big": 2**70, "negative_big": -(2**64)},
    {1: "non-string key"},
    {"looks_typed": {"_type_": "date_iso", "_data_": "2025-01-01"}, "two_keys": {"a": 1, "b": 2}},
    {"_type_": "uuid_hex", "_data_": "12345678123456781234567812345678"},
]


@pytest.mark.parametrize("state", SAMPLES, ids=range(len(SAMPLES)))
def test_same_bytes_and_same_values(state):
    standard, fast = transcoders()
    written = standard.encode(state)
    assert fast.encode(state) == written
    assert fast.decode(written) == standard.decode(written)


def test_unregistered_types_are_refused_as_before():
    standard, fast = transcoders()
    for value in ({"colour": Colour.RED}, {"when": datetime(2025, 1, 1).time()}, {"set": {1, 2}}):
        with pytest.raises(TranscodingNotRegisteredError):
            standard.encode(value)
        with pytest.raises(TranscodingNotRegisteredError):
            fast.encode(value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text()
    | st.dates() | st.datetimes(timezones=st.just(timezone.utc)) | st.decimals(allow_nan=False, allow_infinity=False) | st.uuids()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_any_state_round_trips_like_the_standard_transcoder(state):
    standard, fast = transcoders()
    written = standard.encode(state)
    assert fast.encode(state) == written
    assert fast.decode(written) == standard.decode(written)
