"""The pilot itself: overview, record and change it, its services and providers, extensions,
stopping it early."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.core.actions import act
from coplan.partnerships.queries import get_for
from coplan.partnerships.timeline import CONVENTION

from .. import dashboard, domain, forms, queries
from ..models import PilotExtension, PilotProvider, PilotService
from .common import HEADINGS, _ctx


@login_required
def overview(request, pk):
    partnership = get_for(request.user, pk, "pilots.view_pilot")
    pilot = queries.pilot_of(partnership)
    if pilot is None:
        return render(
            request,
            "pilots/none.html",
            {
                "partnership": partnership,
                "heading": "Pilot",
                "nav_partnerships": True,
                "can_create": request.user.has_perm("pilots.manage_pilot", partnership),
                "convention": CONVENTION,
            },
        )
    pilot.partnership = partnership
    board = dashboard.build(
        pilot,
        show_costs=request.user.has_perm("pilots.view_costs", partnership),
        with_charts=False,
    )
    return render(
        request,
        "pilots/overview.html",
        _ctx(
            request,
            partnership,
            pilot,
            months=domain.check_pilot_dates(pilot.starts_on, pilot.effective_ends_on),
            convention=CONVENTION,
            extensions=pilot.extensions.select_related("requested_by", "decided_by"),
            providers=pilot.providers.select_related("organisation"),
            coverage=dashboard.coverage(pilot),
            board=board,
            provider_form=forms.ProviderForm(pilot=pilot),
            decision_form=forms.DecisionForm(),
        ),
    )


@login_required
def pilot_new(request, pk):
    partnership = get_for(request.user, pk, "pilots.manage_pilot")
    if queries.pilot_of(partnership) is not None:
        return redirect("pilots:overview", pk)
    initial = {
        "title": f"{partnership.title}: pilot",
        "starts_on": partnership.pilot_starts_on,
        "ends_on": partnership.pilot_ends_on,
    }
    form = forms.PilotForm(
        request.POST or None, partnership=partnership, creating=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services, providers = data.pop("services"), list(data.pop("providers"))
        done = act(
            request,
            lambda: domain.create_pilot(
                partnership=partnership,
                actor=request.user,
                services=services,
                providers=providers,
                **data,
            ),
            form=form,
            success="Pilot recorded. Next, set up its monitoring framework.",
            to=redirect("pilots:overview", pk),
        )
        if done:
            return done
    return render(
        request,
        "pilots/pilot_form.html",
        {
            "partnership": partnership,
            "heading": HEADINGS["pilot.new"],
            "form": form,
            "nav_partnerships": True,
            "convention": CONVENTION,
            "creating": True,
        },
    )


@login_required
def pilot_edit(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    fields = [
        "title",
        "description",
        "starts_on",
        "ends_on",
        "funding_amount",
        "funding_route",
        "funding_notes",
    ]
    form = forms.PilotForm(
        request.POST or None,
        partnership=partnership,
        initial={f: getattr(pilot, f) for f in fields},
    )
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.update_pilot(pilot=pilot, actor=request.user, **form.cleaned_data),
            form=form,
            success="Pilot details saved.",
            to=redirect("pilots:overview", pk),
        )
        if done:
            return done
    return render(
        request,
        "pilots/pilot_form.html",
        _ctx(request, partnership, pilot, form=form, convention=CONVENTION),
    )


@login_required
def services(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk)
    form = forms.ServiceForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("pilots.manage_pilot", partnership):
            raise PermissionDenied("Only the facilitator or commissioner can change services.")
        if form.is_valid() and (
            done := act(
                request,
                lambda: domain.save_service(pilot=pilot, actor=request.user, **form.cleaned_data),
                form=form,
                success=f"Service “{form.cleaned_data['name']}” added.",
                to=redirect("pilots:services", pk),
            )
        ):
            return done
    return render(
        request,
        "pilots/services.html",
        _ctx(request, partnership, pilot, form=form, services=pilot.services.all()),
    )


@login_required
def service_edit(request, pk, service_pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    service = get_object_or_404(PilotService, pilot=pilot, pk=service_pk)
    form = forms.ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.save_service(
                pilot=pilot, actor=request.user, service=service, **form.cleaned_data
            ),
            form=form,
            success="Service saved.",
            to=redirect("pilots:services", pk),
        )
        if done:
            return done
    return render(
        request,
        "pilots/service_form.html",
        _ctx(request, partnership, pilot, form=form, service=service),
    )


@login_required
@require_POST
def service_remove(request, pk, service_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    service = get_object_or_404(PilotService, pilot=pilot, pk=service_pk)
    return act(
        request,
        lambda: domain.remove_service(service=service, actor=request.user),
        success=lambda _: f"Service “{service.name}” removed.",
        to=redirect("pilots:services", pk),
    )


@login_required
@require_POST
def provider_add(request, pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    form = forms.ProviderForm(request.POST, pilot=pilot)
    if not form.is_valid():
        messages.error(request, "Choose a partner organisation to add.")
        return redirect("pilots:overview", pk)
    return act(
        request,
        lambda: domain.add_provider(
            pilot=pilot, actor=request.user, organisation=form.cleaned_data["organisation"]
        ),
        success=f"{form.cleaned_data['organisation']} added as a provider.",
        to=redirect("pilots:overview", pk),
    )


@login_required
@require_POST
def provider_remove(request, pk, provider_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    provider = get_object_or_404(PilotProvider, pilot=pilot, pk=provider_pk)
    return act(
        request,
        lambda: domain.remove_provider(provider=provider, actor=request.user),
        success=lambda _: f"{provider.organisation} is no longer a provider.",
        to=redirect("pilots:overview", pk),
    )


@login_required
def extension_new(request, pk):
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.manage_pilot")
    form = forms.ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.request_extension(pilot=pilot, actor=request.user, **form.cleaned_data),
            form=form,
            success="Extension requested: the commissioner decides on it.",
            to=redirect("pilots:overview", pk),
        )
        if done:
            return done
    return render(
        request, "pilots/extension_form.html", _ctx(request, partnership, pilot, form=form)
    )


@login_required
def pilot_stop(request, pk):
    """The commissioner records that the pilot stopped before its planned end."""
    partnership, pilot = queries.get_pilot(request.user, pk, "pilots.stop_pilot")
    initial = {"stopped_on": pilot.stopped_on, "reason": pilot.stop_reason}
    form = forms.StopForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = act(
            request,
            lambda: domain.stop_pilot(pilot=pilot, actor=request.user, **form.cleaned_data),
            form=form,
            success=lambda _: f"The pilot is recorded as stopped on {pilot.stopped_on:%d %B %Y}.",
            to=redirect("pilots:overview", pk),
        )
        if done:
            return done
    return render(request, "pilots/stop_form.html", _ctx(request, partnership, pilot, form=form))


@login_required
@require_POST
def extension_decide(request, pk, extension_pk):
    _partnership, pilot = queries.get_pilot(request.user, pk, "pilots.approve_extension")
    extension = get_object_or_404(PilotExtension, pilot=pilot, pk=extension_pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to approve or refuse the extension.")
        return redirect("pilots:overview", pk)
    return act(
        request,
        lambda: domain.decide_extension(
            extension=extension,
            actor=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        ),
        success=lambda _: f"Extension {extension.new_ends_on:%d %B %Y} decided.",
        to=redirect("pilots:overview", pk),
    )
