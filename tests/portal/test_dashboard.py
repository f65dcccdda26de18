"""The dashboard: what each role can do, the current stage and the collection window."""

from datetime import UTC, datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from submissions.stages import Stage
from tests.accounts.conftest import url
from tests.factories import (
    EditionFactory,
    NominationFactory,
    OrganisationFactory,
    StageWindowFactory,
    UserFactory,
)
from tests.htmlparse import find_all, find_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(is_current=True, name_en="2031 Selection", name_zh="2031年评选")
    # 2031-03-01 00:00 UTC is 08:00 in Beijing.
    StageWindowFactory(
        edition=edition,
        stage=Stage.COLLECTION,
        opens_at=datetime(2031, 3, 1, tzinfo=UTC),
        closes_at=datetime(2031, 5, 31, 15, 59, tzinfo=UTC),
    )
    return edition


def with_totp(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def test_a_nominator_sees_the_collection_window_in_beijing_time(client, edition, time_machine):
    time_machine.move_to(datetime(2031, 3, 10, tzinfo=UTC))
    client.force_login(UserFactory())

    page = client.get(url("accounts:dashboard", "en")).content.decode()

    assert "Nominations are collected from 2031-03-01 08:00 to 2031-05-31 23:59" in page
    assert "Current stage: Collection of nominations, until 2031-05-31 23:59" in page
    assert "/admin/" not in page


def test_the_nominator_dashboard_reads_chinese(client, edition):
    client.force_login(UserFactory())

    page = client.get(url("accounts:dashboard", "zh-hans")).content.decode()

    assert "技术征集时间为 2031-03-01 08:00 至 2031-05-31 23:59（北京时间，UTC+8）。" in page
    assert "您的单位" in page


@pytest.mark.parametrize(
    ("language", "open_text", "closed_text"),
    [
        (
            "en",
            "Create, submit and follow your organisation's nominations here.",
            "The collection has closed: follow your organisation's nominations here",
        ),
        (
            "zh-hans",
            "您可以在此创建、提交并跟踪本单位的申报。",
            "征集已截止：您可以在此跟踪本单位的申报",
        ),
    ],
)
def test_the_nominator_dashboard_offers_creating_only_while_the_collection_is_open(
    client, edition, time_machine, language, open_text, closed_text
):
    client.force_login(UserFactory())
    time_machine.move_to(datetime(2031, 3, 10, tzinfo=UTC))
    during = client.get(url("accounts:dashboard", language)).content.decode()
    time_machine.move_to(datetime(2031, 6, 10, tzinfo=UTC))
    after = client.get(url("accounts:dashboard", language)).content.decode()

    assert open_text in during and closed_text not in during
    assert closed_text in after and open_text not in after


def test_without_a_current_edition_the_dashboard_says_so(client):
    client.force_login(UserFactory())

    page = client.get(url("accounts:dashboard", "en")).content.decode()

    assert "The collection window of the current edition has not been announced yet." in page


def test_an_expert_sees_the_committee_work_to_come(client, edition, time_machine):
    time_machine.move_to(datetime(2031, 3, 10, tzinfo=UTC))
    client.force_login(with_totp(UserFactory(roles=["expert"])))

    response = client.get(url("accounts:dashboard", "en"))
    page = response.content.decode()

    assert "Your committee work" in page
    assert "the final-evaluation ballot, when the secretariat opens it." in page
    assert "Current stage: Collection of nominations" in page
    assert response.context["is_nominator"] is False
    assert "/admin/" not in page


def test_an_organiser_gets_the_admin_and_the_audit_trail(client):
    client.force_login(with_totp(UserFactory(roles=["organiser"])))

    page = client.get(url("accounts:dashboard", "en")).content.decode()

    assert 'href="/en/admin/"' in page
    assert 'href="/en/admin/core/auditevent/"' in page
    assert "Your committee work" not in page


def test_the_dashboard_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(url("accounts:dashboard", "en"))

    assert response["Location"] == url("account_login", "en") + "?next=/en/me/"


def test_a_nominator_is_told_of_a_nomination_returned_for_correction(client, edition, time_machine):
    # The return is what the organisation must act on: the dashboard says so, with the deadline,
    # rather than leaving it to the list of nominations or the e-mail.
    time_machine.move_to(datetime(2031, 6, 10, tzinfo=UTC))
    nominator = UserFactory(organisation=OrganisationFactory())
    returned = NominationFactory(
        edition=edition,
        organisation=nominator.organisation,
        created_by=nominator,
        title_zh="固态电池",
        state="returned",
        correction_deadline=datetime(2031, 6, 12, 10, tzinfo=UTC),
    )
    NominationFactory(  # another organisation's return is not this one's business
        edition=edition, state="returned", correction_deadline=datetime(2031, 6, 12, tzinfo=UTC)
    )
    client.force_login(nominator)

    page = client.get(url("accounts:dashboard", "zh-hans"))

    notice = find_one(page, data_testid="returned-nominations")
    assert notice.text.count("请于") == 1
    assert f"{returned.code} · 固态电池" in notice.text
    assert "2031-06-12 18:00" in notice.text


def test_a_return_whose_deadline_has_passed_is_no_longer_asked_for(client, edition, time_machine):
    time_machine.move_to(datetime(2031, 6, 13, tzinfo=UTC))
    nominator = UserFactory(organisation=OrganisationFactory())
    NominationFactory(
        edition=edition,
        organisation=nominator.organisation,
        state="returned",
        correction_deadline=datetime(2031, 6, 12, tzinfo=UTC),
    )
    client.force_login(nominator)

    page = client.get(url("accounts:dashboard", "en"))

    assert find_all(page, data_testid="returned-nominations") == []
