"""Every capability's checks and figures, plugged into the shared extension points in one place.

Imported once by the application, after every module is importable, so no capability module
has to import another's at load time.
"""

from __future__ import annotations

from qdledger import enterprises
from qdledger.equity.views import extend_enterprise_view
from qdledger.grants import service as grants
from qdledger.integrity import checks as integrity
from qdledger.integrity.hooks import extend_view as integrity_view
from qdledger.subsidies.service import subsidy_totals

grants.RELEASE_CHECKS[0:0] = [integrity.check_not_terminated, integrity.check_not_suspended]
grants.AWARD_CHECKS += [integrity.check_applications_not_held, integrity.check_not_banned]
enterprises.VIEW_EXTENSIONS += [extend_enterprise_view, integrity_view, subsidy_totals]
