"""Pages across partnerships, mounted at ``governance/``: a person's actions, the
intermediary's "what needs doing", the person's register of interests and calendar feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.partnerships import queries as partnership_queries

from . import domain, ical, queries
from .forms import InterestForm
from .models import Body, Interest


def _feed_url(request, name, *args) -> str:
    return request.build_absolute_uri(reverse(f"governance_personal:{name}", args=args))


@login_required
def my_actions(request):
    include_closed = request.GET.get("show") == "all"
    return render(
        request,
        "governance/my_actions.html",
        {
            "actions": queries.actions_for(request.user, include_closed=include_closed)[:200],
            "include_closed": include_closed,
            "today": clock.today(),
            "review_due": queries.review_due(request.user),
        },
    )


@login_required
def needs_doing(request):
    todos = queries.needs_doing(request.user)
    if not todos and not queries.managed_partnerships(request.user).exists():
        raise PermissionDenied(
            "This page lists what needs doing in the partnerships you run as facilitator or "
            "commissioner."
        )
    return render(request, "governance/needs_doing.html", {"todos": todos})


@login_required
def my_interests(request):
    form = InterestForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            done := act(
                request,
                lambda: domain.declare_interest(
                    user=request.user, actor=request.user, **form.cleaned_data
                ),
                form=form,
                success="Interest added to your register.",
                to="governance_personal:interests",
            )
        )
    ):
        return done
    today = clock.today()
    entries = list(Interest.objects.filter(user=request.user).select_related("organisation"))
    review = queries.last_review(request.user)
    return render(
        request,
        "governance/my_interests.html",
        {
            "form": form,
            "current": [i for i in entries if i.is_current_on(today)],
            "past": [i for i in entries if not i.is_current_on(today)],
            "review": review,
            "review_due": queries.review_due(request.user, today, review) if review else True,
        },
    )


@login_required
@require_POST
def interest_end(request, interest_pk):
    interest = get_object_or_404(Interest, pk=interest_pk, user=request.user)
    domain.end_interest(interest=interest, actor=request.user)
    messages.success(request, "The interest is marked as ended; it stays on your record.")
    return redirect("governance_personal:interests")


@login_required
@require_POST
def interests_review(request):
    review = domain.review_interests(user=request.user, actor=request.user)
    messages.success(
        request,
        f"Register confirmed as up to date with {review.interest_count} current "
        f"interest{'s' if review.interest_count != 1 else ''}.",
    )
    return redirect("governance_personal:interests")


@login_required
def calendar(request):
    feed = domain.calendar_feed(request.user)
    bodies = (
        Body.objects.filter(partnership__in=partnership_queries.partnerships_for(request.user))
        .select_related("partnership")
        .order_by("partnership__title", "position", "name")
    )
    return render(
        request,
        "governance/calendar.html",
        {
            "person_url": _feed_url(request, "calendar.feed", feed.secret),
            "bodies": [
                (b, _feed_url(request, "calendar.body_feed", feed.secret, b.pk)) for b in bodies
            ],
        },
    )


@login_required
@require_POST
def calendar_reset(request):
    domain.reset_calendar_feed(user=request.user)
    messages.success(request, "New calendar links made: the old ones no longer work.")
    return redirect("governance_personal:calendar")


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def person_feed_ics(user, base_url: str) -> bytes:
    return ical.calendar_bytes(
        queries.meetings_for_person(user),
        name=f"Coplan meetings of {user.full_name}",
        base_url=base_url,
    )


def body_feed_ics(user, body_pk, base_url: str) -> bytes:
    """A body's meetings, for a person who is a member of its partnership (else 404)."""
    body = (
        Body.objects.filter(pk=body_pk, partnership__memberships__user=user)
        .select_related("partnership")
        .first()
    )
    if body is None:
        raise Http404("No such body")
    meetings = body.meetings.select_related("body", "partnership").order_by("starts_at")
    return ical.calendar_bytes(
        meetings, name=f"{body.name} — {body.partnership.title}", base_url=base_url
    )


def calendar_feed(request, secret):
    """No sign-in: calendar applications fetch this; the secret in the URL is the key."""
    feed = domain.find_feed(secret)
    if feed is None:
        raise Http404("No such calendar")
    return _ics(person_feed_ics(feed.user, request.build_absolute_uri("/")), "meetings.ics")


def body_calendar_feed(request, secret, body_pk):
    feed = domain.find_feed(secret)
    if feed is None:
        raise Http404("No such calendar")
    content = body_feed_ics(feed.user, body_pk, request.build_absolute_uri("/"))
    return _ics(content, f"body-{body_pk}.ics")
