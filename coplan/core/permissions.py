"""What a page may offer: ``can.<codename>`` in a template asks the permission rules
(``<app>/rules.py``) whether the user has ``<app>.<codename>`` on the page's object.

One object instead of a table of permission names per app: a template asks only for the
permissions it shows, each answered once per render, from the same rules the views and the API
enforce. A codename the rules do not define is simply not granted.
"""

from collections.abc import Iterator, Mapping


class Can(Mapping):
    """``Can(user, "design", partnership)["change_spec"]`` is
    ``user.has_perm("design.change_spec", partnership)``, asked the first time and remembered."""

    def __init__(self, user, app_label: str, obj):
        self.user, self.app_label, self.obj = user, app_label, obj
        self._answers: dict[str, bool] = {}

    def __getitem__(self, codename: str) -> bool:
        if codename not in self._answers:
            perm = f"{self.app_label}.{codename}"
            self._answers[codename] = bool(self.user.has_perm(perm, self.obj))
        return self._answers[codename]

    def __iter__(self) -> Iterator[str]:  # the permissions asked so far
        return iter(self._answers)

    def __len__(self) -> int:
        return len(self._answers)

    def __repr__(self) -> str:
        return f"<Can {self.app_label} on {self.obj!r}: {self._answers}>"
