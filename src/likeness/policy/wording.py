"""What a consent's description *does*: reach beyond named works, or run without end (SPEC §5).

A list of forbidden phrases is always one phrasing behind the studio's lawyers ("any and all
productions" becomes "all future projects of the studio, unlimited"). So the checks here look at
what the words do, not at examples:

**Blanket scope** (``blanket-scope``): the description reaches works, media, purposes or parties
that it does not name.

- *A quantifier over a whole category*: ``any``, ``all``, ``every``, ``whatever``, ``whichever``
  (also ``any and all``), then up to three describing words, then a noun of works ("projects",
  "films", "games", "content"), of media ("media", "formats", "platforms", "devices"), of parties
  ("companies", "persons") or, after ``any``/``all``/``whatever``, of purposes ("purpose", "use",
  "manner", "means"). ``all stadium scenes of Harbor Lights`` quantifies over *parts* of a named
  work and is specific: the noun decides, and parts (scenes, shots, episodes, lines, ...) are not
  in any reach category.
- *A reach modifier*: ``other``, ``future``, ``subsequent``, ``additional``, ``related``,
  ``similar``, ``derivative``, ... before a noun of works, instalments (seasons, episodes: "future
  seasons" are works nobody has named yet), media or parties; ``new`` before a noun of works.
- *A possessive before plural works*: "the studio's productions", "its films".
- *Words that reach by themselves*: sequels, remakes, spin-offs (plural, or "a sequel": "the
  sequel" is one work, named by the consent's productions), franchises, derivative works;
  affiliates, licensees, assigns, successors, third parties, transferable, sublicensable;
  "universe", "everywhere", "elsewhere"; "unlimited", "unrestricted", "whatsoever", "etc.",
  "not limited to", "without limitation", "in any manner", "by any means", "of any kind"; media
  "now known or hereafter devised".

**Perpetual term** (``perpetual-term``): the term has no end. Words that say so ("perpetuity",
"forever", "eternity", "permanent", "indefinitely", "everlasting", "endless"); a term tied to
something that does not end for the performer ("for the life of the copyright", "for as long as",
"the maximum period permitted by law"); an end that never comes ("never expires", "does not
expire", "no end date", "no time limit", "unlimited in time"); an open tail ("and thereafter",
"at any time in the future"); an end only by someone's act ("until revoked") or renewal
("renews automatically").

**What keeps a description specific** although it contains such words:

- a negation before the words in the same clause ("not for any other production", "excluding
  sequels", "no perpetual rights");
- a number in the quantifier's phrase ("all three films"), the works named right after the noun
  ("the productions Harbor Lights and Tidewater", "all productions listed above", "... named in
  this consent");
- the words as the subject of a limit ("any other use requires a new consent", "any use beyond
  scenes 40 to 44 is excluded").

The public functions are pure and cached: a million consents share a few thousand descriptions.
"""

from __future__ import annotations

import re
from functools import lru_cache

# --- vocabulary ------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """The blank-separated words of ``text``."""
    return frozenset(text.split())


_QUANTIFIERS = ("any", "all", "every", "whatever", "whichever")
#: quantifiers that reach over purposes too ("every use is paid" distributes, it does not reach)
_PURPOSE_QUANTIFIERS = ("any", "all", "whatever", "whichever")
_REACH_MODIFIERS = (
    "other",
    "others",
    "future",
    "subsequent",
    "later",
    "further",
    "additional",
    "related",
    "derivative",
    "similar",
    "upcoming",
    "forthcoming",
    "unnamed",
    "unspecified",
    "unrelated",
    "succeeding",
    "successive",
)

