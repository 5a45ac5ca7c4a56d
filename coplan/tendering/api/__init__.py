"""Tendering API: the stateless procurement rules check, tenders (strategy, lots, criteria and
scoring model, community benefit requirements, timetable, evidence pack, publication), bidder
registration, clarifications and addenda, the OCDS release package, and the shared clause
library. The same domain functions and permissions as the pages; refusals are problem bodies
(404 outsiders, 403 role, 422 rule naming the field). Published tenders and their OCDS
packages are public (no token).

One module per resource, each registering its operations on the one ``router`` of ``common``
(mounted by ``coplan.api.urls``); ``schemas`` holds the response schemas several of them share.
"""

# The resources register their operations as they are imported: this order is the order of the
# operations in the OpenAPI document and the API docs, so it is kept by hand.
# isort: off
from . import rules, tenders, documents, model, requirements, timetable  # noqa: F401
from . import publication, clarifications, public, clauses  # noqa: F401

# isort: on
from .clarifications import AddendumIn, AnswerIn
from .clauses import (
    ClauseIn,
    ClauseOut,
    ClausePatch,
    MeasureIn,
    MeasureOut,
    ProxyIn,
    TenderVersionOut,
    WordingIn,
)
from .common import router
from .documents import TenderDocumentOut
from .model import CriterionIn, CriterionPatch, ElementIn, ElementPatch, ModelPatch, TemplateIn
from .public import PublicTenderOut, QuestionIn, RegistrationIn, RegistrationOut
from .publication import (
    PublicationCheckOut,
    TenderEvaluationOut,
    TenderEvidenceOut,
    TenderResultOut,
    TenderYouSaidOut,
)
from .requirements import TenderRequirementIn, TenderRequirementPatch
from .rules import RulesOut, RulesQuery
from .schemas import (
    AddendumOut,
    BlockerOut,
    ClarificationOut,
    LotOut,
    ModelOut,
    ProxyOut,
    TenderCriterionOut,
    TenderElementOut,
    TenderFindingOut,
    TenderOut,
    TenderRequirementOut,
)
from .tenders import LotIn, StrategyPatch, TenderIn
from .timetable import ProblemItem, TimetableIn, TimetableOut

__all__ = [
    "AddendumIn",
    "AddendumOut",
    "AnswerIn",
    "BlockerOut",
    "ClarificationOut",
    "ClauseIn",
    "ClauseOut",
    "ClausePatch",
    "CriterionIn",
    "CriterionPatch",
    "ElementIn",
    "ElementPatch",
    "LotIn",
    "LotOut",
    "MeasureIn",
    "MeasureOut",
    "ModelOut",
    "ModelPatch",
    "ProblemItem",
    "ProxyIn",
    "ProxyOut",
    "PublicTenderOut",
    "PublicationCheckOut",
    "QuestionIn",
    "RegistrationIn",
    "RegistrationOut",
    "RulesOut",
    "RulesQuery",
    "StrategyPatch",
    "TemplateIn",
    "TenderCriterionOut",
    "TenderDocumentOut",
    "TenderElementOut",
    "TenderEvaluationOut",
    "TenderEvidenceOut",
    "TenderFindingOut",
    "TenderIn",
    "TenderOut",
    "TenderRequirementIn",
    "TenderRequirementOut",
    "TenderRequirementPatch",
    "TenderResultOut",
    "TenderVersionOut",
    "TenderYouSaidOut",
    "TimetableIn",
    "TimetableOut",
    "WordingIn",
    "router",
]


# Operation ids stay the ones clients were generated from while this package was one module
# (``coplan_tendering_api_<function>``), whichever module a handler now lives in.
for _path_view in router.path_operations.values():
    for _operation in _path_view.operations:
        _operation.operation_id = (
            _operation.operation_id or f"coplan_tendering_api_{_operation.view_func.__name__}"
        )
