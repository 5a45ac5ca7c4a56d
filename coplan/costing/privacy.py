"""Personal data the costing app holds (see ``coplan.core.privacy``): only who created, shared
or approved a cost model version. Staff lines are posts ("Support worker"), not people."""

from django.db.models import Q

from coplan.core.privacy import Category, register

from .models import CostModelVersion


def export_authorship(person):
    fields = [
        f.name
        for f in CostModelVersion._meta.get_fields()
        if getattr(f, "related_model", None) is not None
        and f.many_to_one
        and f.related_model._meta.label == "core.User"
    ]
    query = Q()
    for name in fields:
        query |= Q(**{name: person})
    versions = CostModelVersion.objects.filter(query).select_related("cost_model") if fields else []
    return [
        {
            "cost_model_version": str(v),
            "roles": [name for name in fields if getattr(v, f"{name}_id") == person.pk],
        }
        for v in versions
    ]


register(
    Category(
        key="costing.authorship",
        title="Who prepared and approved cost models",
        holds="The account that created, submitted or approved each version of a cost model.",
        about="Partners preparing costs.",
        purpose="To show who is accountable for the figures the tender relies on.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)).",
        retention="For the council's records retention schedule for procurement records; "
        "linked to 'Erased person' after erasure.",
        export=export_authorship,
    )
)
