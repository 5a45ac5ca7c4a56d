"""Compare any two specification versions, requirement by stable key and word by word."""

import difflib
from dataclasses import dataclass, field

from .enums import SectionKind


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(op, text)`` segments with op ``equal``, ``delete`` or ``insert``."""
    a, b = (old or "").split(), (new or "").split()
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(("insert", " ".join(b[j1:j2])))
    return segments


@dataclass
class RequirementChange:
    key: str
    status: str  # added, removed, changed, unchanged
    old: object = None
    new: object = None
    text: list = field(default_factory=list)
    moved_from: str = ""
    insights_added: list = field(default_factory=list)
    insights_removed: list = field(default_factory=list)
    evidence_changed: bool = False

    @property
    def current(self):
        return self.new or self.old


@dataclass
class SectionChange:
    kind: SectionKind
    intro_changed: bool
    intro: list
    requirements: list[RequirementChange]

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def changed(self) -> bool:
        return self.intro_changed or any(r.status != "unchanged" for r in self.requirements)


@dataclass
class Comparison:
    base: object
    other: object
    sections: list[SectionChange]

    def count(self, status: str) -> int:
        return sum(1 for s in self.sections for r in s.requirements if r.status == status)

    @property
    def summary(self) -> dict:
        return {s: self.count(s) for s in ("added", "removed", "changed", "unchanged")}


def _requirements(version) -> dict:
    return {
        r.key: r
        for r in version.requirements.select_related("section").prefetch_related("insights")
    }


def _change(key, old, new) -> RequirementChange:
    if old is None:
        return RequirementChange(key, "added", new=new, text=[("insert", new.text)])
    if new is None:
        return RequirementChange(key, "removed", old=old, text=[("delete", old.text)])
    old_links = {i.pk: i for i in old.insights.all()}
    new_links = {i.pk: i for i in new.insights.all()}
    change = RequirementChange(
        key,
        "unchanged",
        old=old,
        new=new,
        text=word_diff(old.text, new.text),
        moved_from=old.section.get_kind_display() if old.section.kind != new.section.kind else "",
        insights_added=[new_links[k] for k in sorted(new_links.keys() - old_links.keys())],
        insights_removed=[old_links[k] for k in sorted(old_links.keys() - new_links.keys())],
        evidence_changed=old.evidence != new.evidence,
    )
    if (
        old.text != new.text
        or change.moved_from
        or change.insights_added
        or change.insights_removed
        or change.evidence_changed
    ):
        change.status = "changed"
    return change


def compare(base, other) -> Comparison:
    """What changed from ``base`` to ``other`` (either may be the older one)."""
    old, new = _requirements(base), _requirements(other)
    old_intros = dict(base.sections.values_list("kind", "intro"))
    new_intros = dict(other.sections.values_list("kind", "intro"))
    sections = []
    for kind in SectionKind:
        keys = [k for k, r in new.items() if r.section.kind == kind] + [
            k for k, r in old.items() if r.section.kind == kind and k not in new
        ]
        changes = [_change(k, old.get(k), new.get(k)) for k in keys]
        changes.sort(key=lambda c: (c.current.position, c.key))
        before, after = old_intros.get(kind.value, ""), new_intros.get(kind.value, "")
        sections.append(SectionChange(kind, before != after, word_diff(before, after), changes))
    return Comparison(base, other, sections)
