"""Benefits pages: glue that resolves, checks permission, calls the domain, renders.

Outsiders get 404 and members without the permission 403 (``partnerships.queries.get_for``).
The SROI calculator (``calculator``) is open to anyone signed in and saves nothing.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from coplan.bidding.models import Commitment, Contract
from coplan.core import clock
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.core.forms import add_domain_error
from coplan.core.pdf import render_pdf
from coplan.core.permissions import Can
from coplan.core.tables import write_xlsx
from coplan.core.uploads import attachment_response
from coplan.partnerships import queries as partnerships
from coplan.partnerships.models import Partnership

from . import calc, domain, monitoring, ocds, queries, reports, social, thread
from .forms import (
    AnalysisForm,
    CalculatorForm,
    CalculatorOutcomeForm,
    CompleteRemedyForm,
    EvidenceForm,
    OutcomeForm,
    QueryForm,
    RemedyForm,
    ResubmitForm,
    RetentionForm,
    ReturnForm,
    ThresholdsForm,
)
from .models import (
    EvidenceFile,
    QuarterlyReturn,
    RemedialPlan,
    ReturnLine,
    SroiAnalysis,
    SroiOutcome,
)
from .reports import AnnualReport
from .rules import can_submit_for

MAX_ROWS = 20


def _get(request, pk, perm="benefits.view_benefits"):
    return partnerships.get_for(request.user, pk, perm)


def _global_url(name: str) -> str:
    """A page of ``urls_global``, or "" while it is not mounted."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def calculator_url() -> str:
    return _global_url("benefits_global:calculator")


def _ctx(request, partnership, **extra):
    return {
        "partnership": partnership,
        "calculator_url": calculator_url(),
        "nav_partnerships": True,
        "can": Can(request.user, "benefits", partnership),
        **extra,
    }


def _form_page(request, partnership, form, heading, button, back, **extra):
    return render(
        request,
        "benefits/form.html",
        _ctx(request, partnership, form=form, heading=heading, button=button, back=back, **extra),
    )


# --- the calculator -------------------------------------------------------------------------


def _rows(request) -> int:
    try:
        rows = int(request.POST.get("rows", 3))
    except ValueError:
        rows = 3
    return min(max(rows, 1), MAX_ROWS)


@login_required
def calculator(request):
    """Anyone signed in: enter a value map, see PV, NPV, ratio, payback and sensitivity."""
    rows = _rows(request) if request.method == "POST" else 3
    data = request.POST if request.method == "POST" else None
    more = request.POST.get("action") == "more" and rows < MAX_ROWS
    form = CalculatorForm(data, initial={"discount_rate": calc.DEFAULT_DISCOUNT_RATE})
    outcomes = [CalculatorOutcomeForm(data, prefix=f"o{i}", number=i + 1) for i in range(rows)]
    summary = None
    if data is not None and more:
        outcomes.append(CalculatorOutcomeForm(prefix=f"o{rows}", number=rows + 1))
        rows += 1
        form = CalculatorForm(data)
        form.is_bound = True
    elif data is not None:
        valid = form.is_valid() & all([o.is_valid() for o in outcomes])
        filled = [o for o in outcomes if o.is_valid() and not o.cleaned_data.get("blank")]
        if valid and not filled:
            outcomes[0].add_error("name", "Enter at least one outcome")
            valid = False
        if valid:
            try:
                summary = calc.analyse(
                    investment=form.cleaned_data["investment"],
                    outcomes=[o.as_calc() for o in filled],
                    discount_rate=form.cleaned_data["discount_rate"],
                )
            except calc.CalcInputError as error:
                form.add_error(None, error.message)
    errors = []
    if data is not None and not more:
        errors = list(form.error_list()) if form.errors else []
        for o in outcomes:
            errors += [(a, f"Outcome {o.number}: {m}") for a, m in o.error_list()]
    return render(
        request,
        "benefits/calculator.html",
        {
            "calc_form": form,
            "outcome_forms": outcomes,
            "rows": rows,
            "errors": errors,
            "summary": summary,
            "convention": calc.CONVENTION,
            "more_allowed": rows < MAX_ROWS,
        },
    )


# --- saved analyses -------------------------------------------------------------------------


def _contracts(partnership):
    found = Contract.objects.filter(tender__partnership=partnership).select_related("supplier")
    return found if found.exists() else None


def _analysis(partnership, analysis_pk):
    return get_object_or_404(
        SroiAnalysis.objects.prefetch_related("outcomes"), partnership=partnership, pk=analysis_pk
    )


