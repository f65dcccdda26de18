"""The tally: properties on random profiles, and agreement with abcvoting's approval rule."""

import random
from fractions import Fraction

import pytest
from abcvoting import abcrules
from abcvoting.preferences import Profile
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.tally import BORDA, InvalidBallot, RoundRules, quorum_needed, tally


@st.composite
def rounds(draw, method="approval"):
    n_items = draw(st.integers(2, 9))
    items = tuple(f"T{i:02d}" for i in range(n_items))
    quota = draw(st.integers(1, n_items - 1))
    eligible = draw(st.integers(1, 15))
    cast = draw(st.integers(0, eligible))
    ballots = []
    for _ in range(cast):
        size = draw(st.integers(0, quota))
        chosen = draw(st.permutations(items))[:size]
        ballots.append(tuple(chosen))
    threshold = draw(st.sampled_from([Fraction(0), Fraction(1, 3), Fraction(1, 2)]))
    quorum = draw(st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(2, 3)]))
    rules = RoundRules(items, quota, eligible, quorum, threshold, method)
    return rules, ballots


@settings(max_examples=300, deadline=None)
@given(rounds(), st.randoms(use_true_random=False))
def test_ballot_order_does_not_matter(case, rng):
    rules, ballots = case
    shuffled = list(ballots)
    rng.shuffle(shuffled)

    assert tally(rules, shuffled) == tally(rules, ballots)


@settings(max_examples=300, deadline=None)
@given(st.one_of(rounds(), rounds(method=BORDA)))
def test_quota_and_threshold_are_respected_and_ties_never_broken_silently(case):
    rules, ballots = case

    result = tally(rules, ballots)

    if result.void:
        assert len(ballots) < quorum_needed(rules.eligible, rules.quorum)
        assert result.winners == ()
        return
    counts = {c.code: c for c in result.counts}
    passing = [c for c in result.counts if c.passes_threshold]
    assert len(result.winners) <= rules.quota
    assert all(counts[code].passes_threshold for code in result.winners)
    if result.runoff is None:
        assert len(result.winners) == min(rules.quota, len(passing))
        # Every winner scores strictly more than every passing loser: nothing was decided by lot.
        losers = [c for c in passing if c.code not in result.winners]
        if losers and result.winners:
            assert min(counts[w].score for w in result.winners) > max(c.score for c in losers)
    else:
        tied_scores = {counts[code].score for code in result.runoff.items}
        assert len(tied_scores) == 1
        assert len(result.runoff.items) > result.runoff.places >= 1
        assert len(result.winners) + result.runoff.places == rules.quota
        (tied_score,) = tied_scores
        assert all(counts[w].score > tied_score for w in result.winners)


@settings(max_examples=300, deadline=None)
@given(rounds())
def test_approval_winners_agree_with_abcvoting(case):
    """With no threshold and no quorum, our winners are exactly what every approval-voting
    committee of abcvoting agrees on, and the run-off holds exactly the items they differ on."""
    rules, ballots = case
    rules = RoundRules(rules.items, rules.quota, rules.eligible, Fraction(0), Fraction(0))
    if not any(ballots):
        return
    profile = Profile(num_cand=len(rules.items))
    profile.add_voters([{rules.items.index(c) for c in b} for b in ballots if b])
    passing_count = sum(1 for b in {c for b in ballots for c in b})
    committees = abcrules.compute("av", profile, committeesize=rules.quota, resolute=False)
    everywhere = set.intersection(*(set(c) for c in committees))
    somewhere = set.union(*(set(c) for c in committees))

    result = tally(rules, ballots)

    winners = {rules.items.index(code) for code in result.winners}
    if passing_count <= rules.quota:
        assert result.runoff is None
        assert winners <= everywhere
        assert len(winners) == passing_count
    else:
        assert winners == everywhere
        runoff = (
            {rules.items.index(code) for code in result.runoff.items} if result.runoff else set()
        )
        assert runoff == somewhere - everywhere


def test_a_recused_members_ballot_does_not_count_against_the_item():
    rules = RoundRules(("A", "B"), 1, eligible=4, threshold=Fraction(1, 2), recused={"A": 2})
    ballots = [("A",), ("A",), ("B",), ("B",)]

    result = tally(rules, ballots)

    counts = {c.code: c for c in result.counts}
    assert (counts["A"].counted_ballots, counts["A"].passes_threshold) == (2, True)
    assert (counts["B"].counted_ballots, counts["B"].passes_threshold) == (4, False)
    assert result.winners == ("A",)


def test_exactly_half_does_not_pass_more_than_half():
    rules = RoundRules(("A", "B"), 1, eligible=4)

    result = tally(rules, [("A",), ("A",), ("B",), ()])

    assert result.winners == ()


def test_a_round_below_quorum_is_void():
    rules = RoundRules(("A", "B"), 1, eligible=31, quorum=Fraction(2, 3))

    result = tally(rules, [("A",)] * 20)

    assert (result.quorum_needed, result.void, result.winners) == (21, True, ())


def test_a_tie_across_the_quota_line_proposes_a_runoff_for_the_places_left():
    rules = RoundRules(("A", "B", "C", "D"), 2, eligible=5, threshold=Fraction(0))
    ballots = [("A", "B"), ("A", "C"), ("A", "B"), ("C",), ("A",)]

    result = tally(rules, ballots)

    assert result.winners == ("A",)
    assert (result.runoff.items, result.runoff.places) == (("B", "C"), 1)


def test_borda_gives_the_quota_points_to_first_place():
    rules = RoundRules(("A", "B", "C"), 2, eligible=3, threshold=Fraction(0), method=BORDA)

    result = tally(rules, [("B", "A"), ("B", "C"), ("A", "B")])

    assert [(c.code, c.score) for c in result.counts] == [("B", 5), ("A", 3), ("C", 1)]
    assert result.winners == ("B", "A")


@pytest.mark.parametrize(
    "choices", [("A", "A"), ("A", "B", "C"), ("Z",)], ids=["twice", "over quota", "unknown"]
)
def test_invalid_ballots_are_refused(choices):
    rules = RoundRules(("A", "B", "C"), 2, eligible=3)

    with pytest.raises(InvalidBallot):
        tally(rules, [choices])


def test_the_count_is_deterministic_across_runs():
    items = tuple(f"T{i}" for i in range(16))
    rng = random.Random(5)
    ballots = [tuple(rng.sample(items, 8)) for _ in range(31)]
    rules = RoundRules(items, 8, eligible=31)

    assert tally(rules, ballots).as_dict() == tally(rules, list(reversed(ballots))).as_dict()