_WORKS = (
    r"projects?|productions?|films?|movies?|(?:motion )?pictures?|programs?|programmes?|shows?"
    r"|series|titles?|works?|contents?|games?|properties|property|franchises?|sequels?"
    r"|prequels?|remakes?|spin ?offs?|adaptations?|products?|campaigns?"
    r"|commercials?|advertisements?|ventures?|endeavou?rs?"
)
#: parts of a series that are works of their own once they are in the future or "other"
_INSTALMENTS = r"seasons?|episodes?|installments?|instalments?|editions?|versions?|chapters?"
_MEDIA = (
    r"media|medium|mediums|formats?|platforms?|channels?|outlets?|technolog(?:y|ies)|devices?"
    r"|services?|networks?"
)
_PARTIES = (
    r"part(?:y|ies)|persons?|people|entit(?:y|ies)|compan(?:y|ies)|studios?|producers?"
    r"|partners?|licensees?|affiliates?|businesses|organi[sz]ations?|clients?|customers?"
    r"|brands?|advertisers?"
)
_PURPOSES = (
    r"purposes?|uses?|reasons?|manners?|ways?|means|forms?|applications?|exploitation|kind"
    r"|nature|context|fashion|method"
)
_WORKS_PLURAL = (
    r"projects|productions|films|movies|pictures|programs|programmes|shows|series|titles"
    r"|works|games|properties"
)

_NUMBER_WORDS = _words("two three four five six seven eight nine ten eleven twelve both")
#: words that cannot sit between a quantifier and the noun it quantifies
_WINDOW_STOP = _words(
    "of the a an than from to in on at by for with and or but this that these those"
)
_NEGATORS = _words(
    "not no never nor neither excluding excluded exclude excludes except without cannot"
    " can't won't isn't aren't prohibited forbidden barred"
)
#: tokens that end the clause a negation reaches over
_CLAUSE_END = frozenset({".", ";", ":", "(", ")", "!", "?", "but", "however"})
#: after the noun: the works it names, or a statement that limits them
_NAMED_AFTER = _words(
    "named listed specified identified above below herein enumerated mentioned covered stated"
    " described set"
)
_LIMITED_AFTER = _words(
    "excluded prohibited forbidden barred requires require needs need is are beyond outside must"
    " shall"
)

# --- patterns over the normalised text -------------------------------------------------------

_WORD = r"[a-z][a-z0-9']*"


def _alts(words: tuple[str, ...]) -> str:
    return "|".join(words)


def _window(size: int) -> str:
    """Up to ``size`` describing words (checked against :data:`_WINDOW_STOP` afterwards)."""
    return rf"(?: {_WORD}){{0,{size}}}?"


_Q = rf"(?:{_alts(_QUANTIFIERS)})(?: (?:and|or) (?:{_alts(_QUANTIFIERS)}))?"
_QP = rf"(?:{_alts(_PURPOSE_QUANTIFIERS)})(?: (?:and|or) (?:{_alts(_QUANTIFIERS)}))?"
_MOD = rf"(?:{_alts(_REACH_MODIFIERS)})"

#: the structures of reach, and whether works named right after the noun make them specific
#: ("its films Harbor Lights and Tidewater"; but "every picture Studio One releases" reaches)
_BLANKET_STRUCTURES: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
    (re.compile(p), names_after)
    for p, names_after in (
        (rf"\b{_Q}{_window(3)} (?:{_WORKS}|{_MEDIA}|{_PARTIES})\b", False),
        (rf"\b{_QP}{_window(2)} (?:{_PURPOSES})\b", False),
        (rf"\b{_MOD}{_window(2)} (?:{_WORKS}|{_INSTALMENTS}|{_MEDIA}|{_PARTIES})\b", True),
        (rf"\bnew{_window(1)} (?:{_WORKS})\b", True),
        (rf"\b(?:its|their|his|her|{_WORD}'s){_window(2)} (?:{_WORKS_PLURAL})\b", True),
    )
)

