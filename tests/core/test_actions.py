"""The one form-action helper: a refusal on the form (form page) or as an error message (button)."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from coplan.core.actions import act
from coplan.core.errors import DomainError


class NameForm(forms.Form):
    name = forms.CharField()
    revision = forms.IntegerField(widget=forms.HiddenInput)


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def _refuse(field=None):
    raise DomainError("That name is taken.", code="taken", field=field)


def _said(request):
    return [(m.level_tag, m.message) for m in get_messages(request)]


def test_form_page_refusal_goes_on_the_named_field_and_returns_none():
    request, form = _request(), NameForm({"name": "x", "revision": 1})
    assert form.is_valid()
    assert act(request, lambda: _refuse("name"), form=form, success="Saved.", to="/done/") is None
    assert form.errors == {"name": ["That name is taken."]}
    assert _said(request) == []


def test_form_page_refusal_on_a_hidden_or_unknown_field_goes_to_the_summary():
    request, form = _request(), NameForm({"name": "x", "revision": 1})
    form.is_valid()
    act(request, lambda: _refuse("revision"), form=form, to="/done/")
    act(request, lambda: _refuse("other"), form=form, to="/done/")
    assert form.non_field_errors() == ["That name is taken.", "That name is taken."]


def test_form_page_success_says_so_and_redirects_using_the_result():
    request, form = _request(), NameForm({"name": "x", "revision": 1})
    form.is_valid()
    response = act(
        request,
        lambda: 7,
        form=form,
        success=lambda n: f"Item {n} saved.",
        to=lambda n: f"/items/{n}/",
    )
    assert response.status_code == 302 and response.url == "/items/7/"
    assert _said(request) == [("success", "Item 7 saved.")]
    assert not form.errors


def test_a_falsy_result_is_still_a_success():
    request = _request()
    response = act(request, lambda: None, success="Nothing to change.", to="/back/")
    assert response.url == "/back/"
    assert _said(request) == [("success", "Nothing to change.")]


def test_button_refusal_is_an_error_message_and_goes_back():
    request = _request()
    response = act(request, _refuse, success="Done.", to=lambda _: "/next/", back="/list/")
    assert response.status_code == 302 and response.url == "/list/"
    assert _said(request) == [("error", "That name is taken.")]


def test_button_refusal_goes_to_to_when_no_back_and_success_can_be_silent():
    request = _request()
    assert act(request, _refuse, success="Done.", to="/item/").url == "/item/"
    request = _request()
    assert act(request, lambda: 1, to="/item/").url == "/item/"
    assert _said(request) == []
