"""The two shapes of the settings: the demo with nothing set, and production.

Each shape is read in a fresh interpreter with a controlled environment, as a server reads it.
"""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.django_subprocess import PRODUCTION, ROOT, python_json, run
from wnevc.settings import env_bool

REPORT = """
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import default_storage
from wnevc.celery import app
default_storage._setup()
storage = default_storage._wrapped
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "database": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "cache_is_redis": isinstance(caches["default"], RedisCache),
    "sessions": settings.SESSION_ENGINE,
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "email": settings.EMAIL_BACKEND,
    "storage": f"{type(storage).__module__}.{type(storage).__name__}",
    "media": str(getattr(storage, "location", "")),
    "bucket": getattr(storage, "bucket_name", None),
    "staticfiles": settings.STORAGES["staticfiles"]["BACKEND"],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_ssl_header": settings.SECURE_PROXY_SSL_HEADER,
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""


def test_with_nothing_set_the_portal_runs_on_its_own():
    shape = python_json(REPORT)

    assert shape["debug"] is True
    assert shape["engine"] == "django.db.backends.sqlite3"
    assert Path(shape["database"]) == ROOT / "db.sqlite3"
    assert shape["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shape["cache_is_redis"] is False
    assert shape["sessions"] == "django.contrib.sessions.backends.db"
    assert shape["broker"] == "memory://"
    assert shape["eager"] is True
    assert shape["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shape["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert Path(shape["media"]) == ROOT / "media"
    assert shape["session_cookie_secure"] is False
    assert shape["hsts_seconds"] == 0
    assert shape["ssl_redirect"] is False


def test_production_settings_use_postgres_redis_s3_and_secure_cookies():
    shape = python_json(REPORT, **PRODUCTION)

    assert shape["debug"] is False
    assert shape["engine"] == "django.db.backends.postgresql"
    assert shape["database"] == "wnevc"
    assert shape["cache_is_redis"] is True  # Django's RedisCache, or one built on it
    assert shape["cache_location"] == PRODUCTION["REDIS_URL"]
    assert shape["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert shape["broker"] == PRODUCTION["REDIS_URL"]
    assert shape["eager"] is False
    assert shape["storage"] == "core.storage.PortalS3Storage"
    assert shape["bucket"] == "wnevc-files"
    assert shape["staticfiles"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shape["session_cookie_secure"] is True
    assert shape["csrf_cookie_secure"] is True
    assert shape["hsts_seconds"] >= 365 * 24 * 3600
    assert shape["hsts_subdomains"] is True
    assert shape["ssl_redirect"] is True
    assert shape["allowed_hosts"] == ["wnevc.example"]


def test_production_e_mail_goes_through_smtp_when_a_host_is_set():
    shape = python_json(REPORT, **PRODUCTION, EMAIL_HOST="smtp.wnevc.example")

    assert shape["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_tls_can_be_left_to_a_proxy():
    shape = python_json(REPORT, **PRODUCTION, SECURE_SSL_REDIRECT="0", SECURE_PROXY_SSL_HEADER="1")

    assert shape["ssl_redirect"] is False
    assert shape["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_refuses_to_start_without_a_secret_key():
    variables = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}

    result = run(["-c", "import django; django.setup()"], **variables)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    "proxy",
    [{}, {"SECURE_SSL_REDIRECT": "0", "SECURE_PROXY_SSL_HEADER": "1"}],
    ids=["portal-redirects-to-https", "proxy-terminates-tls"],
)
def test_check_deploy_is_clean_in_production(proxy):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION, **proxy
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_responses_carry_the_security_headers():
    # Nothing listens on port 1: the health check answers 503, but the headers are the point.
    headers = python_json(
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='wnevc.example')\n"
        "plain = client.get('/healthz')\n"
        "response = client.get('/healthz', secure=True)\n"
        "print(json.dumps({'plain': [plain.status_code, plain.get('Location')],\n"
        "                  **{name: response.get(name) for name in (\n"
        "    'Content-Security-Policy', 'X-Frame-Options', 'Referrer-Policy',\n"
        "    'X-Content-Type-Options', 'Strict-Transport-Security',\n"
        "    'Cross-Origin-Opener-Policy')}}))",
        **{
            **PRODUCTION,
            "DATABASE_URL": "postgres://wnevc@127.0.0.1:1/wnevc",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        },
    )

    assert headers["plain"] == [301, "https://wnevc.example/healthz"]
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in headers["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


MFA_REPORT = "from django.conf import settings\nprint(json.dumps(settings.WNEVC_REQUIRE_MFA))"


# Each word through the function the settings use, in this process; that the settings read
# their variables through it, and that a refusal stops the start, in processes of their own.
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        (" ON ", True),
        ("0", False),
        ("FALSE", False),
        ("no", False),
        ("Off", False),
        ("", True),
    ],
)
def test_a_yes_no_variable_reads_the_words_it_knows(monkeypatch, value, expected):
    monkeypatch.setenv("WNEVC_TEST_YES_NO", value)

    assert env_bool("WNEVC_TEST_YES_NO", True) is expected


@pytest.mark.parametrize("value", ["ture", "2", "enabled", "n"])
def test_a_yes_no_variable_with_an_unknown_value_is_refused(monkeypatch, value):
    # Before, WNEVC_REQUIRE_MFA=ture read as "off": a typo switched MFA off without a word.
    monkeypatch.setenv("WNEVC_TEST_YES_NO", value)

    with pytest.raises(ImproperlyConfigured, match=f"WNEVC_TEST_YES_NO={value!r} is not a yes/no"):
        env_bool("WNEVC_TEST_YES_NO", True)


def test_the_settings_read_mfa_as_a_yes_no_variable():
    assert python_json(MFA_REPORT, WNEVC_REQUIRE_MFA="Off") is False
    assert python_json(MFA_REPORT, WNEVC_REQUIRE_MFA="") is True


def test_a_yes_no_variable_with_an_unknown_value_stops_the_start():
    result = run(["-c", "import django; django.setup()"], WNEVC_REQUIRE_MFA="ture")

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert "WNEVC_REQUIRE_MFA='ture' is not a yes/no value" in result.stderr


def test_an_unknown_value_is_refused_for_every_yes_no_variable():
    result = run(["-c", "import django; django.setup()"], DEBUG="nope")

    assert result.returncode != 0
    assert "DEBUG='nope' is not a yes/no value" in result.stderr


STORE = """
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
default_storage._setup()
print(json.dumps({
    "frame_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"],
    "endpoint": default_storage._wrapped.endpoint_url,
    "public_endpoint": default_storage._wrapped.public_endpoint_url,
    "expire": default_storage._wrapped.querystring_expire,
    "part_size": default_storage._wrapped.transfer_config.multipart_chunksize,
    "parts_in_memory": default_storage._wrapped.transfer_config.max_in_memory_upload_chunks,
}))
"""


def test_an_internal_store_endpoint_signs_for_the_public_one_which_may_frame_pdfs():
    shape = python_json(
        STORE,
        **PRODUCTION,
        AWS_S3_ENDPOINT_URL="https://oss-cn-beijing-internal.aliyuncs.com",
        AWS_S3_PUBLIC_ENDPOINT_URL="https://oss-cn-beijing.aliyuncs.com",
        FILE_URL_EXPIRE_SECONDS="240",
    )

    assert shape == {
        "frame_src": [
            "'self'",
            "https://oss-cn-beijing.aliyuncs.com",
            "https://*.oss-cn-beijing.aliyuncs.com",
        ],
        "endpoint": "https://oss-cn-beijing-internal.aliyuncs.com",
        "public_endpoint": "https://oss-cn-beijing.aliyuncs.com",
        "expire": 240,
        "part_size": 5 * 1024 * 1024,
        "parts_in_memory": 1,
    }


def test_without_object_storage_only_the_portal_may_be_framed():
    shape = python_json(
        "from django.conf import settings\n"
        'print(json.dumps(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]))'
    )

    assert shape == ["'self'"]
