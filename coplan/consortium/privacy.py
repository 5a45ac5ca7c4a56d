"""Personal data the consortium app holds (see ``coplan.core.privacy``): each member's
authorised signatory and the signatures on the consortium agreement."""

from coplan.core.privacy import Category, register

from .models import ConsortiumMember, Signature


def export_signatory(person):
    signatory_field = next(
        f.name
        for f in ConsortiumMember._meta.get_fields()
        if getattr(f, "many_to_one", False) and f.related_model._meta.label == "core.User"
    )
    signer_field = next(
        f.name
        for f in Signature._meta.get_fields()
        if getattr(f, "many_to_one", False) and f.related_model._meta.label == "core.User"
    )
    return [
        {"authorised_signatory_for": str(m)}
        for m in ConsortiumMember.objects.filter(**{signatory_field: person})
    ] + [
        {"signed": str(s), "at": getattr(s, "signed_at", None)}
        for s in Signature.objects.filter(**{signer_field: person})
    ]


register(
    Category(
        key="consortium.signatories",
        title="Consortium signatories and signatures",
        holds="Who is authorised to sign for each consortium member, and who signed the "
        "agreement and when.",
        about="Partners who sign for their organisation.",
        purpose="To show the consortium agreement was signed by people authorised to do so.",
        lawful_basis="Contract and legitimate interests (UK GDPR Art. 6(1)(b), (f)).",
        retention="For as long as the agreement and the contract it supports need evidence; "
        "linked to 'Erased person' after erasure.",
        export=export_signatory,
    )
)
