"""The demo backdates its audit events to the story's dates; the chain is re-sealed as it goes,
so the loaded demo passes ``coplan verify-audit`` like a real site."""

from coplan.core import audit
from coplan.core.models import AuditEvent


def test_the_loaded_demo_s_audit_chain_verifies(demo_db):
    result = audit.verify()

    assert result.problems == []
    assert result.checked == AuditEvent.objects.count() > 100
