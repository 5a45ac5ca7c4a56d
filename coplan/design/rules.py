"""Who may do what in service design, as named ``rules`` predicates.

Pages and the API resolve the partnership with ``partnerships.queries.get_for(user, pk, perm)``:
outsiders get 404, members without the permission 403. Service user representatives see the
board, the activities and the specification, but never an internal-only artefact.
"""

import rules

from coplan.partnerships.enums import Role
from coplan.partnerships.rules import has_role, is_commissioner, is_manager, is_member

is_facilitator = has_role(Role.FACILITATOR)
# Everyone except observers takes part: posts ideas and feedback, supports them, comments.
is_contributor = has_role(*(r for r in Role if r not in Role.read_only()))
# Everyone except service user representatives sees internal-only artefacts.
sees_internal = has_role(*(r for r in Role if r != Role.SERVICE_USER))
can_classify = has_role(Role.FACILITATOR, Role.COMMISSIONER, Role.PROCUREMENT)


@rules.predicate
def owns_consent(user, consent):
    return bool(consent is not None and consent.user_id and consent.user_id == user.pk)


@rules.predicate
def facilitates_consent(user, consent):
    return consent is not None and is_facilitator(user, consent.partnership)


rules.add_perm("design.view_design", is_member)
rules.add_perm("design.view_internal", sees_internal)
rules.add_perm("design.contribute", is_contributor)
rules.add_perm("design.manage_engagement", is_facilitator)  # activities, themes, merges, imports
rules.add_perm("design.manage_consent", is_facilitator)
rules.add_perm("design.change_spec", is_manager)  # edit drafts, start a new draft
rules.add_perm("design.approve_spec", is_commissioner)
rules.add_perm("design.freeze_spec", is_commissioner)
rules.add_perm("design.respond", is_manager)  # "you said, we did"
rules.add_perm("design.classify", can_classify)
rules.add_perm("design.withdraw_consent", owns_consent | facilitates_consent)
