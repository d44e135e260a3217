"""Plain values straight from YAML parser events, for streamed imports (the fast path).

Composing PyYAML node objects and then constructing values from them costs about three times
what parsing does. :class:`EventValues` builds each value (a record, a key) from the parser's
events directly when the value is plain: untagged mappings, lists and scalars, no anchors or
aliases, no merge keys, no key written twice, within :data:`~._loader.MAX_DEPTH` and
:data:`~._loader.MAX_EXPANDED_NODES`. Scalars are resolved and constructed by the very
resolver and constructors :class:`~._loader.BoundedLoader` uses, so the values are the same.

Anything else falls back: the events of the value read so far are replayed, followed by the
rest of the stream, into the bounded composer and constructor of :mod:`._loader`, which build
the value (or refuse the document) exactly as they always have. Every bound and every message
stays theirs; the fast path only ever declines.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from yaml.events import (
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from likeness.interchange._loader import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    BoundedComposer,
    BoundedLoader,
    ExactConstructor,
)

_STR = "tag:yaml.org,2002:str"
#: scalar tags the fast path constructs (with the loader's own constructors); any other
#: resolved tag (merge ``<<``, value ``=``) falls back
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)


class _Declined(Exception):
    """The value is not plain: replay its events into the bounded composer."""


class _Replay(BoundedComposer, ExactConstructor, Resolver):
    """The bounded composer and constructor, fed the buffered events first, then the stream.

    One per stream, so anchors carry from value to value as they did when every value was
    composed by the loader itself.
    """

    def __init__(self, loader: BoundedLoader) -> None:
        BoundedComposer.__init__(self)
        ExactConstructor.__init__(self)
        Resolver.__init__(self)
        self.reset_bounds()
        self._loader = loader
        self._pending: deque[Event] = deque()

    def check_event(self, *choices: type[Event]) -> bool:
        """As the parser's ``check_event``, buffered events first."""
        event = self.peek_event()
        return not choices or isinstance(event, choices)

    def peek_event(self) -> Event:
        """As the parser's ``peek_event``, buffered events first."""
        if self._pending:
            return self._pending[0]
        event: Event = self._loader.peek_event()  # type: ignore[assignment]
        return event

    def get_event(self) -> Event:
        """As the parser's ``get_event``, buffered events first."""
        if self._pending:
            return self._pending.popleft()
        event: Event = self._loader.get_event()  # type: ignore[assignment]
        return event

    def value(self, events: list[Event]) -> Any:
        """The value whose first events are ``events``, composed and constructed."""
        self._pending.extend(events)
        self.reset_bounds()
        node = self.compose_node(None, None)
        return self.construct_document(node)


class EventValues:
    """Builds the next value of ``loader``'s stream, fast when it is plain (module docstring)."""

    def __init__(self, loader: BoundedLoader) -> None:
        self._loader = loader
        self._replay = _Replay(loader)
        resolvers = loader.yaml_implicit_resolvers
        self._resolvers = resolvers
        self._first_chars = frozenset(resolvers)
        self._always_resolve = None in resolvers
        self._constructors = loader.yaml_constructors
        self._events: list[Event] = []
        self._nodes = 0

    def next(self) -> Any:
        """The next value of the stream (its events are taken from the loader)."""
        self._events = []
        self._nodes = 0
        try:
            return self._value(self._take(), 0)
        except _Declined:
            return self._replay.value(self._events)

    def _take(self) -> Event:
        event: Event = self._loader.get_event()  # type: ignore[assignment]
        self._events.append(event)
        return event

    def _value(self, event: Event, depth: int) -> Any:
        self._nodes += 1
        if self._nodes > MAX_EXPANDED_NODES:
            raise _Declined
        kind = type(event)
        if kind is ScalarEvent:
            return self._scalar(event)[1]
        if getattr(event, "anchor", None) is not None or getattr(event, "tag", None) is not None:
            raise _Declined
        if depth >= MAX_DEPTH:
            raise _Declined
        if kind is MappingStartEvent:
            return self._mapping(depth + 1)
        if kind is SequenceStartEvent:
            items = []
            while type(event := self._take()) is not SequenceEndEvent:
                items.append(self._value(event, depth + 1))
            return items
        raise _Declined  # an alias, or anything unexpected

    def _mapping(self, depth: int) -> dict[Any, Any]:
        # the hot loop of an import: a record is one mapping of scalars, so those are inlined
        get: Callable[[], Any] = self._loader.get_event
        keep, scalar = self._events.append, self._scalar
        result: dict[Any, Any] = {}
        seen: set[tuple[str, str]] = set()
        while True:
            event = get()
            keep(event)
            kind = type(event)
            if kind is MappingEndEvent:
                return result
            if kind is not ScalarEvent:
                raise _Declined  # a mapping or list as a key, or an alias
            tag, key = scalar(event)
            written = (tag, event.value)
            if written in seen:
                raise _Declined  # the composer names the key and its line
            seen.add(written)
            event = get()
            keep(event)
            if type(event) is ScalarEvent:
                self._nodes += 2
                if self._nodes > MAX_EXPANDED_NODES:
                    raise _Declined
                result[key] = scalar(event)[1]
            else:
                self._nodes += 1
                result[key] = self._value(event, depth)

    def _scalar(self, event: Any) -> tuple[str, Any]:
        if event.anchor is not None or event.tag is not None:
            raise _Declined
        text: str = event.value
        implicit = event.implicit
        if not implicit[0] or not (self._always_resolve or text[:1] in self._first_chars):
            return _STR, text  # quoted, or plain and no implicit tag starts with its character
        tag = self._loader.resolve(ScalarNode, text, implicit)  # type: ignore[no-untyped-call]
        if tag == _STR:
            return tag, text
        if tag not in _SCALAR_TAGS:
            raise _Declined
        node = ScalarNode(tag, text, event.start_mark, event.end_mark, style=event.style)
        return tag, self._constructors[tag](self._loader, node)
