"""The preferences page (one's own name and language); the dashboard is in tests/portal."""

import pytest
from django.contrib.auth import get_user

from accounts.models import User
from tests.factories import UserFactory

from .conftest import sign_in, url

pytestmark = pytest.mark.django_db


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
