"""Who may do what with a pilot, as named ``rules`` predicates (pretalx ``rules.py``).

Every permission is checked against the partnership (views resolve it with
:func:`coplan.partnerships.queries.get_for`: outsiders 404, members without the permission 403).
Service user representatives see the pilot and its feedback but never costs; observers read
and never write; providers (social enterprise partners) record deliveries only for their own
organisation (:func:`provider_scope`).
"""

import rules

from coplan.costing.rules import sees_costs
from coplan.partnerships.enums import Role
from coplan.partnerships.rules import has_role, is_commissioner, is_manager, is_member, roles_of

from .enums import ResultKind

R = Role
# ``sees_costs`` (every role but service user representatives) is the costing app's rule, the
# one rule for money across the apps: pilots, golden thread, benefits.
records_deliveries = has_role(R.FACILITATOR, R.SE_PARTNER)
enters_kpi_values = has_role(R.FACILITATOR, R.COMMISSIONER, R.EVALUATOR)
gives_feedback = has_role(R.SERVICE_USER, R.FACILITATOR, R.SE_PARTNER)
logs_issues = has_role(R.FACILITATOR, R.COMMISSIONER, R.STEERING, R.SE_PARTNER, R.EVALUATOR)
writes_evaluations = has_role(R.FACILITATOR, R.COMMISSIONER, R.EVALUATOR)
classifies = has_role(R.FACILITATOR, R.COMMISSIONER, R.PROCUREMENT)

rules.add_perm("pilots.view_pilot", is_member)
rules.add_perm("pilots.view_dashboard", is_member)
rules.add_perm("pilots.view_costs", sees_costs)
rules.add_perm("pilots.view_records", sees_costs)
rules.add_perm("pilots.export_returns", sees_costs)
rules.add_perm("pilots.manage_pilot", is_manager)
rules.add_perm("pilots.manage_kpis", is_manager)
rules.add_perm("pilots.approve_extension", is_commissioner)
rules.add_perm("pilots.stop_pilot", is_commissioner)
rules.add_perm("pilots.record_deliveries", records_deliveries)
rules.add_perm("pilots.enter_kpi_values", enters_kpi_values)
rules.add_perm("pilots.view_feedback", is_member)
rules.add_perm("pilots.give_feedback", gives_feedback)
rules.add_perm("pilots.respond_feedback", is_manager)
rules.add_perm("pilots.view_issues", is_member)
rules.add_perm("pilots.log_issue", logs_issues)
rules.add_perm("pilots.view_evaluations", is_member)
rules.add_perm("pilots.write_evaluation", writes_evaluations)
rules.add_perm("pilots.approve_evaluation", is_commissioner)
rules.add_perm("pilots.classify", classifies)


def hidden_kpis(user, partnership, kpis) -> set[int]:
    """Ids of the KPIs among ``kpis`` whose figures (baseline, target, values) ``user`` may not
    see: the ones about money (:attr:`Kpi.uses_costs`), for anyone without ``view_costs``."""
    if user.has_perm("pilots.view_costs", partnership):
        return set()
    return {kpi.pk for kpi in kpis if kpi.uses_costs}


def shown_results(results, show_costs: bool) -> list:
    """Evaluation results as a reader sees them: without actual costs per unit and the results
    of KPIs about money (by their KPI, or by their £ unit once the KPI is gone) unless
    ``show_costs``."""
    if show_costs:
        return list(results)
    return [
        r
        for r in results
        if r.kind != ResultKind.UNIT_COST
        and "£" not in r.unit
        and not (r.kpi_id and r.kpi and r.kpi.uses_costs)
    ]


def provider_scope(user, partnership) -> set[int] | None:
    """Organisation ids ``user`` may record deliveries for: ``None`` means any provider (the
    facilitator); otherwise the organisations of their social enterprise memberships."""
    roles = roles_of(user, partnership)
    if Role.FACILITATOR.value in roles:
        return None
    if Role.SE_PARTNER.value not in roles:
        return set()
    return set(
        partnership.memberships.filter(user=user, role=Role.SE_PARTNER)
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
    )


def record_scope(user, partnership) -> set[int] | None:
    """Providers whose records ``user`` may list: a provider sees only its own."""
    roles = roles_of(user, partnership)
    if roles - {Role.SE_PARTNER.value, Role.SERVICE_USER.value}:
        return None
    return provider_scope(user, partnership)
