"""Acting on a conflict recorded after a round opened (docs/conflicts.md): before the count the
organiser voids the round with a recorded reason (its sealed ballots deleted unread with the
key, the turnout kept, audited, listed in the bulletin as void with the reason) and holds it
again with recusals that include the conflict; after the count the result stands."""

import pytest

from core.models import AuditEvent
from publication import services as publication
from review.services import add_conflict
from voting import bulletin, services
from voting.models import (
    BallotCast,
    BallotRound,
    KeyWrap,
    Recusal,
    RoundKey,
    RoundState,
    SealedBallot,
)

from . import tellers
from .conftest import url

pytestmark = pytest.mark.django_db

REASON = "Member B joined the maker of 2031-CE-003 after the round opened."


@pytest.fixture
def round(edition, category, items, committee, organiser, closes_at):
    return tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )


@pytest.fixture
def late(round, items, committee, organiser):
    """Two members have voted; then a conflict of Member B on CE-003 is recorded."""
    for member in committee[:2]:
        services.cast_ballot(round=round, voter=member, choices=[items[0].code, items[2].code])
    add_conflict(expert=committee[1], nomination=items[2], reason="New employer", actor=organiser)
    return round


def test_voiding_deletes_the_sealed_ballots_and_the_key_and_keeps_the_turnout(
    late, organiser, committee
):
    services.void_round(round=late, actor=organiser, reason=f"  {REASON} ")

    late.refresh_from_db()
    assert late.state == RoundState.VOID
    assert late.result["voided_reason"] == REASON
    assert (late.result["cast"], late.result["eligible"], late.result["winners"]) == (2, 3, [])
    assert SealedBallot.objects.filter(round=late).count() == 0
    assert RoundKey.objects.filter(round=late).count() == 0
    assert KeyWrap.objects.filter(round=late).count() == 0
    assert set(BallotCast.objects.filter(round=late).values_list("voter", flat=True)) == {
        committee[0].pk,
        committee[1].pk,
    }
    event = AuditEvent.objects.get(action="voting.round_voided_by_decision")
    assert (event.actor, event.details["reason"], event.details["was"]) == (
        organiser,
        REASON,
        "open",
    )
    assert event.details["discarded_unread"] == 2


def test_a_round_awaiting_its_count_can_be_voided(late, organiser):
    services.close_round(round=late, actor=organiser)

    services.void_round(round=late, actor=organiser, reason=REASON)

    late.refresh_from_db()
    assert (late.state, SealedBallot.objects.filter(round=late).count()) == (RoundState.VOID, 0)


def test_voiding_needs_a_reason(late, organiser):
    with pytest.raises(services.RoundStateError):
        services.void_round(round=late, actor=organiser, reason="   ")

    late.refresh_from_db()
    assert late.state == RoundState.OPEN
    assert SealedBallot.objects.filter(round=late).count() == 2


def test_a_counted_round_cannot_be_voided(late, organiser):
    tellers.count(late, actor=organiser)

    with pytest.raises(services.RoundStateError):
        services.void_round(round=late, actor=organiser, reason=REASON)

    late.refresh_from_db()
    assert late.state == RoundState.CLOSED
    assert not AuditEvent.objects.filter(action="voting.round_voided_by_decision").exists()


def test_the_round_held_again_recuses_the_late_conflict(late, organiser, items, committee):
    late = services.void_round(round=late, actor=organiser, reason=REASON)

    again = tellers.rerun_round(round=late, actor=organiser, closes_at=late.closes_at)

    assert again.number == late.number + 1 and again.state == RoundState.OPEN
    assert list(Recusal.objects.filter(round=again).values_list("voter__expert", "nomination")) == [
        (committee[1].pk, items[2].pk)
    ]
    with pytest.raises(services.RecusedItem):
        services.cast_ballot(round=again, voter=committee[1], choices=[items[2].code])
    assert not BallotCast.objects.filter(round=again).exists()


