"""The secretariat's ballot pages: open a round, turnout, close, result, run-off, re-run,
certify; the permission matrix of every voting URL; a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import AuditEvent
from submissions.services import transition
from submissions.states import NominationState
from tests.factories import EditionFactory, OrganisationFactory, UserFactory
from tests.voting import tellers
from voting import services
from voting.models import BallotRound, RoundState

from .conftest import url
from .factories import ExpertFactory, finalist

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def round(edition, category, items, committee, organiser, closes_at):
    return tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_open_a_round_from_the_form(signed_in, edition, category, items, committee):
    closes = timezone.now() + timedelta(days=3)
    named = tellers.make_tellers()

    response = signed_in.post(
        url("voting:organiser_open", code=category.code),
        {
            "method": "approval",
            "quota": "2",
            "closes_at": local(closes),
            "quorum": "0.6667",
            "threshold": "0.5",
            "tellers": [t.pk for t in named],
        },
        follow=True,
    )

    round = BallotRound.objects.get()
    assert [rt.teller for rt in round.tellers.order_by("position")] == named
    assert round.key.public_key
    html = response.content.decode()
    assert (round.state, round.quota, round.items.count()) == (RoundState.OPEN, 2, 3)
    assert round.voter_fingerprint in html
    assert 'data-testid="voter-count">3<' in html
    assert "2/3" in html


def test_the_open_form_refuses_a_past_closing_time_and_keeps_the_input(
    signed_in, category, items, committee
):
    response = signed_in.post(
        url("voting:organiser_open", code=category.code),
        {
            "method": "borda",
            "quota": "3",
            "closes_at": "2020-01-01T10:00",
            "quorum": "0.6667",
            "threshold": "0.5",
        },
    )

    html = response.content.decode()
    assert BallotRound.objects.count() == 0
    assert "Choose a time in the future." in html
    assert 'value="3"' in html and '<option value="borda" selected>' in html


@pytest.mark.parametrize(
    ("language", "named"),
    [
        ("en", "Zhou Secretariat, Wang Jianhua, Li Mingyuan</p>"),
        ("zh-hans", "Zhou Secretariat、王建华、李明远</p>"),
    ],
)
def test_the_round_names_its_tellers_as_the_committee_list_does(
    signed_in, edition, category, items, committee, organiser, closes_at, language, named
):
    """A member who is a teller goes by the member's name in the page's language (the account
    has one name only), an organiser by the account's name; the list is punctuated as the
    language writes a list."""
    secretary = UserFactory(roles=["organiser"], full_name="Zhou Secretariat")
    members = [
        ExpertFactory(
            edition=edition,
            name_zh=zh,
            name_en=en,
            user=UserFactory(roles=["expert"], full_name=zh),
        )
        for zh, en in (("王建华", "Wang Jianhua"), ("李明远", "Li Mingyuan"))
    ]
    users = [secretary, *(member.user for member in members)]
    for user in users:
        services.create_teller_secret(actor=user)
    round = services.open_round(
        edition=edition,
        category=category,
        actor=organiser,
        closes_at=closes_at,
        tellers=[user.teller for user in users],
    )

    html = signed_in.get(url("voting:organiser_round", language, pk=round.pk)).content.decode()

    assert named in html


def test_turnout_shows_who_voted_and_nothing_of_what(signed_in, round, items, committee):
    tracker = services.cast_ballot(round=round, voter=committee[1], choices=[items[0].code])

    html = signed_in.get(url("voting:organiser_round", pk=round.pk)).content.decode()

    assert "1 of 3 members have voted." in html
    assert html.count(">voted<") == 1 and html.count(">not yet<") == 2
    assert tracker not in html
    assert 'data-testid="result-table"' not in html
    assert "Approvals" not in html


def test_close_shows_the_result_with_threshold_marks_and_winners(
    signed_in, round, items, committee
):
    a, b, c = (item.code for item in items)
    for expert, choices in zip(committee, [[a, b], [a, b], [a, c]], strict=True):
        services.cast_ballot(round=round, voter=expert, choices=choices)

    closed = signed_in.post(url("voting:organiser_close", pk=round.pk), follow=True)
    round.refresh_from_db()
    assert round.state == RoundState.AWAITING_COUNT
    assert 'data-testid="awaiting-count"' in closed.content.decode()
    assert 'data-testid="result-table"' not in closed.content.decode()

    first, second = tellers.secrets_of(round, positions=(2, 0))
    response = signed_in.post(
        url("voting:teller_count", pk=round.pk),
        {"secret_1": first, "secret_2": second},
        follow=True,
    )

    html = response.content.decode()
    round.refresh_from_db()
    assert round.state == RoundState.CLOSED
    assert 'data-testid="result-table"' in html
    assert html.count("✓ passes") == 2 and html.count("✗ below") == 1
    assert f"Winners of this round:</strong> {a}, {b}" in html
    assert 'data-testid="certify-form"' in html


def test_a_tie_offers_the_runoff_and_the_button_opens_it(signed_in, round, items, committee):
    a, b, c = (item.code for item in items)
    for expert, choices in zip(committee, [[a, b], [a, c], [b, c]], strict=True):
        services.cast_ballot(round=round, voter=expert, choices=choices)
    signed_in.post(url("voting:organiser_close", pk=round.pk))
    tellers.count(round)

    page = signed_in.get(url("voting:organiser_round", pk=round.pk)).content.decode()
    named = tellers.make_tellers()
    response = signed_in.post(
        url("voting:organiser_runoff", pk=round.pk),
        {
            "closes_at": local(timezone.now() + timedelta(days=1)),
            "tellers": [t.pk for t in named],
        },
        follow=True,
    )

    assert 'data-testid="runoff-proposal"' in page and 'data-testid="runoff-form"' in page
    runoff = BallotRound.objects.get(parent=round)
    assert (runoff.quota, runoff.state) == (2, RoundState.OPEN)
    assert [rt.teller for rt in runoff.tellers.order_by("position")] == named
    assert response.redirect_chain[-1][0] == url("voting:organiser_round", pk=runoff.pk)


def test_a_void_round_says_so_and_can_be_held_again(signed_in, round, items, committee):
    signed_in.post(url("voting:organiser_close", pk=round.pk))
    tellers.count(round)

    page = signed_in.get(url("voting:organiser_round", pk=round.pk)).content.decode()
    signed_in.post(
        url("voting:organiser_rerun", pk=round.pk),
        {
            "closes_at": local(timezone.now() + timedelta(days=1)),
            "tellers": [t.pk for t in tellers.make_tellers()],
        },
    )

    assert 'data-testid="void-notice"' in page
    assert 'data-testid="certify-form"' not in page
    assert BallotRound.objects.filter(state=RoundState.OPEN, number=2).count() == 1


def test_certify_records_an_audit_event(signed_in, organiser, round, items, committee):
    for expert in committee:
        services.cast_ballot(round=round, voter=expert, choices=[items[0].code])
    tellers.close_round(round=round, actor=organiser)

    response = signed_in.post(
        url("voting:organiser_certify", pk=round.pk),
        {"unfilled": "vacant", "reason": "Only one item passed."},
        follow=True,
    )

    round.refresh_from_db()
    assert round.state == RoundState.CERTIFIED
    assert 'data-testid="certified"' in response.content.decode()
    event = AuditEvent.objects.get(action="voting.round_certified")
    assert (event.actor, event.details["winners"]) == (organiser, [items[0].code])


def test_the_rounds_page_lists_rounds_per_category_with_turnout(signed_in, round, items, committee):
    services.cast_ballot(round=round, voter=committee[0], choices=[])

    html = signed_in.get(url("voting:organiser_rounds")).content.decode()

    assert url("voting:organiser_round", pk=round.pk) in html
    assert "1 / 3" in html


def test_after_publication_the_rounds_page_still_counts_the_finalists_and_opens_none(
    signed_in, organiser, round, items, committee
):
    # Published, the finalists are winners or not selected (as `publish` moves them): they
    # still made the final, and none waits for a round.
    for expert in committee:
        services.cast_ballot(round=round, voter=expert, choices=[items[0].code])
    tellers.close_round(round=round, actor=organiser)
    signed_in.post(
        url("voting:organiser_certify", pk=round.pk),
        {"unfilled": "vacant", "reason": "Only one item passed."},
    )
    for item in items:
        target = NominationState.WINNER if item == items[0] else NominationState.NOT_SELECTED
        transition(nomination=item, to_state=target, actor=organiser, notify=False)

    html = signed_in.get(url("voting:organiser_rounds")).content.decode()

    assert f"{len(items)} finalists" in html
    assert url("voting:organiser_open", code=round.category.code) not in html


def test_the_organiser_pages_read_in_chinese(signed_in, round):
    html = signed_in.get(
        url("voting:organiser_round", language="zh-hans", pk=round.pk)
    ).content.decode()

    assert "投票率" in html or "投票情况" in html


# --- Permission matrix ----------------------------------------------------------------------


ORGANISER_URLS = [
    ("voting:organiser_rounds", "get", False),
    ("voting:organiser_open", "get", "code"),
    ("voting:organiser_round", "get", True),
    ("voting:organiser_close", "post", True),
    ("voting:organiser_certify", "post", True),
    ("voting:organiser_runoff", "post", True),
    ("voting:organiser_rerun", "post", True),
]
MEMBER_URLS = [
    ("voting:member_rounds", "get", False),
    ("voting:member_ballot", "get", True),
    ("voting:member_ballot", "post", True),
    ("voting:member_cast", "post", True),
]


def resolve(name, needs, round):
    if needs == "code":
        return url(name, code=round.category.code)
    return url(name, pk=round.pk) if needs else url(name)


@pytest.fixture
def personas(edition, committee):
    return {
        # An expert of the edition who joined after the round opened: not on its voter list.
        "non-member expert": ExpertFactory(edition=edition).user,
        "nominator": UserFactory(organisation=OrganisationFactory()),
        "member": committee[0].user,
    }


@pytest.mark.parametrize(("name", "method", "needs"), ORGANISER_URLS)
def test_organiser_urls_are_404_for_everyone_else(client, round, personas, name, method, needs):
    path = resolve(name, needs, round)

    anonymous = getattr(client, method)(path)
    refused = {}
    for persona, user in personas.items():
        client.force_login(user)
        refused[persona] = getattr(client, method)(path).status_code

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert refused == {"non-member expert": 404, "nominator": 404, "member": 404}
    round.refresh_from_db()
    assert round.state == RoundState.OPEN


@pytest.mark.parametrize(("name", "method", "needs"), MEMBER_URLS)
def test_member_urls_are_404_for_non_members(client, round, personas, name, method, needs):
    path = resolve(name, needs, round)

    anonymous = getattr(client, method)(path)
    refused = {}
    for persona in ("non-member expert", "nominator"):
        client.force_login(personas[persona])
        refused[persona] = getattr(client, method)(path).status_code

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    if needs:
        assert refused == {"non-member expert": 404, "nominator": 404}
    else:
        # The list of rounds: the non-member expert has a page with nothing to vote on.
        assert refused["nominator"] == 404


def test_a_member_cannot_see_another_rounds_results_before_close(
    client, edition, category, items, committee, organiser, closes_at
):
    first = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at
    )
    for expert in committee:
        services.cast_ballot(round=first, voter=expert, choices=[items[0].code])
    tellers.close_round(round=first, actor=organiser)
    other = finalist(category)
    second = tellers.open_round(
        edition=edition, category=category, actor=organiser, closes_at=closes_at, items=[other]
    )
    services.cast_ballot(round=second, voter=committee[1], choices=[other.code])
    client.force_login(committee[0].user)

    closed_page = client.get(url("voting:member_ballot", pk=first.pk)).content.decode()
    open_page = client.get(url("voting:member_ballot", pk=second.pk)).content.decode()

    assert 'data-testid="result-table"' in closed_page
    assert 'data-testid="result-table"' not in open_page
    assert 'data-testid="ballot-form"' in open_page


def test_a_round_of_another_edition_is_404(client, round, committee):
    member = committee[0]
    client.force_login(member.user)
    assert client.get(url("voting:member_ballot", pk=round.pk)).status_code == 200
    # A new current edition on whose committee the same person sits: the membership check
    # passes, so only the round's edition can refuse it.
    round.edition.is_current = False
    round.edition.save()
    current = EditionFactory(year=round.edition.year + 1, is_current=True)
    ExpertFactory(edition=current, user=member.user)

    assert client.get(url("voting:member_ballot", pk=round.pk)).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_turnout_and_rounds_pages_query_count_does_not_grow(
    signed_in, edition, category, organiser, closes_at
):
    def build(n):
        experts = [ExpertFactory(edition=edition) for _ in range(n)]
        for _ in range(n):
            finalist(category)
        round = tellers.open_round(
            edition=edition, category=category, actor=organiser, closes_at=closes_at
        )
        services.cast_ballot(round=round, voter=experts[0], choices=[])
        return round

    one = build(1)
    counts_one = (
        count_queries(signed_in, url("voting:organiser_round", pk=one.pk)),
        count_queries(signed_in, url("voting:organiser_rounds")),
    )
    tellers.close_round(round=one, actor=organiser)
    three = build(2)
    counts_three = (
        count_queries(signed_in, url("voting:organiser_round", pk=three.pk)),
        count_queries(signed_in, url("voting:organiser_rounds")),
    )

    assert three.voters.count() == 3 and three.items.count() == 3
    assert counts_three == counts_one


def test_result_page_query_count_does_not_grow(signed_in, edition, category, organiser, closes_at):
    def build(n):
        experts = [ExpertFactory(edition=edition) for _ in range(n)]
        items = [finalist(category) for _ in range(n)]
        round = tellers.open_round(
            edition=edition, category=category, actor=organiser, closes_at=closes_at
        )
        for expert in experts:
            services.cast_ballot(round=round, voter=expert, choices=[items[0].code])
        return tellers.close_round(round=round, actor=organiser)

    one = build(1)
    queries_one = count_queries(signed_in, url("voting:organiser_round", pk=one.pk))
    three = build(3)
    queries_three = count_queries(signed_in, url("voting:organiser_round", pk=three.pk))

    assert len(three.result["counts"]) == 4
    assert queries_three == queries_one