@login_required
def sroi_list(request, pk):
    partnership = _get(request, pk, "benefits.view_sroi")
    analyses = list(partnership.sroi_analyses.prefetch_related("outcomes"))
    rows = [(a, a.summary()) for a in analyses]
    return render(request, "benefits/sroi_list.html", _ctx(request, partnership, rows=rows))


@login_required
def sroi_new(request, pk):
    partnership = _get(request, pk, "benefits.manage_sroi")
    form = AnalysisForm(request.POST or None, contracts=_contracts(partnership))
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.create_analysis(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=lambda analysis: f"{analysis} saved. Now add its outcomes.",
            to=lambda analysis: analysis,
        )
        if done:
            return done
    return _form_page(
        request, partnership, form, "New SROI analysis", "Save the analysis", "benefits:sroi.list"
    )


@login_required
def sroi_detail(request, pk, analysis_pk):
    partnership = _get(request, pk, "benefits.view_sroi")
    analysis = _analysis(partnership, analysis_pk)
    return render(
        request,
        "benefits/sroi_detail.html",
        _ctx(
            request,
            partnership,
            analysis=analysis,
            outcomes=list(analysis.outcomes.all()),
            summary=analysis.summary(),
            convention=calc.CONVENTION,
        ),
    )


@login_required
def sroi_edit(request, pk, analysis_pk):
    partnership = _get(request, pk, "benefits.manage_sroi")
    analysis = _analysis(partnership, analysis_pk)
    form = AnalysisForm(request.POST or None, instance=analysis, contracts=_contracts(partnership))
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_analysis(
                analysis=SroiAnalysis.objects.get(pk=analysis.pk),
                actor=request.user,
                **form.cleaned_data,
            ),
            form=form,
            success="Analysis saved.",
            to=analysis,
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        form,
        f"Change {analysis}",
        "Save the analysis",
        "benefits:sroi.list",
        analysis=analysis,
    )


@login_required
@require_POST
def sroi_delete(request, pk, analysis_pk):
    partnership = _get(request, pk, "benefits.manage_sroi")
    analysis = _analysis(partnership, analysis_pk)
    domain.delete_analysis(analysis=analysis, actor=request.user)
    messages.success(request, f"{analysis.title} deleted.")
    return redirect("benefits:sroi.list", pk)


@login_required
def outcome_add(request, pk, analysis_pk):
    partnership = _get(request, pk, "benefits.manage_sroi")
    analysis = _analysis(partnership, analysis_pk)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.add_outcome(analysis=analysis, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda outcome: f"Outcome “{outcome}” added.",
            to=analysis,
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        form,
        f"Add an outcome to {analysis}",
        "Add the outcome",
        "benefits:sroi.list",
        analysis=analysis,
    )


@login_required
@require_POST
def outcome_remove(request, pk, analysis_pk, outcome_pk):
    partnership = _get(request, pk, "benefits.manage_sroi")
    analysis = _analysis(partnership, analysis_pk)
    outcome = get_object_or_404(SroiOutcome, analysis=analysis, pk=outcome_pk)
    domain.remove_outcome(outcome=outcome, actor=request.user)
    messages.success(request, f"Outcome “{outcome}” removed.")
    return redirect(analysis)


# --- overview and the golden thread -----------------------------------------------------------


@login_required
def overview(request, pk):
    partnership = _get(request, pk)
    graph = thread.build(partnership, request.user)
    analyses = (
        list(partnership.sroi_analyses.prefetch_related("outcomes"))
        if request.user.has_perm("benefits.view_sroi", partnership)
        else []
    )
    return render(
        request,
        "benefits/overview.html",
        _ctx(
            request,
            partnership,
            counts=graph.counts(),
            broken=graph.broken_counts(),
            analyses=[(a, a.summary()) for a in analyses],
            contracts=[
                (c, monitoring.monitor(c).counts) for c in queries.contracts_of(partnership)
            ],
            reports_url=_global_url("benefits_global:reports"),
        ),
    )


@login_required
def thread_view(request, pk):
    partnership = _get(request, pk, "benefits.view_thread")
    graph = thread.build(partnership, request.user)
    return render(
        request,
        "benefits/thread.html",
        _ctx(
            request,
            partnership,
            chains=thread.chains(graph),
            broken=graph.broken,
            broken_counts=graph.broken_counts(),
            counts=graph.counts(),
            costs_hidden=graph.costs_hidden,
        ),
    )


