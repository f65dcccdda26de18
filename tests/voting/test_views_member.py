"""The member's ballot pages: choose, confirm, cast, tracker; recusal; one ballot; results
only after the close; a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from review.models import Assignment, Criterion, CriterionScore, Review
from tests.factories import UserFactory
from tests.voting import tellers
from voting import services
from voting.models import Ballot, BallotCast, SealedBallot

from .conftest import url
from .factories import ConflictFactory, ExpertFactory, finalist

pytestmark = pytest.mark.django_db

TRACKER = re.compile(r"[34679ACDEFGHJKMNPQRTWXY]{4}(?:-[34679ACDEFGHJKMNPQRTWXY]{4}){3}")


@pytest.fixture
def round(edition, category, items, committee, organiser, closes_at):
    return tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )


@pytest.fixture
def member(client, committee):
    client.force_login(committee[0].user)
    return committee[0]


def test_the_ballot_shows_both_languages_the_fingerprint_and_the_choice(
    client, member, round, items
):
    response = client.get(url("voting:member_ballot", pk=round.pk))

    html = response.content.decode()
    assert response.status_code == 200
    for item in items:
        assert item.title_zh in html and item.title_en in html
        assert item.organisation.name_zh in html and item.organisation.name_en in html
        assert f'name="choice" value="{item.code}"' in html
    assert round.voter_fingerprint in html
    assert html.count('data-testid="ballot-item"') == 3


def test_the_ballot_reads_in_chinese(client, member, round):
    response = client.get(url("voting:member_ballot", language="zh-hans", pk=round.pk))

    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "你的选票" in html or "您的选票" in html


def test_the_ballot_shows_the_review_summary(client, member, round, items, committee, category):
    criterion = Criterion.objects.create(
        category=category, code="novelty", name_zh="新颖性", name_en="Novelty", weight=1
    )
    for expert, score in ((committee[1], 8), (committee[2], 6)):
        assignment = Assignment.objects.create(expert=expert, nomination=items[0])
        review = Review.objects.create(assignment=assignment, state=Review.State.SUBMITTED)
        CriterionScore.objects.create(review=review, criterion=criterion, score=score)

    html = client.get(url("voting:member_ballot", pk=round.pk)).content.decode()

    assert "Preliminary evaluation: 7.00 (mean of 2 reviews)" in html


def test_recused_items_are_shown_disabled_with_the_reason(
    client, edition, category, items, committee, organiser, closes_at
):
    ConflictFactory(expert=committee[0], nomination=items[1])
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    client.force_login(committee[0].user)

    html = client.get(url("voting:member_ballot", pk=round.pk)).content.decode()

    assert re.search(rf'value="{items[1].code}" id="choice-{items[1].code}" disabled', html)
    assert html.count('data-testid="recused-note"') == 1
    assert "You are recused from this item" in html
    # Posting it anyway is refused: the item is not a choice of the member's form.
    response = client.post(url("voting:member_ballot", pk=round.pk), {"choice": [items[1].code]})
    assert 'data-testid="cast-form"' not in response.content.decode()


def choose(client, round, codes):
    return client.post(url("voting:member_ballot", pk=round.pk), {"choice": codes})


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_choose_confirm_cast_and_see_the_tracker_once(client, member, round, items):
    confirm = choose(client, round, [items[2].code, items[0].code])
    html = confirm.content.decode()
    assert 'data-testid="confirm-choices"' in html
    assert items[0].title_en in html and items[2].title_en in html
    assert Ballot.objects.count() == 0  # nothing is cast before the confirmation

    cast = client.post(
        url("voting:member_cast", pk=round.pk),
        {"token": token_of(confirm), "choice": [items[0].code, items[2].code]},
    )

    html = cast.content.decode()
    tracker = TRACKER.search(html).group(0)
    assert SealedBallot.objects.filter(round=round).count() == 1
    assert "no-store" in cast["Cache-Control"]  # not kept by the browser or a proxy
    assert "keep this code" in html.lower()
    assert "if you lose it nobody can give it back" in html
    # Afterwards the member sees that they voted, but the tracker is gone for good.
    later = client.get(url("voting:member_ballot", pk=round.pk)).content.decode()
    assert 'data-testid="already-voted"' in later
    assert tracker not in later
    assert tracker not in str(dict(client.session))
    # The count opens the sealed ballot: the member's tracker and choices.
    tellers.count(round)
    assert Ballot.objects.get().tracker == tracker
    assert Ballot.objects.get().choices == [items[0].code, items[2].code]


def test_a_closed_round_awaiting_its_count_says_so_in_both_languages(
    client, member, round, items, organiser
):
    services.cast_ballot(round=round, voter=member, choices=[items[0].code])
    services.close_round(round=round, actor=organiser)

    pages = {
        language: client.get(url("voting:member_ballot", pk=round.pk, language=language))
        for language in ("en", "zh-hans")
    }

    assert "Closed, awaiting the count" in pages["en"].content.decode()
    assert "已结束，等待计票" in pages["zh-hans"].content.decode()
    for response in pages.values():
        assert 'data-testid="awaiting-count"' in response.content.decode()
        assert 'data-testid="result-table"' not in response.content.decode()


def test_over_the_quota_is_refused_and_the_choices_are_kept(client, member, round, items):
    response = choose(client, round, [item.code for item in items])

    html = response.content.decode()
    assert "Choose at most 2 items." in html
    assert html.count(" checked") == 3
    assert 'data-testid="cast-form"' not in html


def test_change_my_choices_comes_back_with_them_ticked(client, member, round, items):
    response = client.post(
        url("voting:member_ballot", pk=round.pk), {"change": "1", "choice": [items[1].code]}
    )

    html = response.content.decode()
    assert f'value="{items[1].code}" id="choice-{items[1].code}" checked' in html
    assert html.count(" checked") == 1
    assert 'class="alert alert-danger"' not in html


def test_a_replayed_or_double_cast_makes_one_ballot(client, member, round, items):
    confirm = choose(client, round, [items[0].code])
    data = {"token": token_of(confirm), "choice": [items[0].code]}
    first = client.post(url("voting:member_cast", pk=round.pk), data)
    assert TRACKER.search(first.content.decode())

    replay = client.post(url("voting:member_cast", pk=round.pk), data, follow=True)

    assert "You have already voted in this round." in replay.content.decode()
    assert BallotCast.objects.count() == SealedBallot.objects.count() == 1


def test_two_tabs_make_one_ballot(client, member, round, items):
    first_tab = token_of(choose(client, round, [items[0].code]))
    second_tab = token_of(choose(client, round, [items[1].code]))

    client.post(
        url("voting:member_cast", pk=round.pk), {"token": second_tab, "choice": [items[1].code]}
    )
    other = client.post(
        url("voting:member_cast", pk=round.pk),
        {"token": first_tab, "choice": [items[0].code]},
        follow=True,
    )

    assert "You have already voted in this round." in other.content.decode()
    tellers.count(round)
    assert list(Ballot.objects.values_list("choices", flat=True)) == [[items[1].code]]


def test_borda_ballot_ranks_in_order(
    client, member, edition, category, items, organiser, closes_at
):
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at, method="borda"
    )
    confirm = client.post(
        url("voting:member_ballot", pk=round.pk),
        {f"rank_{items[2].code}": "1", f"rank_{items[0].code}": "2"},
    )
    html = confirm.content.decode()
    assert html.index(items[2].title_en) < html.index(items[0].title_en)

    client.post(
        url("voting:member_cast", pk=round.pk),
        {"token": token_of(confirm), "choice": [items[2].code, items[0].code]},
    )
    tellers.count(round)

    assert Ballot.objects.get().choices == [items[2].code, items[0].code]


def test_borda_places_must_be_distinct(
    client, member, edition, category, items, organiser, closes_at
):
    round = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at, method="borda"
    )

    response = client.post(
        url("voting:member_ballot", pk=round.pk),
        {f"rank_{items[2].code}": "1", f"rank_{items[0].code}": "1"},
    )

    assert "Give each place to one item only." in response.content.decode()


def test_the_round_list_shows_open_rounds_and_whether_i_voted(client, member, round, items):
    before = client.get(url("voting:member_rounds")).content.decode()
    services.cast_ballot(round=round, voter=member, choices=[items[0].code])
    after = client.get(url("voting:member_rounds")).content.decode()

    assert url("voting:member_ballot", pk=round.pk) in before
    assert "You have voted" not in before
    assert "You have voted" in after


def test_results_appear_for_members_only_after_the_close(
    client, member, round, items, committee, organiser
):
    services.cast_ballot(round=round, voter=committee[1], choices=[items[0].code])
    services.cast_ballot(round=round, voter=committee[2], choices=[items[0].code])
    during = client.get(url("voting:member_ballot", pk=round.pk)).content.decode()
    services.cast_ballot(round=round, voter=committee[0], choices=[items[0].code])
    tellers.close_round(round=round, actor=organiser)

    after = client.get(url("voting:member_ballot", pk=round.pk)).content.decode()

    assert 'data-testid="result-table"' not in during
    assert "Approvals" not in during
    assert 'data-testid="result-table"' in after
    assert "3 of 3 voters cast a ballot" in after


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_the_ballot_page_query_count_does_not_grow(client, edition, category, organiser, closes_at):
    def build(n):
        experts = [ExpertFactory(edition=edition) for _ in range(n)]
        finalists = [finalist(category) for _ in range(n)]
        for expert, item in zip(experts, finalists, strict=True):
            ConflictFactory(expert=expert, nomination=item)
        round = tellers.open_round(
            edition=edition, category=category, actor=organiser, closes_at=closes_at
        )
        client.force_login(experts[0].user)
        return round

    one = build(1)
    queries_one = count_queries(client, url("voting:member_ballot", pk=one.pk))
    tellers.close_round(round=one, actor=organiser)
    three = build(2)  # plus the first: 3 members; finalists: 3
    queries_three = count_queries(client, url("voting:member_ballot", pk=three.pk))

    assert three.items.count() == 3 and three.voters.count() == 3
    assert queries_three == queries_one


def test_a_signed_in_stranger_gets_404_and_the_anonymous_are_sent_to_sign_in(client, round):
    anonymous = client.get(url("voting:member_ballot", pk=round.pk))
    client.force_login(UserFactory())
    stranger = client.get(url("voting:member_ballot", pk=round.pk))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert stranger.status_code == 404


def test_opening_the_cast_address_again_leads_back_to_the_ballot(client, member, round):
    response = client.get(url("voting:member_cast", pk=round.pk))

    assert response.status_code == 302
    assert response["Location"] == url("voting:member_ballot", pk=round.pk)
    assert Ballot.objects.count() == 0
