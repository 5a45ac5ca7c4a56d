"""One way for a view to run a business action: call the domain, show a refusal, say what was
done and send the person on.

Two shapes, one helper (``act``):

* a form page passes its ``form``: a refusal (``DomainError``) goes on the form through
  ``add_domain_error`` and ``act`` returns ``None``, so the view goes on to re-render the form
  with its error summary::

      if request.method == "POST" and form.is_valid():
          if done := act(request, lambda: domain.x(...), form=form, success="Saved.", to=obj):
              return done
      return render(...)

* a POST-only button passes no form: a refusal becomes ``messages.error`` on the page the person
  goes back to (``back``, by default ``to``); ``act`` always returns a redirect::

      return act(request, lambda: domain.y(...), success="Done.", to=obj)

On success, ``success`` (text, or a function of the call's result; ``None`` for no message)
becomes ``messages.success`` and the person goes to ``to``: anything ``redirect`` takes, a
ready response, or a function of the result returning either.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponseBase
from django.shortcuts import redirect

from .errors import DomainError
from .forms import add_domain_error


def act(
    request,
    call: Callable[[], Any],
    *,
    to,
    success: str | Callable[[Any], str | None] | None = None,
    form=None,
    back=None,
) -> HttpResponseBase | None:
    """Run ``call()``; answer a refusal on the ``form`` (returning ``None``) or, with no form, as
    an error message and a redirect to ``back`` (default ``to``); on success add the ``success``
    message and return the redirect to ``to``. See the module docstring."""
    try:
        result = call()
    except DomainError as error:
        if form is not None:
            add_domain_error(form, error)
            return None
        messages.error(request, error.message)
        target = to if back is None else back
        if callable(target):
            raise TypeError("act(): a button's refusal needs a fixed `back` (or `to`)") from error
        return _response(target)
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return _response(to(result) if callable(to) else to)


def _response(target) -> HttpResponseBase:
    return target if isinstance(target, HttpResponseBase) else redirect(target)
