"""What a description does (SPEC §5 ``blanket-scope``, ``perpetual-term``), tried on phrasings
written for this table, not taken from the rules' own vocabulary lists.

How the table was built: for each thing the words can do (reach unnamed or future works, reach
every medium, reach other parties, reach any purpose, run without end) a few ways a contract, an
agent's email or a producer's form says it, in different grammar (quantifier, modifier,
possessive, a word that reaches by itself, a clause); then, for each, a specific description that
uses the same words about *parts of a named work*, under a negation, with a number, or as the
subject of a limit, which must stay valid.
"""

from __future__ import annotations

import pytest

from likeness.policy.wording import is_blanket_wording, is_perpetual_wording

BLANKET = [
    # reach to unnamed or future works
    "New scenes for Tidewater and all future projects of the studio, unlimited",
    "Crowd shots for Harbor Lights and any other film the company produces",
    "The stadium footage may be reused in the studio's productions",
    "Harbor Lights and its sequels, prequels and spin-offs",
    "for use in subsequent seasons of the series and related programmes",
    "in every motion picture Studio One releases",
    "the stadium scene of Harbor Lights and other projects",
    "for the Harbor Lights franchise",
    "any project whatsoever",
    "the crowd scenes, and also new productions developed by the producer",
    "stadium crowd scenes, for all upcoming titles",
    "for Harbor Lights, Tidewater, etc.",
    "In Harbor Lights and beyond",
    "usable in whichever production the studio chooses",
    "stadium crowd scenes in additional episodes to be produced later",
    "for Harbor Lights and derivative works",
    "the stadium crowd of Harbor Lights, to be reused in a sequel",
    # every medium
    "Dubbing of Harbor Lights in all media, for the life of the copyright",
    "the trailer for Harbor Lights on every platform and device",
    "in any format whether now existing or later invented",
    "stadium scenes of Harbor Lights, exploited through any channel or outlet",
    "Harbor Lights, reel two, in any manner and by any means",
    "the flashback in The Last Lighthouse and in other media",
    # other parties
    "Studio One, its affiliates, licensees, successors and assigns may use the stadium scenes",
    "the stadium scenes of Harbor Lights; this licence is transferable to third parties",
    "the stadium scenes, also for any company the studio later merges with",
    "the scan may be sublicensed for the stadium scenes of Harbor Lights",
    "for use by anyone the producer designates, in the stadium scenes",
    # any purpose
    "the stadium sequence of Harbor Lights and for whatever purpose the studio wishes",
    "crowd duplication, including but not limited to the stadium scenes",
    "the scan may be used without restriction of any kind in Harbor Lights",
    "for all purposes connected with the studio's business",
    "the voice replica, with no limitations on use",
    "unrestricted use of the likeness in Harbor Lights",
]

SPECIFIC = [
    "Crowd duplication in all stadium scenes of Harbor Lights",
    "Crowd duplication of the stadium sequence, scenes 40 to 44, as a spectator in the stands",
    "The replica appears in every shot of the stadium sequence of Harbor Lights, reel two",
    "Any take of scenes 40 to 44 of Harbor Lights may use the crowd replica",
    "Dubbing of all episodes of Tidewater season one into Spanish",
    "in both films named above, Harbor Lights and Harbor Lights II, for the stadium scenes",
    "in all three films listed in this consent, crowd scenes in the stands only",
    "the stadium scenes of Harbor Lights and not in any other production",
    "Crowd shots of Harbor Lights; any other use requires a new written consent",
    "Harbor Lights stadium scenes only, excluding sequels, remakes and other projects",
    "The voice replica speaks the ferryman's lines in all chapters of Hollow Crown",
    "New lines for the ferryman in each river level of Hollow Crown, recorded in two sessions",
    "the productions Harbor Lights and Tidewater, crowd scenes in the harbour sequence",
    "All crowd shots of the harbour sequence in Tidewater, which is not licensed to third parties",
    "The trailer for Harbor Lights shows the stadium crowd for thirty seconds",
    "A thirty second flashback in which the lighthouse keeper speaks to her daughter",
    "The stadium sequence of Harbor Lights, reel two, in cinemas and on the streaming release",
    "The performer may revoke at any time; stadium crowd of Harbor Lights, scenes 40 to 44",
    "Pay covers all uses in scenes 40 to 44 of Harbor Lights at the agreed day rate",
    "Other episodes of Tidewater season one use the same crowd shot of the harbour",
    "A synthetic news anchor with her eyes and voice for the broadcast scene in episode five",
    "The project manager will use the stadium sequence of reel two for all crowd shots",
    "A short scene in the sequel where her character reads the harbour log aloud",
]

