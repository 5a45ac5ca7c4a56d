"""Two-factor sign-in (TOTP, django-otp) for the people who reach sealed bids and their
evaluation: the session must be verified with a confirmed TOTP device. A person without one
enrols first (the QR code is an inline SVG drawn by segno; the secret is shown too, for typing),
then enters a current code. Verification lasts for the session. After a wrong code django-otp
refuses to check codes for a while (doubling each time); the page then says how long to wait."""

import base64
import functools

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.core import audit, clock
from coplan.core.forms import GovukForm
from coplan.core.signin import wait_phrase
from coplan.partnerships import queries as partnerships


class Unverified(Exception):
    """The session is not two-factor verified."""


def require(request):
    if not request.user.is_verified():
        raise Unverified


def guard(view):
    """Send an unverified session to the two-factor page, then back."""

    @functools.wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except Unverified:
            return redirect(f"{reverse('bidding:two_factor', args=[pk])}?next={request.path}")

    return wrapped


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now.",
        max_length=8,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        )


def throttled(refusal) -> str:
    """What to say when django-otp refuses to check a code: after each wrong code the next
    check waits twice as long (1, 2, 4, 8 … seconds), and answers nothing until then."""
    locked_until = (refusal or {}).get("locked_until")
    if locked_until is None:
        return "Too many wrong codes. Wait a few minutes, then try again."
    wait = wait_phrase((locked_until - clock.now()).total_seconds())
    return f"Too many wrong codes. Wait {wait}, then try again."


def _qr_svg(device) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code to add Coplan to your authenticator app"
    )


@login_required
def two_factor(request, pk):
    partnership = partnerships.get_for(request.user, pk)
    user = request.user
    next_url = request.GET.get("next") or reverse("bidding:index", args=[pk])
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("bidding:index", args=[pk])
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        allowed, refusal = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", throttled(refusal))
        elif device.verify_token(token):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                audit.log(
                    actor=user,
                    action="bidding.two_factor.enrolled"
                    if enrolling
                    else "bidding.two_factor.verified",
                    obj=user,
                    partnership=partnership,
                )
            otp_login(request, device)
            return redirect(next_url)
        else:
            form.add_error("token", "The code is not right: enter the code the app shows now")
    return render(
        request,
        "bidding/two_factor.html",
        {
            "partnership": partnership,
            "nav_partnerships": True,
            "form": form,
            "enrolling": enrolling,
            "qr": _qr_svg(device) if enrolling else "",
            "secret": base64.b32encode(device.bin_key).decode() if enrolling else "",
            "next": next_url,
        },
    )
