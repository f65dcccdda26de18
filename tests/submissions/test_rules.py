"""Who may see and change a nomination, and when (the predicates the views ask)."""

from datetime import timedelta

import pytest
import rules
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from submissions.models import Nomination, StageWindow
from submissions.queries import nominations_owned_by, nominations_visible_to
from submissions.rules import (
    can_edit_nomination,
    can_view_nomination,
    can_withdraw_nomination,
    is_owner_member,
)
from submissions.stages import Stage
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def with_state(nomination, state, **extra):
    Nomination.objects.filter(pk=nomination.pk).update(state=state, **extra)
    return Nomination.objects.select_related("edition").get(pk=nomination.pk)


@pytest.fixture
def closes_at(edition):
    return StageWindow.objects.get(edition=edition, stage=Stage.COLLECTION).closes_at


def test_owner_membership(nomination, nominator, colleague, stranger, organiser):
    assert [
        is_owner_member(user, nomination)
        for user in (nominator, colleague, stranger, organiser, AnonymousUser())
    ] == [True, True, False, False, False]


def test_who_may_view(nomination, nominator, colleague, stranger, organiser, expert):
    assert [
        can_view_nomination(user, nomination)
        for user in (nominator, colleague, organiser, stranger, expert, AnonymousUser())
    ] == [True, True, True, False, False, False]


def test_the_permission_names_answer_the_same(nomination, nominator, stranger, expert):
    assert nominator.has_perm("submissions.see_nomination", nomination)
    assert nominator.has_perm("submissions.edit_nomination", nomination)
    assert not stranger.has_perm("submissions.see_nomination", nomination)
    assert not expert.has_perm("submissions.see_nomination", nomination)


@pytest.mark.parametrize(
    ("state", "editable"),
    [
        ("draft", True),
        ("submitted", True),
        ("returned", True),
        ("eligible", False),
        ("ineligible", False),
        ("in_review", False),
        ("withdrawn", False),
    ],
)
def test_the_owner_edits_only_in_the_editable_states(nomination, nominator, state, editable):
    nomination = with_state(nomination, state)

    assert can_edit_nomination(nominator, nomination) is editable


def test_nobody_but_the_owner_edits(nomination, stranger, organiser, expert):
    assert [can_edit_nomination(user, nomination) for user in (stranger, organiser, expert)] == [
        False,
        False,
        False,
    ]


def test_editing_ends_when_the_window_closes(nomination, nominator, closes_at):
    with time_machine.travel(closes_at - timedelta(seconds=1), tick=False):
        before = can_edit_nomination(nominator, nomination)
    with time_machine.travel(closes_at + timedelta(seconds=1), tick=False):
        after = can_edit_nomination(nominator, nomination)

    assert (before, after) == (True, False)


def test_a_returned_nomination_is_editable_until_its_deadline(nomination, nominator, closes_at):
    deadline = closes_at + timedelta(days=7)
    nomination = with_state(nomination, "returned", correction_deadline=deadline)

    with time_machine.travel(deadline - timedelta(seconds=1), tick=False):
        before = can_edit_nomination(nominator, nomination)
    with time_machine.travel(deadline + timedelta(seconds=1), tick=False):
        after = can_edit_nomination(nominator, nomination)

    assert (before, after) == (True, False)


def test_withdrawal_ends_when_the_review_begins(nomination, nominator):
    assert can_withdraw_nomination(nominator, with_state(nomination, "eligible"))
    assert not can_withdraw_nomination(nominator, with_state(nomination, "in_review"))


def test_visible_nominations_by_persona(nomination, nominator, stranger, organiser, expert):
    other = NominationFactory(edition=nomination.edition, organisation=stranger.organisation)

    assert list(nominations_visible_to(nominator)) == [nomination]
    assert list(nominations_visible_to(stranger)) == [other]
    assert list(nominations_visible_to(organiser).order_by("pk")) == [nomination, other]
    assert list(nominations_visible_to(expert)) == []
    assert list(nominations_visible_to(AnonymousUser())) == []


def test_acting_as_nominator_is_for_the_owner_organisation(
    nomination, nominator, colleague, stranger, organiser, expert
):
    users = (nominator, colleague, stranger, organiser, expert, AnonymousUser())

    assert [rules.has_perm("submissions.act_for_nomination", u, nomination) for u in users] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_the_secretariat_acts_as_nominator_of_its_own_recommendations(nomination, organiser):
    secretariat = with_state(nomination, "draft")
    Nomination.objects.filter(pk=secretariat.pk).update(channel="secretariat")
    secretariat.refresh_from_db()

    assert rules.has_perm("submissions.act_for_nomination", organiser, secretariat)
    assert list(nominations_owned_by(organiser)) == [secretariat]


def test_owned_nominations_match_the_rule(nomination, nominator, stranger, organiser):
    other = NominationFactory(edition=nomination.edition, organisation=stranger.organisation)

    assert list(nominations_owned_by(nominator)) == [nomination]
    assert list(nominations_owned_by(stranger)) == [other]
    assert list(nominations_owned_by(organiser)) == []
    assert list(nominations_owned_by(AnonymousUser())) == []


@pytest.mark.parametrize(
    "perm", ["submissions.run_formal_check", "submissions.recommend_as_secretariat"]
)
def test_the_secretariats_pages_are_the_organisers(perm, nominator, stranger, organiser, expert):
    users = (nominator, stranger, organiser, expert, AnonymousUser())

    assert [rules.has_perm(perm, user) for user in users] == [False, False, True, False, False]


# --- Stage windows: Edition.window / is_open / before_close, the one home of the rule ----------


def test_a_stage_without_a_window_is_closed(edition):
    assert edition.window(Stage.BIDDING) is None
    assert edition.is_open(Stage.BIDDING) is False
    assert edition.before_close(Stage.BIDDING) is False


def test_a_window_is_open_from_its_opening_to_just_before_its_close(edition):
    edition.stage_windows.filter(stage=Stage.PRELIMINARY).delete()
    opens = timezone.now() + timedelta(days=1)
    StageWindow.objects.create(
        edition=edition,
        stage=Stage.PRELIMINARY,
        opens_at=opens,
        closes_at=opens + timedelta(days=5),
    )
    edition.forget_windows()

    assert edition.is_open(Stage.PRELIMINARY, opens - timedelta(seconds=1)) is False
    assert edition.before_close(Stage.PRELIMINARY, opens - timedelta(seconds=1)) is True
    assert edition.is_open(Stage.PRELIMINARY, opens) is True
    assert edition.is_open(Stage.PRELIMINARY, opens + timedelta(days=5)) is False
    assert edition.before_close(Stage.PRELIMINARY, opens + timedelta(days=5)) is False