_BLANKET_WORDS = re.compile(
    r"\b(?:"
    r"sequels|prequels|remakes|reboots|spin ?offs|franchises?|derivative works?|derivatives"
    r"|(?:a|an|another) (?:sequel|prequel|remake|reboot|spin ?off)"
    r"|affiliates?|affiliated (?:companies|entities)|licensees?|sub ?licensees?|assigns"
    r"|assignees?|successors?|subsidiar(?:y|ies)|third part(?:y|ies)|transferr?able|assignable"
    r"|sub ?licen[cs]able|sub ?licen[cs](?:e|es|ed|ing)"
    r"|anyone|anybody|everyone|everybody|whoever|whomever|whomsoever"
    r"|(?:multi)?universe|galaxy|cosmos|everywhere|elsewhere|anywhere|worldwide and beyond"
    r"|throughout the (?:known |entire |whole )?world"
    r"|unlimited(?! (?:in )?(?:time|duration|period|term|terms|years?|length))"
    r"|unrestricted|limitless|boundless|whatsoever|etc|et cetera|and so (?:on|forth)"
    r"|and the like|or otherwise|among others|and beyond"
    r"|not (?:be )?limited to|without (?:any |all )?(?:limitations?|restrictions?|restraints?"
    r"|reservations?|exceptions?)"
    r"|(?:(?:with|under|having) no|no) (?:limitations?|restrictions?|limits?)"
    r"(?! (?:in|on|of|as to) (?:time|term|duration))"
    r"|(?:of )?(?:any|every) (?:kind|sort|nature|type)"
    r"|(?:in|by|through) any (?:manner|way|form|fashion|means|method)"
    r"|(?:hereafter|later|subsequently|yet to be|to be) (?:devised|developed|invented|created"
    r"|discovered|conceived|known)"
    r"|now or hereafter|whether now (?:known|existing)|not yet (?:known|invented|devised"
    r"|developed|existing)"
    r")\b"
)

_PERPETUAL_WORDS = re.compile(
    r"\b(?:"
    r"perpetuity|perpetual(?:ly)?|perpetuum|for ?ever(?:more)?|eternity|eternal(?:ly)?"
    r"|everlasting|permanent(?:ly)?|indefinite(?:ly)?|endless(?:ly)?|unending|never ending"
    r"|open ended|evergreen|in all time|for all time|(?:un)?til(?:l)? the end of (?:time|days)"
    r"|(?:the )?(?:life|term|duration|length|lifetime|period) of (?:the |any |its |their )?"
    r"copyrights?|copyright (?:term|life|period|duration|protection)"
    r"|for (?:so|as) long as"
    r"|(?:maximum|longest|fullest|full|entire) (?:period|term|duration|time|extent)"
    r" (?:permitted|allowed|possible|available)"
    r"|never (?:expires?|ends?|terminates?|lapses?|runs? out)"
    r"|(?:(?:does|do|will|shall|would|can|could|may) not|won't|doesn't|don't|cannot|can't)"
    r" (?:ever )?(?:expire|end|terminate|lapse|run out)(?! (?:until|till|before|prior))"
    r"|(?:no|without|with no|without an?|without any) (?:end|expiry|expiration|termination"
    r"|end date|expiry date|expiration date|time limits?|limit in time|time limitation"
    r"|fixed term|term limit|sunset)"
    r"|non ?expiring|not limited in time|unlimited (?:in )?(?:time|duration|period|term|length"
    r"|years?)"
    r"|and thereafter|years? thereafter|times? thereafter|at any future time"
    r"|at any time (?:hereafter|thereafter|in the future)|any time in the future"
    r"|in all future years|(?:until|till) (?:it is )?(?:revoked|terminated|cancell?ed"
    r"|withdrawn|rescinded)(?! or (?:on |by )?(?:the )?\d)"
    r"|(?:renews?|renewed|renewing|extends?|extended|rolls? over) automatically"
    r"|automatic(?:ally)? (?:renewal|renews?|renewed|extension|extended|rollover)"
    r"|auto ?renew(?:s|al|ing|ed)?|self ?renewing"
    r")\b"
)

# --- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9']*|[0-9]+|[.;:,()!?\"]")


