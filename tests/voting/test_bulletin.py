"""The bulletin: built from plain data (rounds in order, ballots shuffled) and recounted from
nothing but itself; and the bulletin of a real edition recounts to its published winners."""

import random
from fractions import Fraction

import pytest

from publication import services as publication
from voting import bulletin

from .publication_fixtures import *  # noqa: F403


def record(category="cutting_edge", number=1, ballots=None, void=False, **kwargs):
    ballots = (
        ballots
        if ballots is not None
        else [
            ("T1", ["A", "B"]),
            ("T2", ["A"]),
            ("T3", ["A", "C"]),
        ]
    )
    defaults = {
        "category": category,
        "number": number,
        "method": "approval",
        "quota": 2,
        "threshold": Fraction(1, 2),
        "quorum": Fraction(2, 3),
        "eligible": 3,
        "void": void,
        "items": ["C", "A", "B"],
        "recused": {"B": 1},
        "ballots": ballots,
    }
    return bulletin.RoundRecord(**{**defaults, **kwargs})


def test_build_bulletin_has_the_published_shape():
    data = bulletin.build_bulletin(2031, [record()], rng=random.Random(1))

    assert list(data) == ["year", "rounds"]
    (entry,) = data["rounds"]
    assert {k: v for k, v in entry.items() if k != "ballots"} == {
        "category": "cutting_edge",
        "number": 1,
        "kind": "main",
        "parent": None,
        "method": "approval",
        "quota": 2,
        "threshold": 0.5,
        "quorum": 2 / 3,
        "eligible": 3,
        "void": False,
        "items": [
            {"code": "A", "recused": 0},
            {"code": "B", "recused": 1},
            {"code": "C", "recused": 0},
        ],
    }
    assert sorted((b["tracker"], b["choices"]) for b in entry["ballots"]) == [
        ("T1", ["A", "B"]),
        ("T2", ["A"]),
        ("T3", ["A", "C"]),
    ]


def test_ballots_are_shuffled_not_kept_in_the_order_given():
    ballots = [(f"T{i:03d}", ["A"]) for i in range(60)]
    orders = {
        tuple(
            b["tracker"]
            for b in bulletin.build_bulletin(2031, [record(ballots=ballots)])["rounds"][0][
                "ballots"
            ]
        )
        for _ in range(3)
    }

    assert tuple(t for t, _c in ballots) not in orders
    assert len(orders) > 1


def test_rounds_keep_the_order_given():
    data = bulletin.build_bulletin(
        2031, [record(number=1, void=True, ballots=[]), record(number=2), record("innovative", 1)]
    )

    assert [(r["category"], r["number"]) for r in data["rounds"]] == [
        ("cutting_edge", 1),
        ("cutting_edge", 2),
        ("innovative", 1),
    ]


def test_recount_needs_only_the_json_and_finds_threshold_winners():
    data = bulletin.build_bulletin(2031, [record()])

    counted = bulletin.recount(data)

    # A: 3 of 3. B: 1 of (3 - 1 recused) = 1/2, not more than half. C: 1 of 3.
    assert counted["winners"] == {"cutting_edge": ["A"]}
    assert counted["rounds"][0]["void"] is False


def test_recount_of_a_round_without_quorum_is_void_and_gives_no_winner():
    data = bulletin.build_bulletin(2031, [record(ballots=[("T1", ["A"])], void=True)])

    counted = bulletin.recount(data)

    assert counted["winners"] == {"cutting_edge": []}
    assert bulletin.differences(data, {"cutting_edge": []}) == []


def test_differences_name_a_winner_the_recount_does_not_give():
    data = bulletin.build_bulletin(2031, [record()])

    problems = bulletin.differences(data, {"cutting_edge": ["A", "B"]})

    assert problems == [
        "cutting_edge: recount winners not published [], "
        "published winners the recount does not give ['B']"
    ]


def test_a_removed_winner_is_expected_in_the_recount_only():
    data = bulletin.build_bulletin(2031, [record()])

    assert bulletin.differences(data, {"cutting_edge": []}, {"cutting_edge": ["A"]}) == []


def test_a_ballot_not_valid_for_its_round_makes_the_bulletin_uncountable():
    data = bulletin.build_bulletin(2031, [record(ballots=[("T1", ["A", "B", "C"])])])

    with pytest.raises(bulletin.BulletinError):
        bulletin.recount(data)


@pytest.mark.django_db
def test_the_served_bulletin_recounts_to_the_published_winners(edition, organiser, published):
    data = publication.bulletin_data(edition)

    assert [len(r["ballots"]) for r in data["rounds"]] == [3, 3]
    assert bulletin.differences(data, publication.published_winners(edition, published)) == []
    assert bulletin.recount(data)["winners"] == {
        "cutting_edge": ["2031-CE-001", "2031-CE-002"],
        "innovative": ["2031-IN-001"],
    }
