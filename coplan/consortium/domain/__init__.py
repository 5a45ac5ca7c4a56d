"""Business actions on the consortium: each guards, changes, saves and audits in one
transaction.

The agreement covers the parties (members and lead partner), the legal model, the services,
the work and revenue split and the terms. Any change to those after someone has signed voids
every signature, says so in the audit trail (``consortium.agreement.signatures_voided``) and
sets the agreement back to draft: the functions that may do so record the number voided on the
object they return as ``voided_signatures`` (or return it, for removals).
"""

from .agreement import agree_heads_of_terms, sign_agreement, update_agreement
from .members import (
    CONSORTIUM_FIELDS,
    add_capability,
    add_member,
    add_service,
    form_consortium,
    remove_capability,
    remove_member,
    remove_service,
    set_split,
    update_consortium,
    update_member,
)

__all__ = [
    "CONSORTIUM_FIELDS",
    "add_capability",
    "add_member",
    "add_service",
    "agree_heads_of_terms",
    "form_consortium",
    "remove_capability",
    "remove_member",
    "remove_service",
    "set_split",
    "sign_agreement",
    "update_agreement",
    "update_consortium",
    "update_member",
]
