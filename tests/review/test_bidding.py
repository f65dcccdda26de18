"""Expert profiles and bidding: the pages, the window, the conflict rule and who sees what."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from review.models import Bid, Conflict
from review.services import ReviewError
from review.services.bids import set_bid
from review.services.conflicts import record_conflicts
from submissions.stages import Stage
from tests.factories import StageWindowFactory, UserFactory
from tests.review.scoring_helpers import (
    DURING,
    OPENS,
    make_entry,
    make_expert,
    preliminary_edition,
    url,
)

BIDDING_OPENS = OPENS - timedelta(days=7)
WHILE_BIDDING = OPENS - timedelta(days=3)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # Sign-in with TOTP is tested in accounts; here the persons are signed in already.
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def world(db):
    edition = preliminary_edition()
    StageWindowFactory(
        edition=edition, stage=Stage.BIDDING, opens_at=BIDDING_OPENS, closes_at=OPENS
    )
    expert = make_expert(edition, name="Battery")
    other = make_expert(edition, name="Motor")
    entry = make_entry(edition, title_en="Solid-state electrolyte", title_zh="固态电解质")
    with time_machine.travel(WHILE_BIDDING, tick=False):
        yield {"edition": edition, "expert": expert, "other": other, "entry": entry}


def _post_bid(client, expert, entry, preference, **headers):
    client.force_login(expert.user)
    return client.post(
        url("review:bid_set", code=entry.code), {"preference": preference}, **headers
    )


def test_an_expert_marks_an_entry_eager_and_changes_it_back_to_neutral(client, world):
    expert, entry = world["expert"], world["entry"]

    response = _post_bid(client, expert, entry, 2, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert list(Bid.objects.values_list("expert_id", "nomination_id", "preference")) == [
        (expert.pk, entry.pk, Bid.Preference.EAGER)
    ]
    _post_bid(client, expert, entry, 0)
    assert Bid.objects.count() == 0


def test_a_bid_after_the_window_closes_is_refused_with_a_message(client, world):
    expert, entry = world["expert"], world["entry"]
    with time_machine.travel(DURING, tick=False):
        response = _post_bid(client, expert, entry, 1, headers={"HX-Request": "true"})

    assert 'role="alert"' in response.content.decode()
    assert "Bidding is closed" in response.content.decode()
    assert Bid.objects.count() == 0


def test_a_missing_window_is_closed(world):
    world["edition"].stage_windows.filter(stage=Stage.BIDDING).delete()

    with pytest.raises(ReviewError):
        set_bid(
            expert=world["expert"],
            nomination=world["entry"],
            preference=Bid.Preference.EAGER,
            actor=world["expert"].user,
        )
    assert Bid.objects.count() == 0


def test_the_bidding_list_hides_conflicted_entries_and_other_experts_bids(client, world):
    expert, other, entry = world["expert"], world["other"], world["entry"]
    hidden = make_entry(world["edition"], title_en="Hidden entry")
    Conflict.objects.create(expert=expert, nomination=hidden, source="organiser", reason="Lab")
    Bid.objects.create(expert=other, nomination=entry, preference=Bid.Preference.UNWILLING)
    client.force_login(expert.user)

    page = client.get(url("review:bid_list")).content.decode()

    assert page.count('data-testid="bid-row"') == 1
    assert entry.code in page and hidden.code not in page
    # The other expert's "unwilling" is not shown as this expert's choice: neutral is checked.
    assert f'id="bid-{entry.code}-neutral" checked' in page


def test_a_conflicted_expert_cannot_bid_and_gets_404(client, world):
    expert, entry = world["expert"], world["entry"]
    Conflict.objects.create(expert=expert, nomination=entry, source="declared", reason="Mine")

    response = _post_bid(client, expert, entry, 2)

    assert response.status_code == 404
    assert Bid.objects.count() == 0


def test_a_conflict_recorded_by_the_service_deletes_the_pairs_bid(world):
    expert, entry = world["expert"], world["entry"]
    Bid.objects.create(expert=expert, nomination=entry, preference=Bid.Preference.EAGER)
    kept = Bid.objects.create(
        expert=world["other"], nomination=entry, preference=Bid.Preference.WILLING
    )

    record_conflicts(
        source=Conflict.Source.ORGANISER,
        reasons={(expert.pk, entry.pk): "Same lab"},
        actor=UserFactory(roles=["organiser"]),
    )

    assert list(Bid.objects.all()) == [kept]


def test_the_database_drops_the_bid_of_a_conflict_written_directly(world):
    expert, entry = world["expert"], world["entry"]
    Bid.objects.create(expert=expert, nomination=entry, preference=Bid.Preference.EAGER)

    Conflict.objects.create(expert=expert, nomination=entry, source="organiser", reason="Shell")

    assert Bid.objects.filter(expert=expert).count() == 0


def test_the_database_refuses_a_bid_on_a_conflicted_pair(world):
    expert, entry = world["expert"], world["entry"]
    Conflict.objects.create(expert=expert, nomination=entry, source="organiser", reason="Shell")

    with pytest.raises(IntegrityError, match="conflicted pair"), transaction.atomic():
        Bid.objects.create(expert=expert, nomination=entry, preference=Bid.Preference.EAGER)


def test_an_unwilling_bid_is_not_a_conflict(world):
    expert, entry = world["expert"], world["entry"]

    set_bid(expert=expert, nomination=entry, preference=Bid.Preference.UNWILLING, actor=expert.user)

    assert Conflict.objects.count() == 0
    assert Bid.objects.get().preference == Bid.Preference.UNWILLING


def test_declaring_a_conflict_from_the_list_records_it_and_drops_the_bid(client, world):
    expert, entry = world["expert"], world["entry"]
    Bid.objects.create(expert=expert, nomination=entry, preference=Bid.Preference.EAGER)
    client.force_login(expert.user)

    client.post(url("review:bid_conflict", code=entry.code), {"reason": "My former student"})

    conflict = Conflict.objects.get()
    assert (conflict.expert_id, conflict.nomination_id, conflict.source, conflict.reason) == (
        expert.pk,
        entry.pk,
        Conflict.Source.DECLARED,
        "My former student",
    )
    assert Bid.objects.count() == 0


def test_a_conflict_without_a_reason_is_refused_with_a_message(client, world):
    expert, entry = world["expert"], world["entry"]
    client.force_login(expert.user)

    response = client.post(
        url("review:bid_conflict", code=entry.code, language="zh-hans"),
        {"reason": " "},
        follow=True,
    )

    assert Conflict.objects.count() == 0
    assert "请说明" in response.content.decode() or "原因" in response.content.decode()


def test_search_and_direction_filter_the_list(client, world):
    expert = world["expert"]
    make_entry(world["edition"], title_en="Wireless charging pad", title_zh="无线充电")
    client.force_login(expert.user)

    page = client.get(url("review:bid_list"), {"q": "电解质"}).content.decode()

    assert page.count('data-testid="bid-row"') == 1
    assert world["entry"].code in page


def test_the_expert_saves_a_statement_in_one_language(client, world):
    expert = world["expert"]
    client.force_login(expert.user)

    client.post(
        url("review:profile"),
        {
            "statement_zh": "",
            "statement_en": "Solid-state battery chemistry.",
            "keywords_zh": "",
            "keywords_en": "electrolyte",
        },
    )

    expert.refresh_from_db()
    assert (expert.statement_zh, expert.statement_en, expert.keywords_en) == (
        "",
        "Solid-state battery chemistry.",
        "electrolyte",
    )


def test_a_statement_too_long_is_refused_and_kept_in_the_form(client, world):
    expert = world["expert"]
    client.force_login(expert.user)
    long = "电池" * 1100

    response = client.post(
        url("review:profile", language="zh-hans"),
        {"statement_zh": long, "statement_en": "", "keywords_zh": "", "keywords_en": ""},
    )

    expert.refresh_from_db()
    assert expert.statement_zh == ""
    assert long in response.content.decode()


def test_organisers_open_bidding_and_see_progress(client, world):
    organiser = UserFactory(roles=["organiser"])
    Bid.objects.create(
        expert=world["expert"], nomination=world["entry"], preference=Bid.Preference.EAGER
    )
    client.force_login(organiser)

    client.post(
        url("review:bidding_overview"),
        {"opens_at": "2030-02-20T09:00", "closes_at": "2030-02-27T18:00"},
    )
    page = client.get(url("review:bidding_overview", language="zh-hans")).content.decode()

    window = world["edition"].stage_windows.get(stage=Stage.BIDDING)
    assert (window.opens_at.isoformat(), window.closes_at.isoformat()) == (
        "2030-02-20T01:00:00+00:00",
        "2030-02-27T10:00:00+00:00",
    )
    assert "2 位专家中已有 1 位" in page


@pytest.mark.parametrize(
    ("moment", "says", "not_said"),
    [
        (BIDDING_OPENS - timedelta(days=2), "意愿填报将于 2030-", "意愿填报已截止"),
        (WHILE_BIDDING, "意愿填报正在进行", "意愿填报已截止"),
        (OPENS + timedelta(hours=1), "意愿填报已截止", "意愿填报将于"),
    ],
    ids=["before", "during", "after"],
)
def test_the_organisers_page_says_whether_bidding_is_to_come_open_or_over(
    client, world, moment, says, not_said
):
    # A window still to open is not "closed": the page gives the day it opens.
    client.force_login(UserFactory(roles=["organiser"]))

    with time_machine.travel(moment, tick=False):
        page = client.get(url("review:bidding_overview", language="zh-hans")).content.decode()

    assert says in page
    assert not_said not in page


def test_a_window_that_closes_before_it_opens_is_refused(client, world):
    organiser = UserFactory(roles=["organiser"])
    client.force_login(organiser)

    client.post(
        url("review:bidding_overview"),
        {"opens_at": "2030-02-27T09:00", "closes_at": "2030-02-20T18:00"},
    )

    window = world["edition"].stage_windows.get(stage=Stage.BIDDING)
    assert window.opens_at == BIDDING_OPENS


def test_experts_and_strangers_do_not_reach_the_organiser_pages(client, world):
    client.force_login(world["expert"].user)

    assert client.get(url("review:bidding_overview")).status_code == 404
    assert client.get(url("review:assignment_settings")).status_code == 404


def test_bidding_list_query_count_does_not_grow_with_rows(client, world):
    expert = world["expert"]
    client.force_login(expert.user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("review:bid_list"))
        return len(queries), response.content.decode().count('data-testid="bid-row"')

    one = count()
    for _ in range(2):
        entry = make_entry(world["edition"])
        Bid.objects.create(expert=expert, nomination=entry, preference=Bid.Preference.WILLING)
    three = count()

    assert (one[1], three[1]) == (1, 3)
    assert one[0] == three[0]


def test_bidding_progress_query_count_does_not_grow_with_rows(client, world):
    client.force_login(UserFactory(roles=["organiser"]))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("review:bidding_overview"))
        return len(queries), response.content.decode().count('data-testid="bidding-progress-row"')

    one = count()
    make_expert(world["edition"], name="Third")
    three = count()

    assert (one[1], three[1]) == (2, 3)
    assert one[0] == three[0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_pages_read_in_each_language(client, world, language):
    client.force_login(world["expert"].user)
    profile = client.get(url("review:profile", language=language)).content.decode()
    bids = client.get(url("review:bid_list", language=language)).content.decode()

    marker = "我的专业领域" if language == "zh-hans" else "My expertise"
    assert marker in profile
    assert ("评审意愿" in bids) == (language == "zh-hans")
    assert ("非常愿意" in bids) == (language == "zh-hans")


def test_a_roster_with_statement_columns_fills_the_profile_and_an_old_one_keeps_it(world):
    from review.roster import parse_roster, read_table
    from review.services import import_committee

    organiser = UserFactory(roles=["organiser"])
    edition = world["edition"]
    header = "name_zh,name_en,email,affiliation_zh,affiliation_en"
    new = (
        f"{header},statement_zh,keywords_en\n"
        "李明,Li Ming,li@example.org,清华大学,Tsinghua University,固态电池界面,solid-state\n"
    )
    rows = parse_roster(read_table(new.encode(), "roster.csv"), directions=[])
    import_committee(edition=edition, rows=rows, actor=organiser)
    old = f"{header}\n李明,Li Ming,li@example.org,清华大学,Tsinghua University\n"
    rows = parse_roster(read_table(old.encode(), "roster.csv"), directions=[])
    import_committee(edition=edition, rows=rows, actor=organiser)

    expert = edition.experts.get(user__email="li@example.org")
    assert (expert.statement_zh, expert.keywords_en) == ("固态电池界面", "solid-state")


def test_opening_bidding_refreshes_the_automatic_conflicts_first(client, world):
    expert, entry = world["expert"], world["entry"]
    expert.organisation = entry.organisation
    expert.save()
    client.force_login(UserFactory(roles=["organiser"]))

    client.post(
        url("review:bidding_overview"),
        {"opens_at": "2030-02-20T09:00", "closes_at": "2030-02-27T18:00"},
    )

    assert list(Conflict.objects.filter(expert=expert).values_list("nomination_id", "source")) == [
        (entry.pk, Conflict.Source.AUTOMATIC)
    ]


def test_the_secretariat_reads_the_experts_statement_on_the_committee_page(client, world):
    expert = world["expert"]
    expert.statement_en = "Solid-state battery chemistry."
    expert.save()
    client.force_login(UserFactory(roles=["organiser"]))

    page = client.get(url("review:committee_detail", expert_id=expert.pk)).content.decode()
    other = client.get(
        url("review:committee_detail", expert_id=world["other"].pk, language="zh-hans")
    )

    assert "Solid-state battery chemistry." in page
    assert "尚未填写" in other.content.decode()
