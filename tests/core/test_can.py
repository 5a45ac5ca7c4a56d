"""``can.<codename>`` in a template asks the app's rules, once per render."""

from coplan.core.permissions import Can


def test_each_role_gets_what_the_rules_grant(partnership, personas):
    facilitator = Can(personas["facilitator"], "costing", partnership)
    partner = Can(personas["se_partner"], "costing", partnership)
    outsider = Can(personas["outsider"], "costing", partnership)

    assert facilitator["set_variance_threshold"] is True
    assert partner["set_variance_threshold"] is False
    assert partner["add_costmodel"] is True
    assert outsider["add_costmodel"] is False


def test_an_unknown_codename_is_not_granted(partnership, personas):
    assert Can(personas["facilitator"], "costing", partnership)["no_such_permission"] is False


def test_each_permission_is_asked_once(partnership, personas, django_assert_max_num_queries):
    can = Can(personas["facilitator"], "design", partnership)
    first = can["change_spec"]
    with django_assert_max_num_queries(0):
        assert can["change_spec"] is first
    assert list(can) == ["change_spec"]