def test_the_bulletin_lists_the_voided_round_with_its_reason_and_still_recounts(
    late, organiser, edition, items, committee
):
    late = services.void_round(round=late, actor=organiser, reason=REASON)
    again = tellers.rerun_round(round=late, actor=organiser, closes_at=late.closes_at)
    for member in committee:
        choices = [items[0].code] if member == committee[1] else [items[0].code, items[2].code]
        services.cast_ballot(round=again, voter=member, choices=choices)
    again = tellers.close_round(round=again, actor=organiser)
    services.certify_round(round=again, actor=organiser, unfilled="vacant", reason="Two passed.")

    data = publication.bulletin_data(edition)

    first, second = data["rounds"]
    assert (first["number"], first["void"], first["voided_reason"]) == (1, True, REASON)
    assert first["ballots"] == [] and first["eligible"] == 3
    assert "voided_reason" not in second and len(second["ballots"]) == 3
    counted = bulletin.recount(data)
    assert [r["void"] for r in counted["rounds"]] == [True, False]
    assert counted["winners"] == {"cutting_edge": [items[0].code, items[2].code]}
    assert bulletin.differences(data, {"cutting_edge": [items[0].code, items[2].code]}) == []


def test_a_bulletin_that_lists_ballots_for_a_voided_round_is_refused(late, organiser, edition):
    services.void_round(round=late, actor=organiser, reason=REASON)
    data = publication.bulletin_data(edition)
    data["rounds"][0]["ballots"] = [{"tracker": "X", "choices": []}]

    with pytest.raises(bulletin.BulletinError):
        bulletin.recount(data)


# --- The page ---------------------------------------------------------------------------------


def test_the_organiser_voids_the_round_from_its_page(client, late, organiser):
    client.force_login(organiser)

    response = client.post(url("voting:organiser_void", pk=late.pk), {"reason": REASON})

    late.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == url("voting:organiser_round", pk=late.pk)
    assert (late.state, late.result["voided_reason"]) == (RoundState.VOID, REASON)
    page = client.get(url("voting:organiser_round", "zh-hans", pk=late.pk)).content.decode()
    assert "该轮投票在计票前已作废" in page and REASON in page
    assert 'data-testid="rerun-form"' in page
    # Nothing was counted: no result table with empty rows.
    assert 'data-testid="result-table"' not in page


def test_voiding_without_a_reason_is_refused_in_chinese_and_keeps_the_round(
    client, late, organiser
):
    client.force_login(organiser)

    response = client.post(url("voting:organiser_void", "zh-hans", pk=late.pk), {"reason": " "})

    late.refresh_from_db()
    assert response.status_code == 400
    assert "请说明作废该轮投票的理由。" in response.content.decode()
    assert late.state == RoundState.OPEN
    assert SealedBallot.objects.filter(round=late).count() == 2


def test_the_page_offers_voiding_before_the_count_in_both_languages(client, late, organiser):
    client.force_login(organiser)

    english = client.get(url("voting:organiser_round", pk=late.pk)).content.decode()
    chinese = client.get(url("voting:organiser_round", "zh-hans", pk=late.pk)).content.decode()

    assert 'data-testid="void-form"' in english and "Void the round" in english
    assert "The rule before the count" in english
    assert 'data-testid="void-form"' in chinese and "作废该轮投票" in chinese


def test_after_the_count_the_page_says_the_result_stands_and_offers_no_voiding(
    client, late, organiser
):
    tellers.count(late, actor=organiser)
    client.force_login(organiser)

    english = client.get(url("voting:organiser_round", pk=late.pk)).content.decode()
    response = client.post(url("voting:organiser_void", pk=late.pk), {"reason": REASON})

    assert 'data-testid="late-conflict-rule-after-count"' in english
    assert 'data-testid="void-form"' not in english
    assert response.status_code == 400
    assert BallotRound.objects.get(pk=late.pk).state == RoundState.CLOSED


def test_a_member_sees_why_the_round_was_voided(client, late, organiser, committee):
    services.void_round(round=late, actor=organiser, reason=REASON)
    client.force_login(committee[0].user)

    page = client.get(url("voting:member_ballot", "zh-hans", pk=late.pk)).content.decode()

    assert "该轮投票在计票前已作废" in page and REASON in page
