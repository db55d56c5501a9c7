"""Small builders for subsidy tests: parties, loans, policies and claims in one line each."""

from __future__ import annotations

import zlib
from datetime import date
from fractions import Fraction

from qdledger.enterprises import register_enterprise
from qdledger.errors import LedgerError
from qdledger.ledger.application import Context
from qdledger.money import parse_amount
from qdledger.subsidies.objects import register_insurance, register_loan, repay_loan
from qdledger.subsidies.service import ClaimInput, claim_subsidy

CTX = Context(actor="officer")
D = date.fromisoformat


def valid_code(n: int) -> str:
    """A 统一社会信用代码 with a correct check character, distinct for each n."""
    from qdledger.credit_code import check_character

    body = f"913702{n:011d}"[:17]
    return body + check_character(body)


def party(ledger, key: str, district: str = "崂山区", kind: str = "enterprise", n: int | None = None) -> None:
    register_enterprise(ledger, CTX, key=key, name=f"青岛{key}科技有限公司", credit_code=valid_code(n if n is not None else zlib.crc32(key.encode())),
                        district=district, kind=kind, day=D("2024-01-02"))


def loan(ledger, key: str, owner: str, principal: str, signed: str, maturity: str, mode: str = "tou-dai",
         rate: str = "3.45", lpr: str | None = "3.10", repaid: str | None = None) -> None:
    register_loan(ledger, CTX, loan_id=key, enterprise=owner, principal=parse_amount(principal), rate=Fraction(rate) / 100,
                  signed=D(signed), maturity=D(maturity), mode=mode, lpr=Fraction(lpr) / 100 if lpr else None)
    if repaid:
        repay_loan(ledger, CTX, loan_id=key, day=D(repaid))


def policy(ledger, key: str, owner: str, premium: str, start: str) -> None:
    register_insurance(ledger, CTX, policy_id=key, enterprise=owner, premium=parse_amount(premium), start=D(start))


def claim(ledger, program: str, owner: str, obj: str, day: str, *, trim: bool = False, project: str | None = None, **inputs):
    amounts = {k: parse_amount(v) if isinstance(v, str) and k not in ("grade", "category") else v for k, v in inputs.items()}
    return claim_subsidy(ledger, CTX, program=program, enterprise=owner, object_ref=obj, day=D(day),
                         inputs=ClaimInput(**amounts), project=project, cap_to_headroom=trim)


def refusal(ledger, *args, **kwargs) -> LedgerError:
    try:
        claim(ledger, *args, **kwargs)
    except LedgerError as error:
        return error
    raise AssertionError("the claim was not refused")
