"""The storage scrub: every stored file re-read and compared with the size and SHA-256 taken
when it was stored.

Findings:
- missing: a row names a file the store no longer has (deleted behind the portal's back, or
  lost with a disk);
- altered: the file is there but its size or hash differs from the row's;
- unrecorded: the row has no hash to compare with (stored before hashes were recorded and
  not readable at the backfill); the file is only checked to exist;
- orphaned: a file under the portal's folders that no row names (a half-finished upload, a
  restore that mixed two stores). Only looked for over the whole store, not with `year`.

Missing and altered files are losses; orphans are waste, not loss. The rows are read with
iterator() and the files in 1 MB parts (core.storage.measure): memory stays flat whatever the
number or size of the files. The apps that keep files are named here by label, not imported:
core sits below them.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.core.files.storage import default_storage

from .storage import measure, stored_names


@dataclass(frozen=True)
class StoredFiles:
    model: str
    folder: str
    file: str = "file"
    size: str = "size"
    sha256: str = "sha256"
    year: str = ""


STORED_FILES = (
    StoredFiles("submissions.Attachment", "nominations/", year="nomination__edition__year"),
    StoredFiles(
        "voting.Objection",
        "objections/",
        size="file_size",
        sha256="file_sha256",
        year="edition__year",
    ),
    StoredFiles("archives.EditionArchive", "archives/", year="edition__year"),
    # The public results book and certificates, rendered at publication.
    StoredFiles("publication.PublicDocument", "public-documents/", year="edition__year"),
    # An objection's file held for a day after a refused attempt; of no edition.
    StoredFiles("publication.HeldUpload", "held-uploads/"),
)


@dataclass
class ScrubReport:
    year: int | None
    checked: int = 0
    bytes: int = 0
    missing: list[dict] = field(default_factory=list)
    altered: list[dict] = field(default_factory=list)
    unrecorded: list[dict] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def lost(self) -> int:
        return len(self.missing) + len(self.altered)

    @property
    def ok(self) -> bool:
        return self.lost == 0

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok, "seconds": round(self.seconds, 3)}


Progress = Callable[[int, int, int], None]  # files done, files in all, bytes read


def _rows(spec: StoredFiles, year: int | None):
    queryset = apps.get_model(spec.model).objects.exclude(**{spec.file: ""})
    if year is not None:
        if not spec.year:  # files of no edition are not one edition's
            return queryset.none()
        queryset = queryset.filter(**{spec.year: year})
    return queryset


def scrub_storage(
    *, year: int | None = None, storage=None, progress: Progress | None = None
) -> ScrubReport:
    """Re-read every stored file (of one edition with `year`) and compare. Errors of an
    unreachable store propagate (core.storage.STORAGE_ERRORS) for the caller to report."""
    storage = storage if storage is not None else default_storage
    started = time.monotonic()
    report = ScrubReport(year=year)
    total = sum(_rows(spec, year).count() for spec in STORED_FILES)
    referenced: set[str] = set()
    read = [0]  # bytes read so far, across files, for the progress line

    def chunk_read(length: int) -> None:
        read[0] += length
        if progress is not None:
            progress(report.checked, total, read[0])

    for spec in STORED_FILES:
        rows = _rows(spec, year).values_list("pk", spec.file, spec.size, spec.sha256)
        for pk, name, size, sha256 in rows.order_by("pk").iterator(chunk_size=500):
            referenced.add(name)
            where = {"model": spec.model, "pk": pk, "name": name}
            try:
                measured = measure(storage, name, progress=chunk_read)
            except FileNotFoundError:
                report.missing.append(where)
            else:
                report.bytes += measured.size
                if not sha256:
                    report.unrecorded.append(where)
                elif (measured.size, measured.sha256) != (size, sha256):
                    report.altered.append(
                        {
                            **where,
                            "expected": {"size": size, "sha256": sha256},
                            "found": {"size": measured.size, "sha256": measured.sha256},
                        }
                    )
            report.checked += 1
            if progress is not None:
                progress(report.checked, total, read[0])
    if year is None:
        for spec in STORED_FILES:
            report.orphaned.extend(
                name for name in stored_names(storage, spec.folder) if name not in referenced
            )
    report.seconds = time.monotonic() - started
    return report
