"""The activity page shows each event's data, whatever its keys: minutes record the agenda
``items`` they changed, a key the template must not look up as ``data.items``."""

from django.db import transaction
from django.urls import reverse

from coplan.core import audit


def test_an_event_whose_data_has_items_is_listed(client, partnership, personas):
    with transaction.atomic():
        audit.log(
            actor=personas["facilitator"],
            action="governance.minutes.updated",
            obj=partnership,
            partnership=partnership,
            data={"version": 2, "items": [1, 3]},
        )
    client.force_login(personas["steering"])

    response = client.get(reverse("partnerships:activity", args=[partnership.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    # (PostgreSQL's jsonb keeps keys in its own order: check each pair, not their order)
    assert "version: 2" in page
    assert "items: [1, 3]" in page
