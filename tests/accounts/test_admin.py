"""Organisers are not superusers: each escalation through the admin is refused, and every change
a superuser makes to accounts, roles, authenticators and passwords is audited."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission

from accounts.setup import ensure_role_groups
from core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

from .conftest import url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "A-new-long-pass-2031"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    # These tests are about the admin, not about TOTP (test_middleware covers that).
    settings.WNEVC_REQUIRE_MFA = False


@pytest.fixture
def organiser():
    return UserFactory(roles=["organiser"], preferred_language="en")


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True, preferred_language="en")


@pytest.fixture
def expert():
    expert = UserFactory(roles=["expert"], preferred_language="en")
    TOTP.activate(expert, generate_totp_secret())
    return expert


def user_form(user, **changes) -> dict:
    """The user admin's change form as the browser sends it, with some fields changed."""
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "preferred_language": user.preferred_language,
        "organisation": user.organisation_id or "",
        "is_active": "on",
        "groups": [group.pk for group in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(changes)
    return data


def change_url(user) -> str:
    return f"/en/admin/accounts/user/{user.pk}/change/"


def test_an_organiser_cannot_make_themselves_superuser(client, organiser):
    client.force_login(organiser)

    response = client.post(change_url(organiser), user_form(organiser, is_superuser="on"))

    organiser.refresh_from_db()
    assert response.status_code == 403
    assert (organiser.is_superuser, organiser.is_staff) == (False, True)


def test_an_organiser_cannot_put_themselves_into_a_group(client, organiser):
    powerful = Group.objects.create(name="everything")
    powerful.permissions.set(Permission.objects.all())
    client.force_login(organiser)

    response = client.post(
        change_url(organiser),
        user_form(organiser, groups=[powerful.pk, *organiser.groups.values_list("pk", flat=True)]),
    )

    assert response.status_code == 403
    assert list(organiser.groups.values_list("name", flat=True)) == ["organiser"]


def test_an_organiser_cannot_give_their_group_more_permissions(client, organiser):
    group = Group.objects.get(name="organiser")
    before = set(group.permissions.values_list("pk", flat=True))
    client.force_login(organiser)

    listing = client.get("/en/admin/auth/group/")
    response = client.post(
        f"/en/admin/auth/group/{group.pk}/change/",
        {"name": "organiser", "permissions": list(Permission.objects.values_list("pk", flat=True))},
    )

    assert (listing.status_code, response.status_code) == (403, 403)
    assert set(group.permissions.values_list("pk", flat=True)) == before


def test_an_organiser_cannot_set_an_experts_password(client, organiser, expert):
    client.force_login(organiser)

    response = client.post(
        f"/en/admin/accounts/user/{expert.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    expert.refresh_from_db()
    assert response.status_code == 403
    assert expert.check_password(PASSWORD)


def test_an_organiser_cannot_see_or_remove_an_experts_second_factor(client, organiser, expert):
    totp = Authenticator.objects.get(user=expert)
    client.force_login(organiser)

    statuses = [
        client.get("/en/admin/mfa/authenticator/").status_code,
        client.get(f"/en/admin/mfa/authenticator/{totp.pk}/change/").status_code,
        client.post(f"/en/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"}).status_code,
    ]

    assert statuses == [403, 403, 403]
    assert list(Authenticator.objects.filter(user=expert)) == [totp]


def test_an_organiser_cannot_change_an_experts_e_mail_address(client, organiser, expert):
    address = EmailAddress.objects.get(user=expert)
    client.force_login(organiser)

    response = client.post(
        f"/en/admin/account/emailaddress/{address.pk}/change/",
        {"user": organiser.pk, "email": "taken-over@example.org", "verified": "on"},
    )

    address.refresh_from_db()
    assert response.status_code == 403
    assert (address.user_id, address.email) == (expert.pk, expert.email)


def test_an_organiser_cannot_add_or_delete_a_user(client, organiser, expert):
    client.force_login(organiser)

    added = client.post(
        "/en/admin/accounts/user/add/",
        {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    deleted = client.post(f"/en/admin/accounts/user/{expert.pk}/delete/", {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert expert.__class__.objects.filter(email="new@example.org").exists() is False
    assert expert.__class__.objects.filter(pk=expert.pk).exists() is True


def test_an_organiser_still_reads_the_list_of_users_without_password_hashes(
    client, organiser, expert
):
    client.force_login(organiser)

    listing = client.get("/en/admin/accounts/user/")
    record = client.get(change_url(expert))

    assert listing.status_code == 200
    assert expert.email in listing.content.decode()
    page = record.content.decode()
    assert record.status_code == 200
    assert expert.email in page
    assert "pbkdf2" not in page and "argon2" not in page and "md5" not in page
    assert 'name="_save"' not in page


def test_the_organiser_group_holds_exactly_what_its_pages_need():
    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name="organiser").permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    outside_editions = {
        name for name in granted if name.split(".")[0] not in ("submissions", "review")
    }
    assert outside_editions == {
        "accounts.add_organisation",
        "accounts.change_organisation",
        "accounts.view_organisation",
        "accounts.view_user",
        "core.view_auditevent",
    }
    assert {"submissions.change_edition", "review.change_expert"} <= granted


def test_a_permission_granted_by_hand_is_taken_back_at_the_next_migrate():
    organisers = Group.objects.get(name="organiser")
    organisers.permissions.add(Permission.objects.get(codename="change_user"))
    Group.objects.get(name="expert").permissions.add(Permission.objects.get(codename="add_user"))

    ensure_role_groups()

    assert not organisers.permissions.filter(codename="change_user").exists()
    assert list(Group.objects.get(name="expert").permissions.all()) == []


def test_a_superuser_making_someone_superuser_is_audited(client, superuser, organiser):
    client.force_login(superuser)

    response = client.post(change_url(organiser), user_form(organiser, is_superuser="on"))

    organiser.refresh_from_db()
    assert response.status_code == 302
    assert organiser.is_superuser is True
    event = AuditEvent.objects.get(action="accounts.user_changed")
    assert (event.actor, event.object_id) == (superuser, str(organiser.pk))
    assert event.details["is_superuser"] is True
    assert event.details["groups"] == ["organiser"]


def test_a_superuser_setting_a_password_is_audited(client, superuser, expert):
    client.force_login(superuser)

    response = client.post(
        f"/en/admin/accounts/user/{expert.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    expert.refresh_from_db()
    assert response.status_code == 302
    assert expert.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user_changed")
    assert (event.actor, event.object_id) == (superuser, str(expert.pk))
    assert "password" in str(event.details["message"]).lower()


def test_a_superuser_removing_a_second_factor_is_audited_and_sees_no_secret(
    client, superuser, expert
):
    totp = Authenticator.objects.get(user=expert)
    client.force_login(superuser)

    page = client.get(f"/en/admin/mfa/authenticator/{totp.pk}/change/").content.decode()
    response = client.post(f"/en/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"})

    assert totp.data["secret"] not in page
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=expert).exists()
    event = AuditEvent.objects.get(action="mfa.authenticator_deleted")
    assert (event.actor, event.details) == (superuser, {"user": expert.pk, "type": "totp"})


def test_a_superuser_changing_a_group_is_audited(client, superuser):
    group = Group.objects.create(name="helpers")
    view_user = Permission.objects.get(codename="view_user")
    client.force_login(superuser)

    client.post(
        f"/en/admin/auth/group/{group.pk}/change/",
        {"name": "helpers", "permissions": [view_user.pk]},
    )

    event = AuditEvent.objects.get(action="auth.group_changed")
    assert (event.actor, event.details["permissions"]) == (superuser, ["accounts.view_user"])


def test_a_person_changing_their_own_password_is_audited(client):
    person = UserFactory(preferred_language="en")
    client.force_login(person)

    client.post(
        url("account_change_password", "en"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="accounts.password_changed")
    assert (event.actor, event.object_id) == (person, str(person.pk))


def test_even_every_permission_does_not_let_a_non_superuser_escalate(client, organiser, expert):
    # The admin itself refuses, whatever a group or a person's own permissions say.
    organiser.user_permissions.set(Permission.objects.all())
    totp = Authenticator.objects.get(user=expert)
    client.force_login(organiser)

    statuses = [
        client.post(change_url(organiser), user_form(organiser, is_superuser="on")).status_code,
        client.post(f"/en/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"}).status_code,
        client.get("/en/admin/auth/group/").status_code,
    ]

    organiser.refresh_from_db()
    assert statuses == [403, 403, 403]
    assert organiser.is_superuser is False
    assert list(Authenticator.objects.filter(user=expert)) == [totp]


def test_the_chinese_admin_index_reads_its_table_headers_in_chinese(client, superuser):
    # Django's own Chinese catalogue lacks these screen-reader headers: our
    # templates/admin/app_list.html has them in ours.
    client.force_login(superuser)

    page = client.get("/zh-hans/admin/").content.decode()

    assert [
        word for word in ("Model name", "Add link", "Change or view list link") if word in page
    ] == []
    assert [word for word in ("MODEL NAME", "ADD LINK") if word in page] == []
    assert page.count('<th scope="col">模型名称</th>') == page.count("<caption>") > 1
    assert page.count('<th scope="col">增加链接</th>') == page.count("<caption>")
    assert page.count('<th scope="col">修改或查看列表链接</th>') == page.count("<caption>")
    assert "在应用程序" in page  # the caption links' titles, translated as before


def test_the_english_admin_index_keeps_djangos_headers(client, superuser):
    client.force_login(superuser)

    page = client.get("/en/admin/").content.decode()

    assert page.count('<th scope="col">Model name</th>') == page.count("<caption>") > 1
    assert page.count('<th scope="col">Add link</th>') == page.count("<caption>")
