"""Inside WeChat's in-app browser the portal says what it may block and how to leave it."""

import pytest

from tests.browser.conftest import console_errors, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI "
    "Language/zh_CN"
)


@pytest.mark.parametrize(
    ("user_agent", "shown"), [(WECHAT, True), (None, False)], ids=["wechat", "other"]
)
def test_the_wechat_notice_shows_in_wechat_only(browser, live_server, user_agent, shown, shots):
    options = {"user_agent": user_agent} if user_agent else {}
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, **options
    )
    page = context.new_page()
    errors = console_errors(page)

    page.goto("/zh-hans/accounts/login/")

    notice = page.locator("[data-testid=wechat-notice]")
    assert notice.is_visible() is shown
    if shown:
        assert "微信内置浏览器" in notice.inner_text()
        assert "在浏览器打开" in notice.inner_text()
        snap(page, path=str(shots("phone") / "wechat_notice_zh_390.png"))
    assert errors == []
    context.close()
