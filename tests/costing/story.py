"""The two demo partnerships as the demo loader builds them, with this app's (and the
consortium's) ``demo.load`` wired into it."""

from django.utils import timezone

from coplan.demo import story as cast
from coplan.demo.context import DemoStory
from coplan.demo.loader import load_demo
from coplan.partnerships.models import Partnership


def load_stories(monkeypatch=None) -> dict[str, DemoStory]:
    load_demo()
    today = timezone.localdate()
    return {
        key: DemoStory(key=key, partnership=Partnership.objects.get(title=spec.title), today=today)
        for key, spec in (
            ("north_lanarkshire", cast.NORTH_LANARKSHIRE),
            ("renfrewshire", cast.RENFREWSHIRE),
        )
    }
