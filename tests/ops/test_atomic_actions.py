"""A database error in the middle of a domain action leaves nothing half-done.

The failure is real, not a mock: a database trigger makes the action's last write (its audit
event) fail, after every other row of the action has been written. Every table must then be
exactly as it was before."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DatabaseError, connection

from coplan.costing import domain as costing
from coplan.design import domain as design
from coplan.ops import privacy
from coplan.pilots import domain as pilots

SQLITE = """
CREATE TRIGGER inject_failure BEFORE INSERT ON core_auditevent WHEN NEW.action = '{action}'
BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION inject_failure() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'injected failure'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER inject_failure BEFORE INSERT ON core_auditevent FOR EACH ROW
WHEN (NEW.action = '{action}') EXECUTE FUNCTION inject_failure();
"""


def fail_on(action: str):
    sql = (POSTGRES if connection.vendor == "postgresql" else SQLITE).format(action=action)
    with connection.cursor() as cursor:
        cursor.execute(sql)


def snapshot() -> dict:
    return {
        model._meta.db_table: sorted(map(repr, model._base_manager.order_by("pk").values_list()))
        for model in apps.get_models()
    }


def assert_nothing_changed(action, before):
    with pytest.raises(DatabaseError, match="injected failure"):
        action()
    after = snapshot()
    changed = [table for table in before if before[table] != after[table]]
    assert changed == []


def test_a_new_specification_draft_with_its_sections(partnership, personas):
    fail_on("design.spec.draft_created")
    before = snapshot()
    assert_nothing_changed(
        lambda: design.new_draft(partnership=partnership, actor=personas["facilitator"]), before
    )


def test_a_new_pilot_with_services_and_providers(partnership, personas):
    enterprise = partnership.memberships.get(user=personas["se_partner"]).organisation
    fail_on("pilots.pilot.created")
    before = snapshot()
    assert_nothing_changed(
        lambda: pilots.create_pilot(
            partnership=partnership,
            actor=personas["facilitator"],
            title="Furniture pilot",
            starts_on=dt.date(2006, 10, 1),
            ends_on=dt.date(2007, 3, 31),
            funding_amount=Decimal("120000"),
            funding_route="Council grant",
            services=[("Emergency storage", "storage day"), ("Furniture packs", "pack")],
            providers=[enterprise],
        ),
        before,
    )


def test_a_new_cost_model_with_its_first_version(partnership, personas):
    enterprise = partnership.memberships.get(user=personas["se_partner"]).organisation
    fail_on("costing.model.created")
    before = snapshot()
    assert_nothing_changed(
        lambda: costing.create_cost_model(
            partnership=partnership,
            actor=personas["se_partner"],
            organisation=enterprise,
            service="Furniture packs",
        ),
        before,
    )


def test_erasing_a_person_across_every_app(partnership, personas):
    design.post_item(
        partnership=partnership,
        actor=personas["service_user"],
        kind="idea",
        text="Keep my things safe.",
        consent_given=True,
    )
    fail_on("ops.person.erased")
    before = snapshot()
    assert_nothing_changed(
        lambda: privacy.erase_person(person=personas["service_user"], actor=personas["staff"]),
        before,
    )
