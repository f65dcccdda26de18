"""What an edition's archive holds, written entry by entry into a ZIP on the worker's disk.

Entries (each JSON file is UTF-8, both languages side by side):
- index.html: a bilingual page (Chinese, then English) describing every entry, with counts;
- nominations.json: every nomination with its texts, organisation, state, materials (name,
  kind, version, SHA-256, place in the archive) and formal-check decisions;
- materials/<code>/<kind>-v<version>-<name>: the stored files themselves;
- reviews.json: every review with its per-criterion scores, comment and confidence;
- bulletin.json and results.json: the published ballots and winners (when published);
- audit.jsonl: the audit trail from the edition's creation to the build, one event a line;
- manifest.json and SHA256SUMS: size and SHA-256 of every other entry (`sha256sum -c
  SHA256SUMS` checks an extracted archive).

Files are copied from the store in 1 MB parts and rows are read with iterator(): memory stays
flat whatever the size of the edition. The ZIP goes to a temporary file, which the storage then
streams to the bucket in parts.
"""

import hashlib
import itertools
import json
import zipfile
from collections.abc import Callable
from datetime import datetime

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from core.filenames import clean_file_name
from core.models import AuditEvent
from core.storage import read_chunks
from review.models import Review
from submissions.models import Attachment, Edition, FormalCheck, Nomination

Progress = Callable[[int, int], None]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class _Writer:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.manifest: dict[str, dict] = {}

    def write_chunks(self, name: str, chunks) -> None:
        digest, size = hashlib.sha256(), 0
        chunks = iter(chunks)
        # The first part is read before the entry opens: a missing file leaves no empty entry.
        first = next(chunks, b"")
        with self.archive.open(name, "w", force_zip64=True) as entry:
            for chunk in itertools.chain([first], chunks):
                entry.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        self.manifest[name] = {"size": size, "sha256": digest.hexdigest()}

    def write_json(self, name: str, data) -> None:
        self.write_chunks(name, [json.dumps(data, ensure_ascii=False, indent=1).encode()])


def _material_path(attachment: Attachment) -> str:
    name = clean_file_name(attachment.original_name or attachment.file.name, fallback="file")
    name = name.replace("/", "_")
    return (
        f"materials/{attachment.nomination.code}/"
        f"{attachment.kind}-v{attachment.version}-{attachment.pk}-{name}"
    )


def _nominations(edition: Edition):
    return (
        Nomination.objects.filter(edition=edition)
        .select_related("category", "direction", "organisation")
        .order_by("code")
    )


def planned_entries(edition: Edition) -> int:
    """How many entries the archive will have (for the progress shown while it is built)."""
    files = Attachment.objects.filter(nomination__edition=edition).exclude(file="").count()
    return files + 7  # nominations, reviews, bulletin, results, audit, index, manifest


def write_archive(
    *, edition: Edition, out, published: tuple | None, progress: Progress | None = None
) -> dict:
    """Write the archive of `edition` as a ZIP into the binary file `out`; return its manifest.

    `published` is (bulletin, results) when the results are published, else None."""
    total = planned_entries(edition)
    done = 0

    def step():
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        writer = _Writer(archive)

        checks: dict[int, list] = {}
        for check in (
            FormalCheck.objects.filter(nomination__edition=edition)
            .select_related("decided_by")
            .order_by("decided_at", "pk")
            .iterator(chunk_size=500)
        ):
            checks.setdefault(check.nomination_id, []).append(
                {
                    "decision": check.decision,
                    "reason": check.reason,
                    "checklist": check.checklist,
                    "correction_deadline": _iso(check.correction_deadline),
                    "decided_by": str(check.decided_by) if check.decided_by else None,
                    "decided_at": _iso(check.decided_at),
                }
            )
        materials: dict[int, list] = {}
        attachments = (
            Attachment.objects.filter(nomination__edition=edition)
            .select_related("nomination")
            .order_by("nomination__code", "kind", "version", "pk")
        )
        for attachment in attachments.iterator(chunk_size=200):
            entry = {
                "kind": attachment.kind,
                "version": attachment.version,
                "current": attachment.is_current,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "video_url": attachment.video_url,
                "uploaded_at": _iso(attachment.uploaded_at),
            }
            if attachment.file:
                path = _material_path(attachment)
                try:
                    writer.write_chunks(path, read_chunks(default_storage, attachment.file.name))
                except FileNotFoundError:
                    # Lost from the store (check_storage reports it too); the archive says so
                    # instead of failing as a whole.
                    entry["missing_from_store"] = True
                else:
                    entry["path"] = path
                step()
            materials.setdefault(attachment.nomination_id, []).append(entry)

        nominations = []
        for nomination in _nominations(edition).iterator(chunk_size=200):
            nominations.append(
                {
                    "code": nomination.code,
                    "title_zh": nomination.title_zh,
                    "title_en": nomination.title_en,
                    "category": nomination.category.code if nomination.category else None,
                    "direction": nomination.direction.code if nomination.direction else None,
                    "channel": nomination.channel,
                    "state": nomination.state,
                    "organisation_zh": nomination.organisation.name_zh
                    if nomination.organisation
                    else None,
                    "organisation_en": nomination.organisation.name_en
                    if nomination.organisation
                    else None,
                    "materials": materials.get(nomination.pk, []),
                    "formal_checks": checks.get(nomination.pk, []),
                }
            )
        writer.write_json("nominations.json", nominations)
        step()

        reviews = []
        for review in (
            Review.objects.filter(assignment__nomination__edition=edition)
            .select_related("assignment__nomination", "assignment__expert__user")
            .prefetch_related("scores__criterion")
            .order_by("assignment__nomination__code", "pk")
        ):
            reviews.append(
                {
                    "nomination": review.assignment.nomination.code,
                    "expert": str(review.assignment.expert.user),
                    "state": review.state,
                    "scores": {
                        score.criterion.code: score.score
                        for score in sorted(review.scores.all(), key=lambda s: s.criterion.code)
                    },
                    "comment": review.comment,
                    "confidence": review.confidence,
                    "submitted_at": _iso(review.submitted_at),
                }
            )
        writer.write_json("reviews.json", reviews)
        step()

        if published is not None:
            bulletin, results = published
            writer.write_json("bulletin.json", bulletin)
            writer.write_json("results.json", results)
        step()
        step()

        def audit_lines():
            events = AuditEvent.objects.filter(occurred_at__gte=edition.created_at).order_by(
                "occurred_at", "pk"
            )
            for event in events.select_related("actor").iterator(chunk_size=1000):
                yield (
                    json.dumps(
                        {
                            "at": _iso(event.occurred_at),
                            "actor": str(event.actor) if event.actor else None,
                            "action": event.action,
                            "object_type": event.object_type,
                            "object_id": event.object_id,
                            "object": event.object_repr,
                            "details": event.details,
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                ).encode()

        writer.write_chunks("audit.jsonl", audit_lines())
        step()

        index = render_to_string(
            "archives/archive_index.html",
            {
                "edition": edition,
                "built_at": timezone.now(),
                "nominations": len(nominations),
                "reviews": len(reviews),
                "files": sum(1 for name in writer.manifest if name.startswith("materials/")),
                "published": published is not None,
            },
        )
        writer.write_chunks("index.html", [index.encode()])
        step()

        manifest = dict(sorted(writer.manifest.items()))
        sums = "".join(f"{entry['sha256']}  {name}\n" for name, entry in manifest.items())
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        archive.writestr("SHA256SUMS", sums)
        step()
    return manifest
