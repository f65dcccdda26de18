"""What the materials section shows, per kind of attachment, from one list of attachments."""

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..models import Attachment
from ..uploads import (
    ACCEPTED_FORMATS,
    EVIDENCE,
    KIND_LABELS,
    RECOMMENDATION_FORM,
    TECHNICAL_REPORT,
    VIDEO,
    accept_attribute,
    accepted_formats_text,
    upload_limits,
)

register = template.Library()

REQUIRED = {RECOMMENDATION_FORM, TECHNICAL_REPORT}


@register.simple_tag(takes_context=True)
def materials_overview(context, nomination) -> dict:
    """Per kind: label, required, accepted types, limit, current and earlier versions.

    Reads the `materials_after_upload` an upload hands the page (what it read under its lock),
    else nomination.attachments.all(): a prefetched list costs no query, an unprefetched one.
    """
    attachments = context.get("materials_after_upload")
    if attachments is None:
        attachments = list(nomination.attachments.all())
    limits = upload_limits()
    kinds = []
    for kind in (RECOMMENDATION_FORM, TECHNICAL_REPORT, EVIDENCE, VIDEO):
        mine = sorted(
            (a for a in attachments if a.kind == kind),
            key=lambda a: (-a.version, -(a.pk or 0)),
        )
        kinds.append(
            {
                "kind": kind,
                "label": Attachment.Kind(kind).label,
                "required": kind in REQUIRED,
                "several": kind == EVIDENCE,
                "accepted": accepted_formats_text(kind),
                "accept": accept_attribute(kind),
                "limit": limits[kind],
                "current": [a for a in mine if a.is_current],
                "earlier": [a for a in mine if not a.is_current],
                "formats": ACCEPTED_FORMATS[kind],
                # The browser refuses a file over the limit before sending it, with the same
                # words the server would use; {name} is filled in by static/js/upload.js.
                "too_large": _("“%(name)s” is larger than %(limit)s, the most %(kind)s may be.")
                % {
                    "name": "{name}",
                    "limit": filesizeformat(limits[kind]),
                    "kind": KIND_LABELS[kind],
                },
            }
        )
    used = sum(a.size for a in attachments if a.is_current)
    return {"kinds": kinds, "used": used, "total": limits["total"]}
