"""Tickets, the business calendar, and the CRM routing rule."""

from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import Polygon

from aduan.domain.calendar import add_working_days, is_working_day, working_days_between
from aduan.domain.geo import KelurahanIndex, parse_geometry
from aduan.domain.routing import (
    DEFAULT_POLICY,
    TRIAGE_UNIT_CODE,
    AuthorityGuess,
    CategoryGuess,
    Location,
    LocationSource,
    NoLocationReason,
    decide_holder,
)
from aduan.domain.tickets import ALPHABET, new_ticket, normalize_ticket


def test_tickets_are_short_grouped_and_unambiguous() -> None:
    for _ in range(500):
        ticket = new_ticket()
        assert len(ticket) == 9 and ticket[4] == "-"
        assert set(ticket.replace("-", "")) <= set(ALPHABET)
        assert not set(ticket) & set("ILOU")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("K7M3-QX2A", "K7M3-QX2A"),
        ("k7m3qx2a", "K7M3-QX2A"),
        (" k7m3 qx2a ", "K7M3-QX2A"),
        ("O7M3-QX2A", "07M3-QX2A"),
        ("I7M3-QX2A", "17M3-QX2A"),
        ("K7M3-QX2", None),
        ("K7M3-QX2A9", None),
        ("", None),
        ("K7M3-QX2!", None),
    ],
)
def test_typed_tickets_are_normalised(typed: str, expected: str | None) -> None:
    assert normalize_ticket(typed) == expected


def test_working_days_skip_weekends_holidays_and_cuti_bersama() -> None:
    assert not is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan
    assert not is_working_day(date(2026, 3, 20))  # cuti bersama Idulfitri
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 30))
    # Friday 14 Aug 2026 + 1 working day skips the weekend and 17 August: Tuesday 18 August.
    assert add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)
    assert working_days_between(date(2026, 8, 14), date(2026, 8, 18)) == 1
    assert working_days_between(date(2026, 8, 18), date(2026, 8, 14)) == 0
    with pytest.raises(ValueError):
        add_working_days(date(2026, 8, 14), -1)


def test_crm_rule_kelurahan_first_whatever_the_category() -> None:
    here = Location("31.71.01.1001", LocationSource.POINT, kelurahan_name="Gambir")
    for handles in ("yes", "minor", "no"):
        decision = decide_holder(here, CategoryGuess("JALAN", 1.0, handles))
        assert decision.holder_code == "KEL-31.71.01.1001"
        assert "Gambir" in decision.reason and decision.facts["category"] == "JALAN"


def test_a_luar_proposal_names_the_region_the_text_mentions_and_respects_the_threshold() -> None:
    nowhere = Location(None, LocationSource.NONE, NoLocationReason.NO_POINT)
    sure = AuthorityGuess("luar", DEFAULT_POLICY.luar_confidence, ("Kabupaten Badung",))
    decision = decide_holder(nowhere, CategoryGuess("JALAN", 0.9, "no"), sure)
    assert decision.holder_code == TRIAGE_UNIT_CODE and decision.proposed_referral
    assert "teks menyebut Kabupaten Badung" in decision.reason
    unsure = AuthorityGuess("luar", DEFAULT_POLICY.luar_confidence - 0.01, ("Kabupaten Badung",))
    assert not decide_holder(nowhere, CategoryGuess("JALAN", 0.9, "no"), unsure).proposed_referral


@pytest.mark.parametrize("why", list(NoLocationReason))
def test_no_kelurahan_goes_to_triage_with_the_reason(why: NoLocationReason) -> None:
    decision = decide_holder(Location(None, LocationSource.NONE, why), None)
    assert decision.holder_code == TRIAGE_UNIT_CODE
    assert decision.facts["no_location_reason"] == why.value and decision.reason


def test_near_edge_decisions_say_how_far() -> None:
    decision = decide_holder(
        Location("31.01.02.1002", LocationSource.POINT_NEAR_EDGE, distance_m=174.0), None
    )
    assert "174 m" in decision.reason and decision.facts["distance_m"] == 174.0


def test_index_on_shared_borders_is_deterministic_and_empty_index_finds_nothing() -> None:
    left = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    right = Polygon([(1, 0), (2, 0), (2, 1), (1, 1)])
    for order in ([("B", right), ("A", left)], [("A", left), ("B", right)]):
        found = KelurahanIndex(order).locate(0.5, 1.0)  # on the shared edge x=1
        assert found is not None and found.code == "A"
    assert KelurahanIndex([]).locate(0.5, 0.5) is None


def test_parse_geometry_refuses_empty_and_repairs_a_bow_tie() -> None:
    with pytest.raises(ValueError):
        parse_geometry({"type": "Polygon", "coordinates": []})
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
    repaired = parse_geometry(bow_tie)
    assert repaired.is_valid and repaired.area == pytest.approx(2.0)  # both triangles kept
    with pytest.raises(ValueError):
        parse_geometry({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