PERPETUAL = [
    "Dubbing of Harbor Lights in all media, for the life of the copyright",
    "stadium scenes of Harbor Lights, forevermore",
    "the crowd replica remains licensed indefinitely",
    "the stadium scenes of Harbor Lights; this consent never expires",
    "the stadium scenes of Harbor Lights; this consent does not lapse",
    "with no end date, for the stadium scenes of Harbor Lights",
    "a permanent licence to the stadium scenes of Harbor Lights",
    "the stadium scenes of Harbor Lights, for as long as the studio distributes the film",
    "the stadium scenes for the maximum period permitted by law",
    "the stadium scenes of Harbor Lights from 2025 and thereafter",
    "the stadium scenes of Harbor Lights until revoked in writing",
    "the stadium scenes of Harbor Lights; the term renews automatically each year",
    "stadium scenes, unlimited in time",
    "the stadium scenes of Harbor Lights without any time limit",
    "the stadium scenes of Harbor Lights, for all eternity",
    "the stadium scenes of Harbor Lights, at any time in the future",
    "an everlasting licence for the stadium scenes",
]

LIMITED = [
    "Crowd duplication of the stadium sequence, scenes 40 to 44, until 31 December 2025",
    "the stadium scenes of Harbor Lights; no perpetual rights are granted",
    "the stadium scenes of Harbor Lights for the performer's lifetime, ending at her death",
    "The performer may revoke at any time; stadium crowd of Harbor Lights, scenes 40 to 44",
    "the stadium scenes of Harbor Lights; the licence will end on 31 December 2026",
    "the stadium scenes of Harbor Lights for two years from the first day of photography",
    "the stadium scenes of Harbor Lights; this licence is not perpetual and ends in 2026",
    "the stadium scenes of Harbor Lights at all times during principal photography",
    "the stadium scenes of Harbor Lights; the consent does not expire before the premiere",
    "the stadium scenes of Harbor Lights, valid until revoked or 31 December 2026",
]


def test_the_table_has_at_least_forty_phrasings_each_way():
    assert len(BLANKET) + len(PERPETUAL) >= 40
    assert len(SPECIFIC) + len(LIMITED) >= 30


@pytest.mark.parametrize("description", BLANKET)
def test_a_description_reaching_beyond_named_works_is_blanket(description):
    assert is_blanket_wording(description)


@pytest.mark.parametrize("description", SPECIFIC)
def test_a_description_about_parts_of_named_works_is_specific(description):
    assert not is_blanket_wording(description)


@pytest.mark.parametrize("description", PERPETUAL)
def test_a_description_without_end_is_perpetual(description):
    assert is_perpetual_wording(description)


@pytest.mark.parametrize("description", LIMITED)
def test_a_description_with_an_end_or_none_said_is_not_perpetual(description):
    assert not is_perpetual_wording(description)


@pytest.mark.parametrize(
    "description",
    [
        "New scenes for Tidewater and ALL FUTURE PROJECTS of the studio",
        "new scenes for tidewater and all-future-projects of the studio",
        "New scenes for Tidewater and all\n  future projects of the studio",
        "New scenes for Tidewater and all future projects of the studio\u2019s group",
    ],
)
def test_case_line_breaks_and_hyphens_do_not_hide_the_reach(description):
    assert is_blanket_wording(description)
