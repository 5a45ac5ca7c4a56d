"""The REST API: one NinjaAPI; each app contributes its router from ``<app>/api.py`` (or, for
tendering, the ``tendering/api/`` package, one module per resource)."""

from ninja import NinjaAPI

from coplan.benefits.api import router as benefits_router
from coplan.bidding.api import router as bidding_router
from coplan.consortium.api import router as consortium_router
from coplan.core.api import router as core_router
from coplan.costing.api import router as costing_router
from coplan.design.api import router as design_router
from coplan.governance.api import router as governance_router
from coplan.ops.api import router as ops_router
from coplan.partnerships.api import planning_router
from coplan.partnerships.api import router as partnerships_router
from coplan.pilots.api import router as pilots_router
from coplan.tendering.api import router as tendering_router
from coplan.tendering.scoring.api import router as scoring_router

from . import problems
from .auth import AUTH

api = NinjaAPI(
    title="Coplan API",
    version="1",
    description="Run Public Social Partnerships: partnerships, members, stages and gates, "
    "timeline rules, organisations, statutory thresholds and the audit trail. Authenticate "
    "with a personal API token: `Authorization: Bearer <token>`. Errors are problem bodies "
    "(RFC 9457).",
    auth=AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
problems.install(api)
problems.install_model_validation(api)
api.add_router("/partnerships", partnerships_router)
api.add_router("/planning", planning_router)
api.add_router("/", design_router)
api.add_router("/", governance_router)
api.add_router("/", pilots_router)
api.add_router("/", costing_router)
api.add_router("/", consortium_router)
api.add_router("/", tendering_router)
api.add_router("/", scoring_router)
api.add_router("/", bidding_router)
api.add_router("/", benefits_router)
api.add_router("/", core_router)
api.add_router("/", ops_router)
