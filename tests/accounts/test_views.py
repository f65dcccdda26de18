"""The dashboard (what each role can do) and the preferences page (one's own name and language)."""

from datetime import UTC, datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user

from accounts.models import User
from submissions.stages import Stage
from tests.factories import EditionFactory, StageWindowFactory, UserFactory

from .conftest import sign_in, url

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


def test_saving_preferences_shows_the_page_in_the_chosen_language(client):
    user = UserFactory(full_name="李明", preferred_language="zh-hans")
    client.force_login(user)

    response = client.post(
        url("accounts:preferences", "zh-hans"),
        {"full_name": "Li Ming", "preferred_language": "en"},
        follow=True,
    )

    assert response.redirect_chain == [(url("accounts:preferences", "en"), 302)]
    assert '<html lang="en">' in response.content.decode()
    assert [str(message) for message in response.context["messages"]] == [
        "Your preferences are saved."
    ]
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Li Ming", "en")


def test_the_new_language_is_used_after_the_next_sign_in(client):
    user = UserFactory(preferred_language="zh-hans")
    client.force_login(user)
    client.post(
        url("accounts:preferences", "zh-hans"),
        {"full_name": user.full_name, "preferred_language": "en"},
    )
    client.post(url("account_logout", "zh-hans"))

    response = sign_in(client, user.email, language="zh-hans")

    assert response["Location"] == url("accounts:dashboard", "en")


def test_preferences_only_ever_change_the_signed_in_person(client):
    me = UserFactory(full_name="Me", preferred_language="zh-hans")
    someone = UserFactory(full_name="Someone", preferred_language="zh-hans")
    client.force_login(me)

    # Nothing in the URL or the form names a person: fields naming someone else are ignored.
    client.post(
        url("accounts:preferences", "en"),
        {
            "full_name": "Changed",
            "preferred_language": "en",
            "id": someone.pk,
            "pk": someone.pk,
            "email": someone.email,
        },
    )

    me.refresh_from_db()
    someone.refresh_from_db()
    assert (me.full_name, me.preferred_language) == ("Changed", "en")
    assert (someone.full_name, someone.preferred_language) == ("Someone", "zh-hans")
    assert User.objects.filter(email=someone.email).count() == 1
    assert get_user(client) == me


def test_the_preferences_page_shows_the_signed_in_person_only(client):
    UserFactory(full_name="Someone Else")
    me = UserFactory(full_name="Me Myself")
    client.force_login(me)

    page = client.get(url("accounts:preferences", "en")).content.decode()

    assert 'value="Me Myself"' in page
    assert "Someone Else" not in page


def test_a_bad_preference_is_explained_and_nothing_is_saved(client):
    user = UserFactory(full_name="Wang Fang", preferred_language="zh-hans")
    client.force_login(user)

    response = client.post(
        url("accounts:preferences", "en"), {"full_name": "Wang", "preferred_language": "fr"}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Wang Fang", "zh-hans")