@login_required
def thread_item(request, pk, kind, item_pk):
    partnership = _get(request, pk, "benefits.view_thread")
    found = thread.find(partnership, request.user, kind, item_pk)
    if found is None:
        raise Http404("No such item in this partnership's thread")
    graph, node = found
    upstream, downstream = graph.around(node.key)
    return render(
        request,
        "benefits/thread_item.html",
        _ctx(
            request,
            partnership,
            node=node,
            upstream=upstream,
            downstream=downstream,
            costs_hidden=any(n.costs_hidden for n in (node, *upstream, *downstream)),
        ),
    )


def public(request, pk):
    """No login: what the partnership's contracts promised and what has been delivered."""
    partnership = get_object_or_404(Partnership.objects.select_related("lead_authority"), pk=pk)
    report = queries.public_report(partnership)
    return render(
        request,
        "benefits/public.html",
        {"partnership": partnership, "report": report, "illustrative": partnership.is_illustrative},
    )


def public_ocds(request, pk, tender_pk):
    """No login: open data for a published tender of the partnership that has a contract: the
    tender's OCDS release package with an implementation release per contract (commitments as
    delivery milestones, verified return lines as reporting milestones)."""
    tender = get_object_or_404(
        queries.public_tenders(pk).select_related("partnership__lead_authority"), pk=tender_pk
    )
    response = JsonResponse(ocds.release_package(tender), json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Disposition"] = f'inline; filename="{tender.reference}-ocds.json"'
    return response


# --- contract monitoring ----------------------------------------------------------------------


def _contract(partnership, contract_pk):
    return get_object_or_404(
        Contract.objects.select_related("tender__partnership", "supplier", "consortium"),
        tender__partnership=partnership,
        pk=contract_pk,
    )


def _line(partnership, line_pk):
    return get_object_or_404(
        ReturnLine.objects.select_related(
            "quarterly_return__contract__tender__partnership",
            "quarterly_return__contract__supplier",
            "commitment",
        ),
        quarterly_return__contract__tender__partnership=partnership,
        pk=line_pk,
    )


def _supplier_only(request, contract):
    if not can_submit_for(request.user, contract):
        raise PermissionDenied("Only the contractor's people submit its returns.")


@login_required
def contract_detail(request, pk, contract_pk):
    partnership = _get(request, pk, "benefits.view_returns")
    contract = _contract(partnership, contract_pk)
    state = monitoring.monitor(contract)
    return render(
        request,
        "benefits/contract.html",
        _ctx(
            request,
            partnership,
            contract=contract,
            state=state,
            is_supplier=can_submit_for(request.user, contract),
            social_value=social.social_value(contract, state),
        ),
    )


@login_required
def return_new(request, pk, contract_pk):
    partnership = _get(request, pk, "benefits.submit_returns")
    contract = _contract(partnership, contract_pk)
    _supplier_only(request, contract)
    today = clock.today()
    done = set(contract.benefit_returns.values_list("period_start", flat=True))
    quarters = [
        q
        for q in calc.quarters(contract.starts_on, contract.ends_on)
        if q[1] <= today and q[0] not in done
    ]
    commitments = list(contract.commitments.select_related("measure__clause"))
    recruitment = {c.pk for c in commitments if monitoring.is_recruitment(c)}
    form = ReturnForm(
        request.POST or None,
        request.FILES or None,
        quarters=quarters,
        commitments=commitments,
        recruitment=recruitment,
    )
    if request.method == "POST" and form.is_valid():
        added = []  # evidence files written, removed again if the return is rolled back
        try:
            with transaction.atomic():
                ret = domain.submit_return(
                    contract=contract,
                    actor=request.user,
                    period_start=dt.date.fromisoformat(form.cleaned_data["period_start"]),
                    lines=form.lines(),
                    notes=form.cleaned_data["notes"],
                )
                lines = {ln.commitment_id: ln for ln in ret.lines.all()}
                for commitment, upload in form.uploads().items():
                    if commitment.pk in lines:
                        try:
                            added.append(
                                domain.add_evidence(
                                    line=lines[commitment.pk], actor=request.user, upload=upload
                                )
                            )
                        except DomainError as error:
                            raise DomainError(
                                error.message, code=error.code, field=f"file_{commitment.pk}"
                            ) from None
        except DomainError as error:
            for evidence in added:
                evidence.file.delete(save=False)  # no rows, so no orphan files either
            add_domain_error(form, error)
        else:
            messages.success(request, f"Return for {ret} submitted for verification.")
            return redirect("benefits:return", pk, ret.pk)
    return render(
        request,
        "benefits/return_form.html",
        _ctx(request, partnership, form=form, contract=contract, no_quarters=not quarters),
    )


@login_required
def return_detail(request, pk, return_pk):
    partnership = _get(request, pk, "benefits.view_returns")
    ret = get_object_or_404(
        QuarterlyReturn.objects.select_related(
            "contract__supplier", "contract__tender", "submitted_by"
        ),
        contract__tender__partnership=partnership,
        pk=return_pk,
    )
    lines = list(ret.lines.select_related("commitment", "reviewed_by").prefetch_related("evidence"))
    return render(
        request,
        "benefits/return.html",
        _ctx(
            request,
            partnership,
            ret=ret,
            contract=ret.contract,
            lines=lines,
            is_supplier=can_submit_for(request.user, ret.contract),
            query_form=QueryForm(),
        ),
    )


@login_required
@require_POST
def line_verify(request, pk, line_pk):
    partnership = _get(request, pk, "benefits.verify_returns")
    line = _line(partnership, line_pk)
    return act(
        request,
        lambda: domain.verify_line(line=line, actor=request.user),
        success=f"{line.commitment.description}: verified.",
        to=redirect("benefits:return", pk, line.quarterly_return_id),
    )


@login_required
def line_query(request, pk, line_pk):
    partnership = _get(request, pk, "benefits.verify_returns")
    line = _line(partnership, line_pk)
    form = QueryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.query_line(
                line=line, actor=request.user, query=form.cleaned_data["query"]
            ),
            form=form,
            success=f"{line.commitment.description}: queried.",
            to=redirect("benefits:return", pk, line.quarterly_return_id),
        )
        if done:
            return done
    return _line_page(request, partnership, line, form, "Query the line", "Send the query")


