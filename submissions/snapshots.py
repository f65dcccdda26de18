"""The nomination as it was at a return for correction, and what changed since.

`capture` turns a nomination into a plain JSON payload (what `NominationSnapshot` stores, written
only by `submissions.services.transition` at a return); `differences` compares two payloads and
gives the rows the organiser's re-check page shows, labelled in the active language. Reads only:
`capture` uses `.all()` on the relations, so a caller's prefetch serves it.
"""

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation
from core.i18n import localized

from .models import (
    CONTENT_FIELD_LABELS,
    CONTENT_FIELD_NAMES,
    Attachment,
    Declaration,
    Nomination,
    Patent,
)

# Bump when the payload's shape changes; `differences` reads every format written so far.
PAYLOAD_FORMAT = 1
# The organisation's contact, which the nominator keeps in the organisation profile.
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email", "address")
# Kinds of material with one current version, which a new upload replaces (evidence adds up).
SINGLE_VERSION_KINDS = frozenset(Attachment.Kind.values) - {Attachment.Kind.EVIDENCE}


def _named(row) -> dict | None:
    if row is None:
        return None
    return {"id": row.pk, "code": row.code, "name_zh": row.name_zh, "name_en": row.name_en}


def capture(nomination: Nomination) -> dict:
    """Everything the nominator can edit, and the current version of each material."""
    content = {}
    for name in CONTENT_FIELD_NAMES:
        if name in ("category", "direction"):
            content[name] = _named(getattr(nomination, name))
        else:
            content[name] = getattr(nomination, name)
    organisation = nomination.organisation
    return {
        "format": PAYLOAD_FORMAT,
        "content": content,
        "completing_organisations": [
            {"name_zh": row.name_zh, "name_en": row.name_en}
            for row in nomination.completing_organisations.all()
        ],
        "key_people": [
            {"name": row.name, "organisation_name": row.organisation_name, "role": row.role}
            for row in nomination.key_people.all()
        ],
        "patents": [
            {"number": row.number, "title": row.title, "status": row.status}
            for row in nomination.patents.all()
        ],
        "declarations": sorted(row.kind for row in nomination.declarations.all()),
        "contact": {name: getattr(organisation, name) for name in CONTACT_FIELDS},
        "materials": [
            {
                "id": row.pk,
                "kind": row.kind,
                "version": row.version,
                "name": row.original_name,
                "size": row.size,
                "sha256": row.sha256,
                "video_url": row.video_url,
            }
            for row in sorted(
                (row for row in nomination.attachments.all() if row.is_current),
                key=lambda row: (row.kind, row.version, row.pk),
            )
        ],
    }


# --- Differences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class MaterialChange:
    kind: str
    kind_label: str
    # "added", "replaced", "removed" or "unchanged"
    change: str
    before: str
    after: str

    @property
    def change_label(self) -> str:
        return str(MATERIAL_CHANGE_LABELS[self.change])


MATERIAL_CHANGE_LABELS = {
    "added": gettext_lazy("added"),
    "replaced": gettext_lazy("replaced"),
    "removed": gettext_lazy("removed"),
    "unchanged": gettext_lazy("unchanged"),
}


@dataclass(frozen=True)
class Differences:
    fields: list[FieldChange]
    materials: list[MaterialChange]

    @property
    def materials_changed(self) -> bool:
        return any(row.change != "unchanged" for row in self.materials)


def _field_label(name: str) -> str:
    if name in CONTENT_FIELD_LABELS:
        return str(CONTENT_FIELD_LABELS[name])
    return capfirst(str(Nomination._meta.get_field(name).verbose_name))


