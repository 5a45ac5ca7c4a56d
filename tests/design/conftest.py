import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.design import domain
from coplan.design.enums import Method


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments and survey uploads go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(partnership, personas):
    """A partnership part-way through service design, built through the domain functions."""
    facilitator = personas["facilitator"]
    service_user = personas["service_user"]
    workshop = domain.create_activity(
        partnership=partnership,
        actor=facilitator,
        title="Workshop with young tenants",
        method=Method.WORKSHOP,
        held_on=dt.date(2006, 5, 17),
        place="Motherwell Civic Centre",
        participant_count=14,
        facilitator=facilitator,
        new_user_groups=["Young people leaving homelessness", "Housing officers"],
    )
    survey = domain.create_activity(
        partnership=partnership,
        actor=facilitator,
        title="Tenants' furniture survey",
        method=Method.SURVEY,
        held_on=dt.date(2006, 6, 1),
        online=True,
        participant_count=0,
    )
    young, officers = workshop.user_groups.order_by("name").reverse()
    storage = domain.create_theme(partnership=partnership, actor=facilitator, name="Storage")
    speed = domain.create_theme(partnership=partnership, actor=facilitator, name="Speed")
    idea = domain.post_item(
        partnership=partnership,
        actor=service_user,
        kind="idea",
        text="Keep my things safe while I am in temporary accommodation.",
        consent_given=True,
        user_group=young,
        activity=workshop,
    )
    feedback = domain.post_item(
        partnership=partnership,
        actor=personas["se_partner"],
        kind="feedback",
        text="Packs arrive weeks after the keys; people sleep on the floor.",
        consent_given=True,
        anonymous=True,
    )
    domain.curate_item(item=idea, actor=facilitator, themes=[storage], is_insight=True)
    domain.curate_item(item=feedback, actor=facilitator, themes=[speed], is_insight=True)
    version = domain.new_draft(partnership=partnership, actor=facilitator)
    requirement = domain.add_requirement(
        version=version,
        actor=facilitator,
        section="service_levels",
        text="Store a household's furniture for up to 12 months at no charge.",
        insights=[idea],
        activities=[workshop],
    )
    return SimpleNamespace(
        partnership=partnership,
        people=personas,
        workshop=workshop,
        survey=survey,
        young=young,
        officers=officers,
        storage=storage,
        speed=speed,
        idea=idea,
        feedback=feedback,
        version=version,
        requirement=requirement,
    )


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    if isinstance(content, str):
        content = content.encode()
    return SimpleUploadedFile(name, content)