def _line_page(request, partnership, line, form, heading, button):
    return render(
        request,
        "benefits/line_form.html",
        _ctx(request, partnership, form=form, line=line, heading=heading, button=button),
    )


@login_required
def line_resubmit(request, pk, line_pk):
    partnership = _get(request, pk, "benefits.submit_returns")
    line = _line(partnership, line_pk)
    _supplier_only(request, line.quarterly_return.contract)
    form = ResubmitForm(
        request.POST or None, initial={"actual": line.actual, "additional": line.additional}
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.resubmit_line(line=line, actor=request.user, **form.cleaned_data),
            form=form,
            success=f"{line.commitment.description}: answered.",
            to=redirect("benefits:return", pk, line.quarterly_return_id),
        )
        if done:
            return done
    return _line_page(request, partnership, line, form, "Answer the query", "Resubmit the line")


@login_required
def line_evidence(request, pk, line_pk):
    partnership = _get(request, pk, "benefits.submit_returns")
    line = _line(partnership, line_pk)
    _supplier_only(request, line.quarterly_return.contract)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.add_evidence(
                line=line, actor=request.user, upload=form.cleaned_data["file"]
            ),
            form=form,
            success="Evidence added.",
            to=redirect("benefits:return", pk, line.quarterly_return_id),
        )
        if done:
            return done
    return _line_page(request, partnership, line, form, "Add evidence", "Upload the file")


@login_required
def line_retention(request, pk, line_pk):
    partnership = _get(request, pk, "benefits.submit_returns")
    line = _line(partnership, line_pk)
    _supplier_only(request, line.quarterly_return.contract)
    form = RetentionForm(
        request.POST or None,
        initial={"in_post_26": line.in_post_26, "in_post_52": line.in_post_52},
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.record_retention(line=line, actor=request.user, **form.cleaned_data),
            form=form,
            success="Retention recorded.",
            to=redirect("benefits:return", pk, line.quarterly_return_id),
        )
        if done:
            return done
    return _line_page(request, partnership, line, form, "Record retention", "Save")


@login_required
def evidence_download(request, pk, evidence_pk):
    partnership = _get(request, pk, "benefits.view_returns")
    evidence = get_object_or_404(
        EvidenceFile,
        line__quarterly_return__contract__tender__partnership=partnership,
        pk=evidence_pk,
    )
    # The type follows the (cleaned) name's extension, never the type the browser declared.
    return attachment_response(evidence.file, evidence.name)


