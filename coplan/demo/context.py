"""What the demo loader hands to each app's ``demo.load`` so every app extends one story.

Each app that has demo data provides ``coplan/<app>/demo.py`` with::

    def load(story: DemoStory) -> None: ...

The loader calls it once per partnership, inside its transaction, after the partnership, its
organisations and its members exist (and only on the first load: the demo is idempotent).
"""

import datetime as dt
from dataclasses import dataclass, field

from coplan.core.models import Organisation, User
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Partnership


@dataclass
class DemoStory:
    key: str  # "north_lanarkshire" (complete, 2006–2010) or "renfrewshire" (in progress)
    partnership: Partnership
    today: dt.date  # the day the demo loads; Renfrewshire's dates are relative to it
    organisations: dict[str, Organisation] = field(default_factory=dict)  # by name

    def people(self, role: Role) -> list[User]:
        """Members holding ``role``, in a stable order."""
        return list(
            User.objects.filter(
                memberships__partnership=self.partnership, memberships__role=role
            ).order_by("pk")
        )

    def person(self, role: Role) -> User:
        return self.people(role)[0]

    @property
    def is_historic(self) -> bool:
        return self.key == "north_lanarkshire"
