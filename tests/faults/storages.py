"""Storage backends that fail the way real stores do: injected faults of the external file
store, configured through STORAGES like any backend (no code of ours is replaced)."""

import errno

from botocore.exceptions import EndpointConnectionError
from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    """A file system with no space left: every save fails, nothing is written."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


class UnreachableObjectStorage(FileSystemStorage):
    """An S3-compatible store that cannot be reached (what django-storages raises then)."""

    def _save(self, name, content):
        raise EndpointConnectionError(endpoint_url="https://oss-cn-beijing.aliyuncs.com")
