"""The one YAML loader every file command uses, with bounds a hostile file cannot get past.

A YAML file is input from anyone, so reading one is bounded in every direction (README, "Input
files"):

- :data:`MAX_DOCUMENT_BYTES`: a file is read at most this far (``/dev/zero`` is refused, not
  read until memory runs out);
- :data:`MAX_DEPTH`: mappings and lists nest at most this deep (no ``RecursionError``);
- :data:`MAX_ALIASES` and :data:`MAX_EXPANDED_NODES`: aliases (``*name``) are counted, and so is
  every node they stand for, so a "billion laughs" file is refused while it is read instead of
  hanging whatever walks the result;
- a key written twice in one mapping is refused, naming the key and its line (YAML would keep
  the last one silently).

Scalars are built as :mod:`likeness.interchange.documents` says (floats as ``Decimal``). The
events come from libyaml when it is installed (fast), the nodes from this module's composer,
which keeps the counts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.resolver import Resolver

from likeness.errors import MAX_QUOTED_CHARS

#: the most bytes a YAML or JSON document may have (16 MiB); larger files are refused
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
#: the deepest nesting of mappings and lists a document may have
MAX_DEPTH = 64
#: the most aliases (``*name``) a document may use
MAX_ALIASES = 1_000
#: the most nodes a document may have once every alias is expanded
MAX_EXPANDED_NODES = 5_000_000

_MERGE_TAG = "tag:yaml.org,2002:merge"


class DocumentRefusedError(yaml.YAMLError):
    """The document breaks one of the bounds above; ``mark`` is where (line, column)."""

    def __init__(self, message: str, mark: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def quoted(value: Any) -> str:
    """``repr(value)`` cut to :data:`MAX_QUOTED_CHARS` characters, for a message."""
    text = repr(value)
    if len(text) <= MAX_QUOTED_CHARS:
        return text
    return text[: MAX_QUOTED_CHARS - 1] + "…"


def _where(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class BoundedComposer(Composer):
    """PyYAML's composer, counting depth, aliases and the nodes that aliases expand to."""

    def reset_bounds(self) -> None:
        """Start the counts afresh (each record of a streamed file counts on its own)."""
        self.depth = 0
        self.aliases = 0
        self.expanded = 0
        self.anchor_sizes: dict[str, int] = {}

    def _count(self, nodes: int, mark: Any) -> None:
        self.expanded += nodes
        if self.expanded > MAX_EXPANDED_NODES:
            raise DocumentRefusedError(
                f"expands to more than {MAX_EXPANDED_NODES:,} nodes at {_where(mark)}"
                " (expected a document without an alias bomb)",
                mark,
            )

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]
        if isinstance(event, AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise DocumentRefusedError(
                    f"more than {MAX_ALIASES:,} aliases (*name) at {_where(event.start_mark)}"
                    " (expected a document that repeats less)",
                    event.start_mark,
                )
            self._count(self.anchor_sizes.get(str(event.anchor), 1), event.start_mark)
            return super().compose_node(parent, index)
        nested = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise DocumentRefusedError(
                    f"nested more than {MAX_DEPTH} levels deep at {_where(event.start_mark)}"
                    " (expected mappings and lists nested less deeply)",
                    event.start_mark,
                )
        before = self.expanded
        self._count(1, event.start_mark)
        node = super().compose_node(parent, index)
        if nested:
            self.depth -= 1
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.anchor_sizes[str(anchor)] = self.expanded - before
        return node


class ExactConstructor(SafeConstructor):
    """SafeConstructor whose floats are Decimals, whose impossible dates stay text, and which
    refuses a key written twice in one mapping."""

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key = (str(key_node.tag), str(key_node.value))
                if key in seen:
                    raise DocumentRefusedError(
                        f"key {quoted(key_node.value)} appears twice in one mapping at"
                        f" {_where(key_node.start_mark)} (expected each key once)",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


def _construct_decimal(loader: ExactConstructor, node: Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    # YAML's .inf and .nan become Decimal's, so that the field they are in refuses them by name
    special = {".inf": "Infinity", "+.inf": "Infinity", "-.inf": "-Infinity", ".nan": "NaN"}
    return Decimal(special.get(text.lower(), text))


def _construct_timestamp(loader: ExactConstructor, node: Node) -> Any:
    # An impossible date such as 1990-13-02 stays text, so that validation can name the record
    # and field it belongs to instead of failing the whole file here.
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_FLOAT, _TIMESTAMP = "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"
ExactConstructor.add_constructor(_FLOAT, _construct_decimal)  # type: ignore[type-var]
ExactConstructor.add_constructor(_TIMESTAMP, _construct_timestamp)  # type: ignore[type-var]

try:  # libyaml's event parser when present: the same events, several times faster
    from yaml._yaml import CParser as _EventParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _EventParser(Reader, Scanner, Parser):  # type: ignore[no-redef]
        def __init__(self, stream: Any) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class BoundedLoader(BoundedComposer, _EventParser, ExactConstructor, Resolver):
    """A safe loader with every bound of this module (one instance per stream)."""

    def __init__(self, stream: Any) -> None:
        _EventParser.__init__(self, stream)
        Composer.__init__(self)
        ExactConstructor.__init__(self)
        Resolver.__init__(self)
        self.reset_bounds()


def load_bounded(text: str | bytes) -> Any:
    """The one document of ``text``, or None when it is empty.

    Raises :class:`DocumentRefusedError` when a bound is broken and ``yaml.YAMLError`` when
    the text is not YAML.
    """
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
