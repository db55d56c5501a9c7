"""Every capability's checks and figures, plugged into the shared extension points in one place.

Imported once by the application, after every module is importable, so no capability module
has to import another's at load time. Figures for ``enterprise show`` are imported when a view
is first made, so a command that shows no enterprise does not load every capability.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from qdledger import enterprises
from qdledger.grants import service as grants
from qdledger.integrity import checks as integrity


def on_first_use(target: str) -> Callable[..., Any]:
    """A function standing for ``module:name``, importing it on its first call."""
    module, _, name = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


grants.RELEASE_CHECKS[0:0] = [integrity.check_not_terminated, integrity.check_not_suspended]
grants.AWARD_CHECKS += [integrity.check_applications_not_held, integrity.check_not_banned]
enterprises.VIEW_EXTENSIONS += [on_first_use("qdledger.equity.views:extend_enterprise_view"),
                                on_first_use("qdledger.integrity.hooks:extend_view"),
                                on_first_use("qdledger.subsidies.service:subsidy_totals")]
