"""The errors a user can meet: refusals by a rule (exit 1) and bad input (exit 2)."""

from __future__ import annotations

from typing import Any

from qdledger.i18n import Text


class LedgerError(Exception):
    """Base of every expected failure; carries a bilingual message and a stable code."""

    code = "error"
    exit_code = 2

    def __init__(self, message: Text, **details: Any) -> None:
        super().__init__(message.en)
        self.text = message
        self.details = details

    @property
    def message(self) -> str:
        return self.text.render()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "rule": None, "citation": None, "message": self.message,
                "limit": None, "used": None, "requested": None, "excess": None, **self.details}


class BadInput(LedgerError):
    """Malformed or impossible input: nothing is written, exit 2."""

    code = "bad_input"


class UnknownId(BadInput):
    """An id that names nothing in the ledger."""

    code = "unknown_id"


class AlreadyExists(BadInput):
    """An id that is already taken."""

    code = "already_exists"


class ConcurrencyGaveUp(LedgerError):
    """Other writers kept changing the same records; the command was retried and gave up."""

    code = "conflict"
    exit_code = 3


class NotPermitted(LedgerError):
    """The actor's role (roles file) or the database login does not allow this command."""

    code = "not_permitted"
    exit_code = 1


class RuleViolation(LedgerError):
    """A command refused by a policy rule, with the rule, its citation and the numbers (fen)."""

    code = "rule_violation"
    exit_code = 1

    def __init__(self, rule: str, citation: str, message: Text, *, limit: int | None = None,
                 used: int | None = None, requested: int | None = None,
                 excess: int | None = None, hint: Text | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.rule = rule
        self.citation = citation
        self.limit, self.used, self.requested = limit, used, requested
        if excess is None and None not in (limit, used, requested):
            excess = max(0, used + requested - limit)
        self.excess = excess
        self.hint = hint

    def as_dict(self) -> dict[str, Any]:
        from qdledger.money import yuan

        return {"code": self.code, "rule": self.rule, "citation": self.citation,
                "message": self.message, "limit": yuan(self.limit), "used": yuan(self.used),
                "requested": yuan(self.requested), "excess": yuan(self.excess),
                "hint": self.hint.render() if self.hint else None, **self.details}
