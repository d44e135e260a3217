"""In-memory fakes of the title and cast repositories (SPEC §6.1), answering as
``likeness.storage.production_details`` does: the same order, duplicates refused."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from likeness.domain.productions import CastMember, ProductionTitle


class FakeTitles:
    def __init__(self) -> None:
        self.items: dict[str, ProductionTitle] = {}

    def add(self, title: ProductionTitle) -> None:
        assert title.title not in self.items, f"duplicate title {title.title}"
        self.items[title.title] = title

    def add_many(self, titles: Sequence[ProductionTitle]) -> None:
        for title in titles:
            self.add(title)

    def existing(self, titles: Collection[str]) -> set[str]:
        return {t for t in titles if t in self.items}

    def of_production(self, production_id: str) -> list[ProductionTitle]:
        return [t for t in self.list() if t.production == production_id]

    def list(self) -> list[ProductionTitle]:
        return sorted(self.items.values(), key=lambda t: (t.production, t.title))


class FakeCast:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], CastMember] = {}

    def add(self, member: CastMember) -> None:
        key = (member.production, member.performer)
        assert key not in self.items, f"duplicate cast member {key}"
        self.items[key] = member

    def add_many(self, members: Sequence[CastMember]) -> None:
        for member in members:
            self.add(member)

    def existing(self, pairs: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        return {p for p in pairs if p in self.items}

    def of_production(self, production_id: str) -> list[CastMember]:
        return [m for m in self.list() if m.production == production_id]

    def list(self) -> list[CastMember]:
        return [self.items[k] for k in sorted(self.items)]
