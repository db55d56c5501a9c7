"""The 统一社会信用代码 check (GB 32100-2015): valid codes pass, every kind of wrong code says why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdledger.credit_code import ALPHABET, check_character, complete, validate_credit_code
from qdledger.errors import BadInput

PUBLISHED = [
    "914403001922038216",  # an enterprise (9 工商, 1 企业), Shenzhen
    "91440300708461136T",  # check character a letter
    "91330100716105852F",
    "12100000400000624D",  # a public institution (1 机构编制, 2 事业单位), registered nationally
    "53100000500021676K",  # a foundation (5 民政, 3 基金会)
    "91370212MA3C5Y2K1H",  # the examples used throughout qdledger's docs
    "91370282MA94XY3N5D",
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_valid_codes_pass(code):
    assert validate_credit_code(code) == code


def test_codes_are_taken_upper_cased_and_trimmed():
    assert validate_credit_code(" 91440300708461136t ") == "91440300708461136T"


@pytest.mark.parametrize("code, reason", [
    ("91370212MA3C5Y2K1", "must be 18 characters, got 17"),
    ("91370212MA3C5Y2K1HH", "must be 18 characters, got 19"),
    ("", "must be 18 characters, got 0"),
    ("91370212MA3C5Y2KIH", "outside the code alphabet: 'I'"),
    ("91370212MA3C5Y2KOH", "outside the code alphabet: 'O'"),
    ("91370212MA3C5Y2KSH", "outside the code alphabet: 'S'"),
    ("91370212MA3C5Y2KVH", "outside the code alphabet: 'V'"),
    ("91370212MA3C5Y2KZH", "outside the code alphabet: 'Z'"),
    ("91370212MA3C5Y2K-H", "outside the code alphabet: '-'"),
    ("B1370212MA3C5Y2K1H", "registry office code 'B' is invalid"),
    ("0137021200000000XX", "registry office code '0' is invalid"),
    ("97370212MA3C5Y2K1H", "kind-of-body code '7' does not exist under registry office '9'"),
    ("Y2370212MA3C5Y2K1H", "kind-of-body code '2' does not exist under registry office 'Y'"),
    ("91A70212MA3C5Y2K1H", "region code 'A70212'"),
    ("91990212MA3C5Y2K1H", "region code '990212'"),
    ("91370212MA3C5Y2K1X", "check character should be 'H', got 'X'"),
    ("914403001922038217", "check character should be '6', got '7'"),
])
def test_each_kind_of_wrong_code_is_refused_with_its_reason(code, reason):
    with pytest.raises(BadInput) as refused:
        validate_credit_code(code)
    assert reason in refused.value.text.en
    assert "GB 32100-2015" in refused.value.text.en and "GB 32100-2015" in refused.value.text.zh
    assert refused.value.details["field"] == "credit_code"


BODY = st.text(alphabet=ALPHABET, min_size=9, max_size=9)
PREFIX = st.sampled_from(["91370212", "91370282", "92370203", "93110108", "12100000", "52370200", "Y1370200", "A1100000"])


@given(PREFIX, BODY)
def test_any_code_with_its_check_character_passes(prefix, body):
    code = complete(prefix + body)
    assert validate_credit_code(code) == code


@given(PREFIX, BODY, st.integers(min_value=8, max_value=17), st.sampled_from(ALPHABET))
def test_any_single_changed_character_after_the_region_is_caught(prefix, body, position, replacement):
    code = complete(prefix + body)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1:]
    with pytest.raises(BadInput, match="check character"):
        validate_credit_code(changed)


def test_the_check_character_follows_the_weights_of_the_standard():
    # 4.2 of GB 32100-2015: C18 = 31 - (Σ Ci × Wi mod 31), with 31 read as 0
    assert check_character("91440300192203821") == "6"
    assert check_character("00000000000000000") == "0"
