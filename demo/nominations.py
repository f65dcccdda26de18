"""Demo nominations: the collection stage and the formal check.

`build_collection_nominations` writes `demo.nominations` nominations (125 by default) in both
languages, across both categories, all directions and all three channels, each with a small
generated recommendation form and technical report. Most are submitted, some stay drafts.
`build_formal_check` then checks the submitted ones: most eligible, some returned for correction
with a reason and a deadline, a few ineligible.

Rows are written in bulk for speed, but every state change goes through the real
`submissions.services.transition` (and the formal check through `submissions.formal_check`), so
the timeline, the audit trail and the notifications are the ones the portal makes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Organisation
from core.models import AuditEvent
from submissions import formal_check
from submissions.models import (
    Attachment,
    Category,
    CompletingOrganisation,
    Declaration,
    KeyPerson,
    Nomination,
    Patent,
    Recommendation,
    StateChange,
    attachment_upload_to,
)
from submissions.services import CODE_PREFIXES, transition
from submissions.states import Channel, NominationState

from . import nominations_content as content

if TYPE_CHECKING:
    from .builders import DemoEdition

DEFAULT_COUNT = 125
# Shares of the 2022 edition: about 60 cutting-edge of 125; about 12 expert recommendations and
# 13 secretariat ones.
CUTTING_EDGE_SHARE = 60 / 125
EXPERT_SHARE = 12 / 125
SECRETARIAT_SHARE = 13 / 125
EXPERT_QUOTA_PER_CATEGORY = 2
# Every DRAFT_EVERY-th open nomination is left as a draft.
DRAFT_EVERY = 12
# Of the submitted ones, in the formal check: every RETURN_EVERY-th returned, every
# INELIGIBLE_EVERY-th ineligible (expert recommendations are all eligible).
RETURN_EVERY = 9
INELIGIBLE_EVERY = 25
# At the formal-check stage itself, the secretariat is part-way through: the last of the
# submitted ones (by number) wait for the person trying the demo to check them.
LEFT_TO_CHECK = 12
CORRECTION_DAYS = 7


@dataclass(frozen=True)
class Plan:
    """One demo nomination before it is written: which technology, variant and channel."""

    number: int
    technology: content.Technology
    variant: int
    channel: str
    draft: bool


# --- Choosing what to write -----------------------------------------------------------------


def _technologies(category: str) -> list[content.Technology]:
    return [t for t in content.TECHNOLOGIES if t.category == category]


def _pick(category: str, count: int) -> list[tuple[content.Technology, int]]:
    """`count` (technology, variant) pairs: every base first, then their variants in turn."""
    bases = _technologies(category)
    picks = []
    for index in range(count):
        picks.append((bases[index % len(bases)], index // len(bases)))
    return picks


def plan(count: int, *, expert_capacity: int) -> list[Plan]:
    """The demo nominations, interleaving the categories so any prefix covers both."""
    cutting_edge = round(count * CUTTING_EDGE_SHARE)
    picks_ce = _pick(content.CUTTING_EDGE, cutting_edge)
    picks_in = _pick(content.INNOVATIVE, count - cutting_edge)
    ordered = []
    while picks_ce or picks_in:
        # Keep the running share of cutting-edge close to the target.
        take_ce = picks_ce and (
            not picks_in or (len(ordered) + 1) * CUTTING_EDGE_SHARE > _count_ce(ordered)
        )
        ordered.append((picks_ce if take_ce else picks_in).pop(0))

    experts = min(round(count * EXPERT_SHARE), expert_capacity)
    secretariat = round(count * SECRETARIAT_SHARE)
    expert_at = _spread(count, experts, offset=2)
    secretariat_at = _spread(count, secretariat, offset=5, taken=frozenset(expert_at))
    plans = []
    open_number = 0
    for number, (technology, variant) in enumerate(ordered):
        if number in expert_at:
            channel = Channel.EXPERT
        elif number in secretariat_at:
            channel = Channel.SECRETARIAT
        else:
            channel = Channel.OPEN
            open_number += 1
        draft = channel == Channel.OPEN and open_number % DRAFT_EVERY == 0
        plans.append(Plan(number, technology, variant, channel, draft))
    return plans


def _count_ce(ordered) -> int:
    return sum(1 for technology, _variant in ordered if technology.category == content.CUTTING_EDGE)


def _spread(count: int, how_many: int, *, offset: int, taken: frozenset[int] = frozenset()):
    """`how_many` positions spread evenly over range(count), avoiding `taken`."""
    free = [position for position in range(count) if position not in taken]
    if how_many <= 0 or not free:
        return set()
    step = len(free) / how_many
    return {
        free[min(len(free) - 1, int(index * step) + offset % max(1, int(step)))]
        for index in range(min(how_many, len(free)))
    }


# --- Texts ----------------------------------------------------------------------------------


def title(technology: content.Technology, variant: int) -> tuple[str, str]:
    titles = technology.titles
    zh, en = titles[variant % len(titles)]
    if variant >= len(titles):
        # Beyond the written variants (only with --nominations above about 140).
        generation = variant // len(titles) + 1
        zh, en = f"{zh}（第{generation}代）", f"{en} (generation {generation})"
    return zh, en


def texts(technology: content.Technology, variant: int) -> dict[str, str]:
    value = technology.values[variant % len(technology.values)]
    contexts = content.APPLICATION_CONTEXTS[technology.category]
    context_zh, context_en = contexts[(variant + len(technology.key)) % len(contexts)]
    title_zh, title_en = title(technology, variant)
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "summary_zh": technology.summary[0],
        "summary_en": technology.summary[1],
        "description_zh": technology.description[0],
        "description_en": technology.description[1],
        "innovations_zh": technology.innovations[0],
        "innovations_en": technology.innovations[1],
        "indicators_zh": technology.indicators[0].format(v=value),
        "indicators_en": technology.indicators[1].format(v=value),
        "application_zh": f"{technology.application[0]}{context_zh}",
        "application_en": f"{technology.application[1]} {context_en}",
    }


def maturity(technology: content.Technology, variant: int) -> tuple[int, str]:
    statuses = content.APPLICATION_STATUS[technology.category]
    status = statuses[variant % len(statuses)]
    if technology.category == content.CUTTING_EDGE:
        trl = min(4, max(2, technology.trl + (variant % 2)))
    else:
        trl = technology.trl if status == "mass_production" else min(technology.trl, 7)
        trl = max(6, trl)
    return trl, status


# --- Organisations --------------------------------------------------------------------------


def technology_organisations() -> list[Organisation]:
    """The invented organisations of the content (found by e-mail domain, so reruns reuse them)."""
    domains = [row[4] for row in content.ORGANISATIONS]
    existing = {o.email_domain: o for o in Organisation.objects.filter(email_domain__in=domains)}
    Organisation.objects.bulk_create(
        Organisation(name_zh=zh, name_en=en, kind=kind, country=country, email_domain=domain)
        for zh, en, kind, country, domain in content.ORGANISATIONS
        if domain not in existing
    )
    by_domain = {o.email_domain: o for o in Organisation.objects.filter(email_domain__in=domains)}
    return [by_domain[domain] for domain in domains]


def _nominating_organisations(demo: DemoEdition):
    """Nominators for open entries: research bodies for cutting-edge, enterprises otherwise."""
    nominators = list(demo.people.nominators)
    research = [u for u in nominators if u.organisation.kind in ("university", "institute")]
    industry = [u for u in nominators if u not in research]
    return {
        content.CUTTING_EDGE: research or nominators,
        content.INNOVATIVE: industry or nominators,
    }


# --- Files ----------------------------------------------------------------------------------


@cache
def _cjk_font() -> str:
    # A CID font is not embedded: the PDF stays a few kilobytes and any reader renders it.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def demo_pdf(*, heading: tuple[str, str], nomination: Nomination, lines, stamped: bool) -> bytes:
    """A one-page PDF in both languages; a red seal drawn on the stamped recommendation form."""
    from reportlab.pdfgen import canvas

    font = _cjk_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(595, 842), pageCompression=1, invariant=1)
    pdf.setTitle(f"{nomination.code} {heading[1]}")
    pdf.setFont(font, 16)
    pdf.drawString(60, 780, heading[0])
    pdf.setFont(font, 12)
    pdf.drawString(60, 760, heading[1])
    y = 720
    for line in [
        f"{nomination.code}",
        nomination.title_zh,
        nomination.title_en,
        nomination.organisation.name_zh,
        nomination.organisation.name_en,
        *lines,
    ]:
        pdf.setFont(font, 10)
        pdf.drawString(60, y, line[:90])
        y -= 18
    if stamped:
        pdf.setStrokeColorRGB(0.8, 0.1, 0.1)
        pdf.setFillColorRGB(0.8, 0.1, 0.1)
        pdf.setLineWidth(2)
        pdf.circle(450, 160, 55)
        pdf.setFont(font, 11)
        pdf.drawCentredString(450, 165, nomination.organisation.name_zh[:12])
        pdf.drawCentredString(450, 145, "（盖章 / seal）")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _attachment(nomination, kind, data: bytes, name: str, user) -> Attachment:
    attachment = Attachment(
        nomination=nomination,
        kind=kind,
        original_name=name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    attachment.file.name = default_storage.save(
        attachment_upload_to(attachment, name), ContentFile(data)
    )
    return attachment


# --- The collection stage -------------------------------------------------------------------


def build_collection_nominations(demo: DemoEdition) -> list[Nomination]:
    """Write the demo's nominations and submit all but the drafts."""
    count = demo.nominations
    if count <= 0:
        return []
    edition = demo.edition
    categories = {c.code: c for c in Category.objects.filter(edition=edition)}
    directions = list(edition.directions.order_by("position", "code"))
    experts = list(demo.people.experts)
    organiser = demo.people.organiser
    plans = plan(count, expert_capacity=2 * EXPERT_QUOTA_PER_CATEGORY * len(experts))
    nominators = _nominating_organisations(demo)
    outside = technology_organisations()

    expert_turn = {content.CUTTING_EDGE: 0, content.INNOVATIVE: 0}
    numbers = {content.CUTTING_EDGE: 0, content.INNOVATIVE: 0}
    rows, creators, recommenders = [], [], {}
    for item in plans:
        technology = item.technology
        category = categories[technology.category]
        numbers[technology.category] += 1
        code = f"{edition.year}-{CODE_PREFIXES[category.code]}-{numbers[technology.category]:03d}"
        trl, status = maturity(technology, item.variant)
        if item.channel == Channel.OPEN:
            pool = nominators[technology.category]
            creator = pool[item.number % len(pool)]
            organisation = creator.organisation
        elif item.channel == Channel.EXPERT:
            # Expert k recommends at most two per category: turns run 0,0,1,1,2,2,...
            turn = expert_turn[technology.category]
            expert_turn[technology.category] += 1
            expert = experts[(turn // EXPERT_QUOTA_PER_CATEGORY) % len(experts)]
            creator = expert.user
            organisation = outside[item.number % len(outside)]
            recommenders[code] = (expert, turn)
        else:
            creator = organiser
            organisation = outside[(item.number * 7) % len(outside)]
        direction_index = content.DIRECTION_KEYS.index(technology.direction)
        rows.append(
            Nomination(
                edition=edition,
                code=code,
                channel=item.channel,
                category=category,
                direction=directions[direction_index % len(directions)],
                organisation=organisation,
                created_by=creator,
                trl=trl,
                application_status=status,
                state=NominationState.DRAFT,
                state_changed_at=demo.now,
                **texts(technology, item.variant),
            )
        )
        creators.append(creator)
    Nomination.objects.bulk_create(rows)
    nominations = list(
        Nomination.objects.filter(edition=edition)
        .select_related("organisation", "category")
        .order_by("pk")
    )
    by_code = {n.code: n for n in nominations}
    nominations = [by_code[row.code] for row in rows]

    _write_parts(nominations, plans, creators, outside, demo)
    _write_recommendations(by_code, recommenders)
    StateChange.objects.bulk_create(
        StateChange(
            nomination=nomination,
            from_state="",
            to_state=NominationState.DRAFT,
            actor=creator,
            at=demo.now,
        )
        for nomination, creator in zip(nominations, creators, strict=True)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=creator,
            action="nomination.created",
            object_type=Nomination._meta.label_lower,
            object_id=str(nomination.pk),
            object_repr=str(nomination)[:255],
            details={
                "channel": nomination.channel,
                "category": nomination.category.code,
                "demo": True,
            },
        )
        for nomination, creator in zip(nominations, creators, strict=True)
    )
    for nomination, creator, item in zip(nominations, creators, plans, strict=True):
        if not item.draft:
            transition(nomination=nomination, to_state=NominationState.SUBMITTED, actor=creator)
    return nominations


def _write_parts(nominations, plans, creators, outside, demo) -> None:
    completing, people, patents, declarations, attachments = [], [], [], [], []
    for nomination, item, creator in zip(nominations, plans, creators, strict=True):
        n = item.number
        partner = outside[(n * 5 + 3) % len(outside)]
        if partner.pk == nomination.organisation_id:
            partner = outside[(n * 5 + 4) % len(outside)]
        completing += [
            CompletingOrganisation(
                nomination=nomination,
                name_zh=nomination.organisation.name_zh,
                name_en=nomination.organisation.name_en,
                organisation=nomination.organisation,
                position=0,
            ),
            CompletingOrganisation(
                nomination=nomination,
                name_zh=partner.name_zh,
                name_en=partner.name_en,
                organisation=partner,
                position=1,
            ),
        ]
        for position in range(3):
            surname = content.SURNAMES[(n * 3 + position) % len(content.SURNAMES)]
            given = content.GIVEN_NAMES[(n * 7 + position * 5) % len(content.GIVEN_NAMES)]
            role = content.ROLES[position if position < 2 else 2 + n % 3]
            org = nomination.organisation if position < 2 else partner
            people.append(
                KeyPerson(
                    nomination=nomination,
                    name=f"{surname[0]}{given[0]} {surname[1]} {given[1]}",
                    organisation_name=f"{org.name_zh} / {org.name_en}",
                    role=f"{role[0]} / {role[1]}",
                    position=position,
                )
            )
        patent_zh, patent_en = item.technology.patent
        patents += [
            Patent(
                nomination=nomination,
                number=f"CN{113000000 + (n + 1) * 7919 % 999983}{'B' if n % 3 else 'A'}",
                title=f"{patent_zh} / {patent_en}",
                status=Patent.Status.GRANTED if n % 3 else Patent.Status.PENDING,
                position=0,
            ),
            Patent(
                nomination=nomination,
                number=f"US {11000000 + (n + 1) * 104729 % 899999:,} B2",
                title=patent_en,
                status=Patent.Status.GRANTED,
                position=1,
            ),
        ]
        # A draft is still being written: it lacks its declarations and its technical report.
        if not item.draft:
            declarations += [
                Declaration(nomination=nomination, kind=kind, made_by=creator, made_at=demo.now)
                for kind in Declaration.Kind.values
            ]
        attachments.append(
            _attachment(
                nomination,
                Attachment.Kind.RECOMMENDATION_FORM,
                demo_pdf(
                    heading=(
                        "全球新能源汽车前沿及创新技术推荐表",
                        "Recommendation form: Global NEVs Cutting-edge & Innovative Technologies",
                    ),
                    nomination=nomination,
                    lines=[f"TRL {nomination.trl}", nomination.get_application_status_display()],
                    stamped=True,
                ),
                "recommendation-form.pdf",
                creator,
            )
        )
        if not item.draft:
            attachments.append(
                _attachment(
                    nomination,
                    Attachment.Kind.TECHNICAL_REPORT,
                    demo_pdf(
                        heading=("技术报告", "Technical report"),
                        nomination=nomination,
                        lines=[
                            nomination.indicators_zh[:60],
                            nomination.indicators_en[:90],
                            nomination.application_en[:90],
                        ],
                        stamped=False,
                    ),
                    "technical-report.pdf",
                    creator,
                )
            )
    CompletingOrganisation.objects.bulk_create(completing)
    KeyPerson.objects.bulk_create(people)
    Patent.objects.bulk_create(patents)
    Declaration.objects.bulk_create(declarations)
    Attachment.objects.bulk_create(attachments)


def _write_recommendations(by_code, recommenders) -> None:
    statements = content.EXPERT_STATEMENTS
    Recommendation.objects.bulk_create(
        Recommendation(
            nomination=by_code[code],
            recommender=expert.user,
            statement_zh=statements[turn % len(statements)][0],
            statement_en=statements[turn % len(statements)][1],
        )
        for code, (expert, turn) in recommenders.items()
    )


# --- The formal check -----------------------------------------------------------------------


def build_formal_check(demo: DemoEdition) -> None:
    """The secretariat checks the submitted nominations: most eligible, some returned for
    correction, a few ineligible. At the formal-check stage itself it has LEFT_TO_CHECK of them
    still to do; at a later stage it has done them all."""
    organiser = demo.people.organiser
    deadline = demo.now + timedelta(days=CORRECTION_DAYS)
    submitted = list(
        Nomination.objects.filter(edition=demo.edition, state=NominationState.SUBMITTED)
        .select_related("edition", "category", "organisation")
        .prefetch_related("attachments", "declarations")
        .order_by("code")
    )
    if demo.stage == "formal_check":
        submitted = submitted[: max(len(submitted) - LEFT_TO_CHECK, 0)]
    for index, nomination in enumerate(submitted, start=1):
        checklist = formal_check.prefilled_checklist(nomination)
        if nomination.channel != Channel.EXPERT and index % INELIGIBLE_EVERY == 0:
            zh, en = content.INELIGIBLE_REASONS[index // INELIGIBLE_EVERY % 3]
            formal_check.decide(
                nomination=nomination,
                decision=formal_check.Decision.INELIGIBLE,
                actor=organiser,
                reason=f"{zh}\n{en}",
                checklist=checklist,
            )
        elif nomination.channel != Channel.EXPERT and index % RETURN_EVERY == 0:
            zh, en = content.RETURN_REASONS[index // RETURN_EVERY % len(content.RETURN_REASONS)]
            formal_check.decide(
                nomination=nomination,
                decision=formal_check.Decision.RETURNED,
                actor=organiser,
                reason=f"{zh}\n{en}",
                correction_deadline=deadline,
                checklist=checklist,
                now=demo.now,
            )
        else:
            formal_check.decide(
                nomination=nomination,
                decision=formal_check.Decision.ELIGIBLE,
                actor=organiser,
                checklist=checklist,
            )
