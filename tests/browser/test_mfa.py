"""An expert signs in, is sent to the TOTP set-up, scans (reads) the secret, and gets through."""

import pytest
from allauth.mfa.models import Authenticator

from tests.accounts.conftest import totp_code
from tests.browser.conftest import snap
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expert_sets_up_totp_on_first_sign_in(page, live_server, shots):
    expert = UserFactory(roles=["expert"], full_name="王芳", preferred_language="zh-hans")

    page.goto("/zh-hans/accounts/login/")
    page.get_by_label("电子邮箱").fill(expert.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()

    # Sent straight to the set-up, with the reason, and the QR code shows under the CSP.
    page.wait_for_url(f"{live_server.url}/zh-hans/accounts/2fa/totp/activate/")
    assert page.get_by_text("专家和组织方账户登录时须进行第二步验证。", exact=False).is_visible()
    qr = page.get_by_test_id("totp-qr")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    snap(page, path=str(shots("accounts") / "browser-totp-setup-zh-hans.png"), full_page=True)

    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("验证码").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="激活").click()

    page.wait_for_url(f"{live_server.url}/zh-hans/accounts/2fa/recovery-codes/")
    assert Authenticator.objects.filter(user=expert, type=Authenticator.Type.TOTP).exists()
    page.locator("aside").get_by_role("link", name="我的工作台").click()
    page.wait_for_url(f"{live_server.url}/zh-hans/me/")
    assert page.locator("h1").inner_text() == "我的工作台"
    assert page.get_by_role("heading", name="您的委员会工作").is_visible()