class _Text:
    """A description as tokens: lower-case words and punctuation, with where each starts in
    the space-joined text the patterns run over, and the original spelling (for names)."""

    __slots__ = ("joined", "original", "starts", "tokens")

    def __init__(self, description: str) -> None:
        # hyphens and slashes join words ("any-and-all", "spin-off", "and/or"): read them as
        # spaces; typographic apostrophes as plain ones
        text = re.sub("[-_/\u2013\u2014]+", " ", description.replace("\u2019", "'"))
        self.original: list[str] = _TOKEN.findall(text)
        self.tokens = [t.lower() for t in self.original]
        self.starts: list[int] = []
        position = 0
        for token in self.tokens:
            self.starts.append(position)
            position += len(token) + 1
        self.joined = " ".join(self.tokens)

    def index_at(self, offset: int) -> int:
        """The token that starts at or covers ``offset`` of the joined text."""
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low

    def negated(self, first: int) -> bool:
        """A negation in the same clause, at most six tokens before token ``first``."""
        for index in range(first - 1, max(first - 7, -1), -1):
            token = self.tokens[index]
            if token in _CLAUSE_END:
                return False
            if token in _NEGATORS:
                return True
        return False

    def limited_after(self, last: int, names: bool) -> bool:
        """The words are named or limited right after token ``last`` (``names``: a name
        right after the noun names the works)."""
        following = self.tokens[last + 1 : last + 4]
        if not following:
            return False
        nxt = self.original[last + 1]
        if nxt in {":", '"'} or (names and nxt[0].isupper()):
            return True  # the works are named: "its films Harbor Lights and Tidewater"
        return any(t in _NAMED_AFTER or t in _LIMITED_AFTER for t in following)


_INSTALMENT_WORD = re.compile(rf"(?:{_INSTALMENTS})")
_USE_WORDS = frozenset({"use", "uses"})
_PLACE_AFTER_USE = frozenset({"in", "within", "during", "at", "on", "inside"})


def _restricted_part(text: _Text, noun: str, last: int) -> bool:
    """A use placed in something ("all uses in scenes 40 to 44"), or instalments of a named
    work ("other episodes of Tidewater"): parts, not reach."""
    after = text.tokens[last + 1 : last + 3]
    if noun in _USE_WORDS:
        return bool(after) and after[0] in _PLACE_AFTER_USE
    if _INSTALMENT_WORD.fullmatch(noun) and len(after) == 2 and after[0] == "of":
        return text.original[last + 2][0].isupper()
    return False


def _structure_hits(text: _Text) -> bool:
    for pattern, names_after in _BLANKET_STRUCTURES:
        for match in pattern.finditer(text.joined):
            first = text.index_at(match.start())
            last = text.index_at(match.end() - 1)
            words = text.tokens[first : last + 1]
            # "any and all" is the quantifier itself, not a window
            body = words
            if len(words) > 2 and words[1] in {"and", "or"} and words[2] in _QUANTIFIERS:
                body = [words[0], *words[3:]]
            if any(w in _WINDOW_STOP or w in _NUMBER_WORDS or w.isdigit() for w in body[1:-1]):
                continue
            if text.negated(first) or text.limited_after(last, names_after):
                continue
            if _restricted_part(text, words[-1], last):
                continue
            return True
    return False


def _word_hits(pattern: re.Pattern[str], text: _Text) -> bool:
    for match in pattern.finditer(text.joined):
        if not text.negated(text.index_at(match.start())):
            return True
    return False


@lru_cache(maxsize=65536)
def is_blanket_wording(description: str) -> bool:
    """Whether the description reaches works, media, purposes or parties it does not name.

    >>> is_blanket_wording("New scenes for Tidewater and all future projects of the studio")
    True
    >>> is_blanket_wording("Crowd duplication in all stadium scenes of Harbor Lights")
    False
    """
    text = _Text(description)
    return _word_hits(_BLANKET_WORDS, text) or _structure_hits(text)


@lru_cache(maxsize=65536)
def is_perpetual_wording(description: str) -> bool:
    """Whether the description gives the use a term without end.

    >>> is_perpetual_wording("Dubbing of Harbor Lights in all media, for the life of the copyright")
    True
    >>> is_perpetual_wording("Dubbing of Harbor Lights into Spanish until 31 December 2026")
    False
    """
    return _word_hits(_PERPETUAL_WORDS, _Text(description))