@login_required
def remedy_new(request, pk, commitment_pk):
    partnership = _get(request, pk, "benefits.plan_remedy")
    commitment = get_object_or_404(
        Commitment.objects.select_related("contract__tender__partnership", "contract__supplier"),
        contract__tender__partnership=partnership,
        pk=commitment_pk,
    )
    if not (
        can_submit_for(request.user, commitment.contract)
        or request.user.has_perm("benefits.verify_returns", partnership)
    ):
        raise PermissionDenied("Only the contractor or the contract manager plans a remedy.")
    form = RemedyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.plan_remedy(
                commitment=commitment, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success=f"Remedial plan for {commitment.description} recorded.",
            to=redirect("benefits:contract", pk, commitment.contract_id),
        )
        if done:
            return done
    return render(
        request,
        "benefits/remedy_form.html",
        _ctx(request, partnership, form=form, commitment=commitment),
    )


@login_required
def thresholds(request, pk):
    partnership = _get(request, pk, "benefits.verify_returns")
    current = monitoring.thresholds_for(partnership)
    form = ThresholdsForm(
        request.POST or None,
        initial={"green_percent": current.green, "amber_percent": current.amber},
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.set_thresholds(
                partnership=partnership, actor=request.user, **form.cleaned_data
            ),
            form=form,
            success="RAG thresholds saved.",
            to=redirect("benefits:overview", pk),
        )
        if done:
            return done
    return _form_page(
        request,
        partnership,
        form,
        "RAG thresholds",
        "Save the thresholds",
        "benefits:overview",
        hint="Each commitment's verified actual is compared with its pro-rata target: green "
        "at or above the first figure, amber at or above the second, red below.",
    )


# --- the authority's annual report (outside any partnership) ---------------------------------


def _authority(request, org_pk):
    found = reports.authorities_for(request.user).filter(pk=org_pk).first()
    if found is None:
        raise Http404("No such authority, or you cannot see its reports")
    return found


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("No such financial year")
    return year


@login_required
def report_index(request):
    today = clock.today()
    current = calc.financial_year(today)
    authorities = list(
        reports.authorities_for(request.user)
        .filter(led_partnerships__isnull=False)
        .distinct()
        .order_by("name")
    )
    return render(
        request,
        "benefits/report_index.html",
        {"authorities": authorities, "years": list(range(current, current - 20, -1))},
    )


@login_required
def report(request, org_pk, year):
    authority = _authority(request, org_pk)
    data = reports.annual_report(authority, _year(year))
    return render(
        request,
        "benefits/report.html",
        {
            "report": data,
            "illustrative": data.illustrative,
            "authority": authority,
            "threads": _threads(request, data),
        },
    )


def _threads(request, data) -> list:
    """The golden thread of each partnership in the report, as the reader may see it."""
    partnerships = {c.tender.partnership_id: c.tender.partnership for c in data.contracts}
    return thread.summaries(partnerships.values(), request.user)


@login_required
def report_xlsx(request, org_pk, year):
    authority = _authority(request, org_pk)
    data = reports.annual_report(authority, _year(year))
    body = write_xlsx(AnnualReport.COLUMNS, data.rows(), title=f"Benefits {data.label}")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="community-benefits-{authority.pk}-{year}.xlsx"'
    )
    return response


@login_required
def report_pdf(request, org_pk, year):
    authority = _authority(request, org_pk)
    data = reports.annual_report(authority, _year(year))
    title = f"Community benefits {data.label}: {authority}"
    body = render_pdf(
        "benefits/report_pdf.html",
        {
            "report": data,
            "illustrative": data.illustrative,
            "generated_at": data.generated_at,
            "threads": _threads(request, data),
        },
        title=title,
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="community-benefits-{authority.pk}-{year}.pdf"'
    )
    return response


@login_required
def remedy_complete(request, pk, plan_pk):
    partnership = _get(request, pk, "benefits.verify_returns")
    plan = get_object_or_404(
        RemedialPlan.objects.select_related(
            "commitment__contract__tender__partnership", "commitment__contract__supplier"
        ),
        commitment__contract__tender__partnership=partnership,
        pk=plan_pk,
    )
    form = CompleteRemedyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.complete_remedy(plan=plan, actor=request.user, **form.cleaned_data),
            form=form,
            success="Remedial plan closed.",
            to=redirect("benefits:contract", pk, plan.commitment.contract_id),
        )
        if done:
            return done
    return render(
        request,
        "benefits/remedy_form.html",
        _ctx(
            request,
            partnership,
            form=form,
            commitment=plan.commitment,
            heading="Close the remedial plan",
            button="Close the plan",
            plan=plan,
        ),
    )
