"""OCDS implementation data: the contract's commitments and verified returns as milestones,
extending the tender's release package; validates with libcoveocds (offline)."""

import datetime as dt
import json
from decimal import Decimal as D

from coplan.benefits import domain, ocds
from tests.tendering.test_ocds import validate


def awarded(w):
    """The contract's tender as the bidding app leaves it after the award."""
    from django.utils import timezone

    from coplan.bidding.models import Award

    now = timezone.now()
    award = Award.objects.create(
        tender=w.tender,
        bid=w.contract.bid,
        approved_by=w.people["commissioner"],
        approved_at=now,
        reasons="Most advantageous",
        letters_sent_at=now,
        standstill_days=10,
        standstill_ends_at=now,
    )
    w.tender.awarded_at = now
    w.tender.save(update_fields=["awarded_at"])
    return award


def test_the_implementation_release_validates(contract):
    w = contract
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={w.trainees: {"actual": D(12)}, w.reused: {"actual": D(600)}},
    )
    for line in ret.lines.all():
        domain.verify_line(line=line, actor=w.people["commissioner"])
    package = ocds.release_package(w.tender)
    result = validate(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert "extensions" not in package
    release = package["releases"][-1]
    assert release["tag"] == ["implementation"]
    (found,) = release["contracts"]
    milestones = {m["id"]: m for m in found["implementation"]["milestones"]}
    assert milestones[f"commitment-{w.trainees.pk}"]["status"] == "met"
    assert milestones[f"commitment-{w.tonnes.pk}"]["status"] == "scheduled"
    assert milestones[f"commitment-{w.trainees.pk}"]["type"] == "delivery"
    reporting = [m for m in milestones.values() if m["type"] == "reporting"]
    assert len(reporting) == 2 and all(m["status"] == "met" for m in reporting)


def test_the_implementation_merges_into_the_awarded_contract(contract):
    """With the bidding app's award and contract releases in the package, the implementation
    release names the same contract and award ids, so OCDS merges them into one contract."""
    w = contract
    award = awarded(w)
    package = ocds.release_package(w.tender)
    assert validate(package)["validation_errors"] == []
    tags = [r["tag"] for r in package["releases"]]
    assert ["contract"] in tags and tags[-1] == ["implementation"]
    (implemented,) = package["releases"][-1]["contracts"]
    assert implemented["id"] == f"contract-{w.contract.pk}"
    assert implemented["awardID"] == f"award-{award.pk}"


def test_the_public_open_data_of_an_awarded_tender(client, contract):
    """The public benefits page links the tender's package with the implementation; a tender
    that is not published, or has no contract, or is another partnership's is not found."""
    from django.urls import reverse
    from django.utils import timezone

    from coplan.tendering.models import Tender

    w = contract
    address = reverse("benefits:public.ocds", args=[w.partnership.pk, w.tender.pk])
    response = client.get(address)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["releases"][-1]["tag"] == ["implementation"]
    public = client.get(reverse("benefits:public", args=[w.partnership.pk])).content.decode()
    assert f'href="{address}"' in public
    draft = Tender.objects.create(partnership=w.partnership, title="Draft", reference="draft-x")
    unawarded = Tender.objects.create(
        partnership=w.partnership, title="Open", reference="open-x", published_at=timezone.now()
    )
    for tender in (draft, unawarded):
        missing = reverse("benefits:public.ocds", args=[w.partnership.pk, tender.pk])
        assert client.get(missing).status_code == 404
    other = reverse("benefits:public.ocds", args=[w.partnership.pk + 1000, w.tender.pk])
    assert client.get(other).status_code == 404


def test_the_tenders_stable_public_url_publishes_every_release(client, contract):
    """The tender's own open-data address (no login) carries the award, contract and
    implementation releases that the bidding and benefits apps add to its package."""
    from django.urls import reverse

    w = contract
    awarded(w)

    response = client.get(reverse("tenders_public:ocds", args=[w.tender.reference]))

    assert response.status_code == 200
    package = response.json()
    assert package == json.loads(json.dumps(ocds.release_package(w.tender), default=str))
    tags = [r["tag"] for r in package["releases"]]
    assert "tender" in tags[0]
    assert ["award"] in tags and ["contract"] in tags and tags[-1] == ["implementation"]
    assert validate(package)["validation_errors"] == []
