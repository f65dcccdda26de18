"""RequireMFAMiddleware: experts and organisers set up TOTP before they reach their pages."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user

from tests.factories import UserFactory

from .conftest import sign_in, totp_code, url

pytestmark = pytest.mark.django_db

SET_UP_MESSAGE_ZH = (
    "专家和组织方账户登录时须进行第二步验证。请先设置身份验证器应用，完成后即可继续访问您的页面。"
)
SET_UP_MESSAGE_EN = (
    "Experts and organisers protect their account with a second step at sign-in. Please set "
    "up an authenticator app now; then you can continue to your pages."
)


@pytest.fixture
def expert():
    return UserFactory(roles=["expert"])


@pytest.fixture
def organiser():
    return UserFactory(roles=["organiser"])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", ["expert", "organiser"])
def test_a_role_without_totp_is_sent_to_the_set_up_with_an_explanation(client, role):
    sign_in(client, UserFactory(roles=[role]).email)

    response = client.get(url("accounts:dashboard", "zh-hans"), follow=True)

    assert response.redirect_chain == [(url("mfa_activate_totp", "zh-hans"), 302)]
    assert messages_of(response)[-1] == SET_UP_MESSAGE_ZH


@pytest.mark.parametrize("path", ["/en/admin/", "/en/admin/accounts/user/"])
def test_the_admin_is_covered(client, organiser, path):
    sign_in(client, organiser.email)

    response = client.get(path, follow=True)

    assert response.redirect_chain == [(url("mfa_activate_totp", "en"), 302)]
    assert messages_of(response)[-1] == SET_UP_MESSAGE_EN


def test_a_superuser_is_covered(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.get("/en/admin/")

    assert response["Location"] == url("mfa_activate_totp", "en")


def test_a_nominator_needs_no_totp(client):
    client.force_login(UserFactory())

    response = client.get(url("accounts:dashboard", "en"))

    assert response.status_code == 200
    assert response.templates[0].name == "portal/dashboard.html"


@pytest.mark.parametrize("role", ["expert", "organiser"])
def test_with_totp_set_up_the_pages_open(client, role):
    user = UserFactory(roles=[role])
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    response = client.get(url("accounts:dashboard", "en"))

    assert response.status_code == 200
    assert response.templates[0].name == "portal/dashboard.html"


def test_an_organiser_with_totp_reaches_the_admin(client, organiser):
    TOTP.activate(organiser, generate_totp_secret())
    client.force_login(organiser)

    response = client.get("/en/admin/")

    assert response.status_code == 200
    assert "admin/index.html" in [template.name for template in response.templates]


def test_relaxed_for_the_demo(client, expert, settings):
    settings.WNEVC_REQUIRE_MFA = False
    client.force_login(expert)

    response = client.get(url("accounts:dashboard", "en"))

    assert response.status_code == 200
    assert "two-factor sign-in for experts and organisers is relaxed" in response.content.decode()


def test_the_set_up_page_itself_and_sign_out_stay_reachable(client, expert):
    client.force_login(expert)

    assert client.get(url("account_logout", "en")).status_code == 200
    assert client.get(url("mfa_index", "en")).status_code == 200


def test_an_expert_signs_in_sets_up_totp_and_reaches_the_dashboard(client, expert):
    # Right after signing in, the set-up asks for no second password (see the adapter).
    sign_in(client, expert.email, language="en")
    set_up = client.get(url("accounts:dashboard", "en"), follow=True)
    assert set_up.templates[0].name == "mfa/totp/activate_form.html"
    secret = set_up.context["form"].secret
    assert set_up.context["totp_svg_data_uri"].startswith("data:image/svg+xml;base64,")

    activated = client.post(
        url("mfa_activate_totp", "en"), {"code": totp_code(secret)}, follow=True
    )

    assert Authenticator.objects.filter(user=expert, type=Authenticator.Type.TOTP).exists()
    # Straight on to the recovery codes, without a second password.
    assert activated.redirect_chain == [(url("mfa_view_recovery_codes", "en"), 302)]
    assert len(activated.context["unused_codes"]) == 10
    dashboard = client.get(url("accounts:dashboard", "en"))
    assert dashboard.status_code == 200
    assert dashboard.templates[0].name == "portal/dashboard.html"


def test_setting_up_later_than_right_after_sign_in_asks_for_the_password(client, expert):
    client.force_login(expert)  # no sign-in recorded in this session

    response = client.get(url("mfa_activate_totp", "en"))

    assert response["Location"].startswith(url("account_reauthenticate", "en"))


def test_in_a_later_session_mfa_changes_ask_for_the_password(client, expert):
    TOTP.activate(expert, generate_totp_secret())
    client.force_login(expert)

    response = client.get(url("mfa_deactivate_totp", "en"))

    assert response["Location"].startswith(url("account_reauthenticate", "en"))


def test_once_set_up_sign_in_asks_for_the_code(client, expert):
    secret = generate_totp_secret()
    TOTP.activate(expert, secret)

    first_step = sign_in(client, expert.email, language="zh-hans")

    assert first_step["Location"] == url("mfa_authenticate", "zh-hans")
    assert not get_user(client).is_authenticated
    second_step = client.post(first_step["Location"], {"code": totp_code(secret)})
    assert second_step["Location"] == url("accounts:dashboard", expert.preferred_language)
    assert get_user(client) == expert
