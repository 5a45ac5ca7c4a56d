"""What every pilot page shares: its heading, the permissions its template asks about, paging."""

from django.core.paginator import Paginator

from coplan.core.permissions import Can

PAGE_SIZE = 25


HEADINGS = {
    "overview": "Pilot",
    "pilot.new": "Record the pilot",
    "pilot.edit": "Change the pilot",
    "services": "Services piloted",
    "service.edit": "Change a service",
    "extension.new": "Request an extension",
    "pilot.stop": "Stop the pilot early",
    "kpis": "Monitoring framework",
    "kpi.new": "Add a KPI",
    "kpi.edit": "Change a KPI",
    "kpi.values": "KPI values",
    "dashboard": "Pilot dashboard",
    "returns": "Monthly returns",
    "records": "Delivery records",
    "record.new": "Record a delivery",
    "record.edit": "Change a delivery record",
    "batches": "Uploads",
    "batch.new": "Upload delivery records",
    "batch": "Upload",
    "batch.progress": "Upload",
    "feedback": "Service user feedback",
    "feedback.new": "Give feedback",
    "feedback.respond": "You said, we did",
    "issues": "Issue log",
    "issue.new": "Log an issue",
    "issue.edit": "Change an issue",
    "evaluations": "Evaluations",
    "evaluation.new": "Start an evaluation",
    "evaluation": "Evaluation",
    "evaluation.edit": "Change the evaluation",
    "evaluation.classify": "Disclosure to bidders",
}


def _ctx(request, partnership, pilot, **extra):
    match = request.resolver_match
    return {
        "partnership": partnership,
        "pilot": pilot,
        "heading": HEADINGS.get(match.url_name if match else "", "Pilot"),
        "nav_partnerships": True,
        "can": Can(request.user, "pilots", partnership),
        **extra,
    }


def _page(request, items, count=None):
    paginator = Paginator(items, PAGE_SIZE)
    if count is not None:
        paginator.count = count  # from the rollups: no COUNT(*) over a million records
    return paginator.get_page(request.GET.get("page"))