def _show_content(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name in ("category", "direction"):
        return localized(_Names(value), "name") or "—"
    if name == "application_status":
        return str(dict(Nomination.ApplicationStatus.choices).get(value, value))
    return str(value)


class _Names:
    """A stored name pair, readable by `localized` like the row it was taken from."""

    def __init__(self, value: dict):
        self.name_zh = value.get("name_zh", "")
        self.name_en = value.get("name_en", "")


def _show_list(name: str, rows: list) -> str:
    if not rows:
        return "—"
    if name == "completing_organisations":
        shown = [localized(_Names(row), "name") for row in rows]
    elif name == "key_people":
        shown = [
            " · ".join(
                part for part in (row["name"], row["role"], row["organisation_name"]) if part
            )
            for row in rows
        ]
    elif name == "patents":
        statuses = dict(Patent.Status.choices)
        shown = [
            " · ".join(
                part
                for part in (row["number"], row["title"], str(statuses.get(row["status"], "")))
                if part
            )
            for row in rows
        ]
    else:  # declarations
        kinds = dict(Declaration.Kind.choices)
        shown = [str(kinds.get(kind, kind)) for kind in rows]
    return "\n".join(shown)


LIST_LABELS = {
    "completing_organisations": gettext_lazy("Completing organisations"),
    "key_people": gettext_lazy("Key people"),
    "patents": gettext_lazy("Patents"),
    "declarations": gettext_lazy("Declarations"),
}


def _field_changes(before: dict, after: dict) -> list[FieldChange]:
    changes = []
    for name in CONTENT_FIELD_NAMES:
        old, new = before["content"].get(name), after["content"].get(name)
        if name in ("category", "direction"):
            # The same row renamed since is not a change of the nominator's.
            old_id, new_id = (old or {}).get("id"), (new or {}).get("id")
            if old_id == new_id:
                continue
        elif (old or "") == (new or ""):
            continue
        changes.append(
            FieldChange(
                name, _field_label(name), _show_content(name, old), _show_content(name, new)
            )
        )
    for name, label in LIST_LABELS.items():
        old, new = before.get(name, []), after.get(name, [])
        if old != new:
            changes.append(
                FieldChange(name, str(label), _show_list(name, old), _show_list(name, new))
            )
    for name in CONTACT_FIELDS:
        old, new = before["contact"].get(name, ""), after["contact"].get(name, "")
        if old != new:
            label = capfirst(str(Organisation._meta.get_field(name).verbose_name))
            changes.append(FieldChange(f"contact.{name}", label, old or "—", new or "—"))
    return changes


def _show_material(row: dict | None) -> str:
    if row is None:
        return "—"
    if row["video_url"] and not row["name"]:
        return _("%(link)s (link, version %(version)s)") % {
            "link": row["video_url"],
            "version": row["version"],
        }
    return _("%(name)s (version %(version)s, %(size)s)") % {
        "name": row["name"],
        "version": row["version"],
        "size": filesizeformat(row["size"]),
    }


def _material_changes(before: list[dict], after: list[dict]) -> list[MaterialChange]:
    kind_labels = dict(Attachment.Kind.choices)
    rows: list[MaterialChange] = []

    def add(kind, change, old, new):
        rows.append(
            MaterialChange(
                kind,
                str(kind_labels.get(kind, kind)),
                change,
                _show_material(old),
                _show_material(new),
            )
        )

    for kind in Attachment.Kind.values:
        old = [row for row in before if row["kind"] == kind]
        new = [row for row in after if row["kind"] == kind]
        if kind in SINGLE_VERSION_KINDS:
            old_row, new_row = (old or [None])[-1], (new or [None])[-1]
            if old_row is None and new_row is None:
                continue
            if old_row is None:
                add(kind, "added", None, new_row)
            elif new_row is None:
                add(kind, "removed", old_row, None)
            elif old_row["id"] == new_row["id"]:
                add(kind, "unchanged", old_row, new_row)
            else:
                add(kind, "replaced", old_row, new_row)
            continue
        # Several current files of this kind: each is kept, added or removed on its own.
        new_ids = {row["id"] for row in new}
        old_ids = {row["id"] for row in old}
        for row in old:
            add(
                kind,
                "unchanged" if row["id"] in new_ids else "removed",
                row,
                row if row["id"] in new_ids else None,
            )
        for row in new:
            if row["id"] not in old_ids:
                add(kind, "added", None, row)
    return rows


def differences(before: dict, after: dict) -> Differences:
    """What changed from `before` (a snapshot's payload) to `after` (the nomination now)."""
    return Differences(
        fields=_field_changes(before, after),
        materials=_material_changes(before["materials"], after["materials"]),
    )
