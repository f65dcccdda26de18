"""An S3-protocol server over HTTP for the tests: moto's standalone server, started by the
tests themselves on a free port (no in-process patching of boto).

The portal talks to it exactly as to Alibaba Cloud OSS or Tencent COS: django-storages and
boto3 over HTTP, with signed requests. What moto does NOT do, and tests therefore cannot show:
it does not enforce signatures or the expiry of presigned URLs (an expired or tampered URL is
still served). Those two are checked against a real store by the smoke test in docs/deploy.md.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import boto3
from botocore.config import Config

from tests.django_subprocess import ROOT

VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
ACCESS_KEY = "portal-test-key"
SECRET_KEY = "portal-test-secret"
REGION = "cn-north-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
        return True
    return False


class S3Server:
    """moto_server in a process of its own; `stop()` makes the store unreachable."""

    def __init__(self, log_dir: Path):
        self.binary = VENV_BIN / "moto_server"
        if not self.binary.exists():
            found = shutil.which("moto_server")
            if found is None:
                from tests.faults.processes import missing

                missing("moto_server is not installed (pip install -r requirements-dev.txt)")
            self.binary = Path(found)
        self.port = _free_port()
        self.log_path = log_dir / f"moto-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "S3Server":
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
            [str(self.binary), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while not _port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(self.log_path.read_text(errors="replace"))
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def new_bucket(self) -> str:
        name = f"wnevc-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def environment(self, bucket: str, **more: str) -> dict[str, str]:
        """The settings' environment for a process that keeps its files in `bucket`."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_S3_ADDRESSING_STYLE": "path",
            **more,
        }

    def storages(self, bucket: str, **options) -> dict:
        """A STORAGES["default"] entry for `bucket`, as settings.py builds it from the
        environment."""
        from django.conf import settings

        return {
            "BACKEND": "core.storage.PortalS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": self.endpoint_url,
                "region_name": REGION,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
                "transfer_config": settings.UPLOAD_TRANSFER_CONFIG,
                **options,
            },
        }

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))
