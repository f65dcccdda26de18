"""The public notice (公示), objections, and the publication of the results.

Every write is one transaction with an AuditEvent; e-mails go through the outbox (core.outbox),
so none is lost when the broker is down and none is sent for a rollback. Nomination states change
only through `submissions.services.transition`, at publication.

Reads for the public pages and the open data are here too (`results_data`, `bulletin_data`),
so the page, the JSON, the CSV, the PDFs and `verify_bulletin` all read the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import outbox
from core.emails import enqueue_notice
from core.errors import Refused
from core.i18n import join_items, localized
from core.services import record_event
from core.storage import STORAGE_ERRORS, measure_upload
from submissions.models import Category, Edition, Nomination
from submissions.services import transition
from submissions.stages import Stage
from submissions.states import NominationState
from voting import bulletin as bulletin_module
from voting import queries, runoffs
from voting.models import BallotRound, Objection, PlaceDecision, Publication, RoundState
from voting.queries import REACHED_THE_FINAL
from voting.shares import share

from . import tasks

DEFAULT_NOTICE_DAYS = 30


class PublicationError(Refused):
    """A refused publication action (core.errors.Refused: a translated message for the person)."""


# --- Reading the state of things ------------------------------------------------------------


def publication_of(edition: Edition | None) -> Publication | None:
    if edition is None:
        return None
    return Publication.objects.filter(edition=edition).first()


def notice_is_open(publication: Publication | None, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        publication is not None
        and not publication.is_published
        and publication.notice_opens_at <= now < publication.notice_closes_at
    )


def category_problem(
    category: Category, rounds: list[BallotRound], decisions: Sequence[PlaceDecision] = ()
) -> str | None:
    """Why the category's result is not ready for the notice, or None when it is certified."""
    own = [r for r in rounds if r.category_id == category.pk]
    by_pk = {r.pk: r for r in own}
    if not any(r.parent_id is None and r.state == RoundState.CERTIFIED for r in own):
        return _("No certified ballot round yet.")
    for r in own:
        if r.state in (RoundState.OPEN, RoundState.AWAITING_COUNT):
            return _("A round of this category is still open.")
        runoff_proposed = r.state == RoundState.CERTIFIED and (r.result or {}).get("runoff")
        if runoff_proposed and not any(
            c.parent_id == r.pk and c.state == RoundState.CERTIFIED for c in own
        ):
            return _("A run-off proposed by a certified round has not been certified.")
    for decision in decisions:
        if decision.round_id not in by_pk or decision.decision != PlaceDecision.Decision.RUNOFF:
            continue
        runoff = by_pk.get(decision.runoff_id) if decision.runoff_id is not None else None
        if runoff is None or runoff.state != RoundState.CERTIFIED:
            return _("A vacancy run-off the committee decided on has not been certified.")
    return None


def readiness(edition: Edition) -> dict[int, str | None]:
    """Per category id: what is missing before the notice can open (None: ready)."""
    rounds = list(BallotRound.objects.filter(edition=edition))
    decisions = list(PlaceDecision.objects.filter(round__edition=edition))
    return {c.pk: category_problem(c, rounds, decisions) for c in edition.categories.all()}


def certified_codes(edition: Edition) -> dict[int, list[str]]:
    """Per category id: the certified winners' codes (voting.queries.certified_codes)."""
    return queries.certified_codes(edition.pk)


def approvals(edition: Edition) -> dict[str, int]:
    """Per nomination code: its score in the last counted (not void) round that held it."""
    scores: dict[str, int] = {}
    rounds = BallotRound.objects.filter(
        edition=edition, state__in=[RoundState.CERTIFIED, RoundState.CLOSED]
    ).order_by("number")
    for result in rounds.values_list("result", flat=True):
        for count in (result or {}).get("counts", []):
            scores[count["code"]] = count["score"]
    return scores


@dataclass
class CategoryResults:
    category: Category
    winners: list[Nomination] = field(default_factory=list)
    finalists: list[Nomination] = field(default_factory=list)  # the others, not selected
    removed: list[Nomination] = field(default_factory=list)
    # Per code: the published reasons of a removal, or of a winner kept despite an objection.
    removal_reasons: dict[str, str] = field(default_factory=dict)
    kept_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def vacant(self) -> int:
        """Places of the category without a winner (left vacant, or not filled yet)."""
        return max(0, self.category.winners_quota - len(self.winners))

    @property
    def removals(self) -> list[tuple[Nomination, str]]:
        return [(n, self.removal_reasons.get(n.code, "")) for n in self.removed]

    @property
    def kept(self) -> list[tuple[Nomination, str]]:
        return [(n, self.kept_reasons[n.code]) for n in self.winners if n.code in self.kept_reasons]

    # Rows for publication/_objection_consequences.html, in the active language.
    @property
    def removal_rows(self) -> list[dict]:
        return [
            {"code": n.code, "title": localized(n, "title"), "reasons": r} for n, r in self.removals
        ]

    @property
    def kept_rows(self) -> list[dict]:
        return [
            {"code": n.code, "title": localized(n, "title"), "reasons": r} for n, r in self.kept
        ]


def proposed_results(
    edition: Edition, publication: Publication | None = None
) -> list[CategoryResults]:
    """Per category: proposed winners (certified, less removed ones) and the other finalists.

    Before publication the finalists are those in state "finalist"; after it, the winners and
    the not-selected ones. Four queries whatever the number of rows.
    """
    removed = set(publication.removed if publication else [])
    certified = certified_codes(edition)
    categories = list(edition.categories.order_by("code"))
    nominations = list(
        Nomination.objects.filter(edition=edition, state__in=REACHED_THE_FINAL)
        .select_related("organisation", "direction", "category")
        .order_by("code")
    )
    reasons: dict[str, dict[str, str]] = {"removed": {}, "kept": {}}
    for code, consequence, text in (
        Objection.objects.filter(edition=edition)
        .exclude(consequence="")
        .order_by("consequence_at", "pk")
        .values_list("nomination__code", "consequence", "consequence_reasons")
    ):
        reasons[consequence].setdefault(code, text)
    out = []
    for category in categories:
        own = {n.code: n for n in nominations if n.category_id == category.pk}
        winner_codes = [c for c in certified.get(category.pk, []) if c in own and c not in removed]
        entry = CategoryResults(category=category)
        entry.winners = [own[c] for c in winner_codes]
        entry.removed = [
            own[c] for c in certified.get(category.pk, []) if c in own and c in removed
        ]
        entry.finalists = [n for code, n in own.items() if code not in winner_codes]
        entry.removal_reasons = {n.code: reasons["removed"].get(n.code, "") for n in entry.removed}
        entry.kept_reasons = {
            code: text for code, text in reasons["kept"].items() if code in winner_codes
        }
        out.append(entry)
    return out


# --- The notice -----------------------------------------------------------------------------


def default_notice_close(edition: Edition, now: datetime | None = None) -> datetime:
    """The end of the edition's NOTICE window when it lies ahead, else 30 days from now."""
    now = now or timezone.now()
    window = edition.window(Stage.NOTICE)
    if window is not None and window.closes_at > now:
        return window.closes_at
    return now + timedelta(days=DEFAULT_NOTICE_DAYS)


def open_notice(
    *,
    edition: Edition,
    actor,
    closes_at: datetime | None = None,
    opens_at: datetime | None = None,
) -> Publication:
    """Open the public notice of the proposed winners, once every category is certified."""
    opens_at = opens_at or timezone.now()
    closes_at = closes_at or default_notice_close(edition, opens_at)
    if closes_at <= opens_at:
        raise PublicationError(_("The notice must close after it opens."))
    with transaction.atomic():
        Edition.objects.select_for_update().get(pk=edition.pk)
        if Publication.objects.filter(edition=edition).exists():
            raise PublicationError(_("The public notice of this edition has already been opened."))
        problems = {pk: p for pk, p in readiness(edition).items() if p}
        if problems or not edition.categories.exists():
            raise PublicationError(
                _("Every category needs a certified result before the public notice opens.")
            )
        publication = Publication.objects.create(
            edition=edition,
            notice_opens_at=opens_at,
            notice_closes_at=closes_at,
            notice_opened_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            actor=actor,
            action="voting.notice_opened",
            obj=publication,
            details={
                "opens_at": opens_at.isoformat(),
                "closes_at": closes_at.isoformat(),
                "proposed": {
                    c.category.code: [n.code for n in c.winners]
                    for c in proposed_results(edition, publication)
                },
            },
        )
    return publication


# --- Objections -----------------------------------------------------------------------------


def file_objection(
    *,
    edition: Edition,
    name: str,
    email: str,
    reason: str,
    organisation: str = "",
    phone: str = "",
    nomination: Nomination | None = None,
    file=None,
    file_name: str = "",
    file_content_type: str = "",
    language: str = "zh-hans",
    fill_seconds: float | None = None,
    now: datetime | None = None,
) -> Objection:
    """Record an objection during the notice and queue the objector's receipt.

    `fill_seconds` (how long the form took, if known) is kept in the audit event as a signal
    for the secretariat; nobody is refused for being quick."""
    now = now or timezone.now()
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(edition=edition).first()
        late_notice_open = (
            nomination is not None
            and publication is not None
            and not publication.is_published
            and nomination.code in runoffs.open_late_notices(edition, now)
        )
        if not (notice_is_open(publication, now) or late_notice_open):
            raise PublicationError(_("Objections are accepted only while the public notice runs."))
        if nomination is not None and nomination.edition_id != edition.pk:
            raise PublicationError(_("This technology is not on the notice."))
        objection = Objection(
            edition=edition,
            nomination=nomination,
            name=name,
            organisation=organisation,
            email=email,
            phone=phone,
            reason=reason,
            file_name=file_name[:255],
            file_content_type=file_content_type,
            language=language,
        )
        if file is not None:
            # Recorded for the storage scrub (core/integrity.py), which re-reads every file.
            measured = measure_upload(file)
            objection.file_size, objection.file_sha256 = measured.size, measured.sha256
            try:
                objection.file.save(file_name or "upload", file, save=False)
            except STORAGE_ERRORS as error:
                raise PublicationError(
                    _(
                        "The file could not be stored just now, so the objection was not "
                        "filed. Please try again in a few minutes."
                    )
                ) from error
        objection.save()
        record_event(
            actor=None,
            action="voting.objection_filed",
            obj=objection,
            details={
                "nomination": nomination.code if nomination else None,
                "with_file": bool(file is not None),
                "fill_seconds": fill_seconds,
            },
        )
        enqueue_notice(tasks.send_objection_receipt, objection.pk)
    return objection


def resolve_objection(*, objection: Objection, actor, upheld: bool, reasoning: str) -> Objection:
    """Record the organisers' resolution: upheld or dismissed, with the reasoning."""
    reasoning = (reasoning or "").strip()
    if not reasoning:
        raise PublicationError(_("Give the reasoning of the resolution."))
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        publication = Publication.objects.filter(edition_id=locked.edition_id).first()
        if publication is not None and publication.is_published:
            raise PublicationError(_("The results are published: objections are closed."))
        if locked.consequence:
            raise PublicationError(
                _("The consequence of this objection is recorded: its resolution is final.")
            )
        before = locked.state
        locked.state = Objection.State.UPHELD if upheld else Objection.State.DISMISSED
        locked.resolution = reasoning
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(
            update_fields=["state", "resolution", "resolved_at", "resolved_by", "updated_at"]
        )
        record_event(
            actor=actor,
            action="voting.objection_resolved",
            obj=locked,
            details={"from": before, "to": locked.state, "reasoning": reasoning},
        )
    return locked


def _upheld_against_proposed(objection: Objection, publication: Publication) -> str:
    """The code of the proposed winner an upheld objection is about, or a refusal."""
    if publication.is_published:
        raise PublicationError(_("The results are published: objections are closed."))
    if objection.state != Objection.State.UPHELD or objection.nomination is None:
        raise PublicationError(
            _("Only an upheld objection against a proposed winner can change the winners.")
        )
    if objection.consequence:
        raise PublicationError(_("The consequence of this objection is already recorded."))
    code = objection.nomination.code
    proposed = {n.code for c in proposed_results(objection.edition, publication) for n in c.winners}
    if code not in proposed:
        raise PublicationError(_("This technology is not among the proposed winners."))
    return code


def _record_consequence(objection: Objection, *, consequence: str, reasons: str, actor) -> None:
    objection.consequence = consequence
    objection.consequence_reasons = reasons
    objection.consequence_at = timezone.now()
    objection.consequence_by = actor if getattr(actor, "is_authenticated", False) else None
    objection.save(
        update_fields=[
            "consequence",
            "consequence_reasons",
            "consequence_at",
            "consequence_by",
            "updated_at",
        ]
    )


def _lock_upheld_objection(objection: Objection) -> tuple[Publication, Objection, str]:
    """Lock the edition's publication and the objection (in this order, as every publication
    write does), and return them with the code of the proposed winner it was upheld against."""
    publication = (
        Publication.objects.select_for_update().filter(edition_id=objection.edition_id).first()
    )
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("nomination", "edition")
        .get(pk=objection.pk)
    )
    if publication is None:
        # No notice was held (an objection entered by hand): a message, not a server error.
        raise PublicationError(_("This technology is not among the proposed winners."))
    return publication, objection, _upheld_against_proposed(objection, publication)


def remove_proposed_winner(*, objection: Objection, actor, reasons: str = "") -> Publication:
    """Take the technology an upheld objection is about off the proposed winners.

    The reasons are published with the removal (results, bulletin); without any, the
    reasoning of the objection's resolution is used. The freed place is then decided
    separately: vacant or a vacancy run-off (voting.runoffs.decide_freed_places)."""
    with transaction.atomic():
        publication, objection, code = _lock_upheld_objection(objection)
        reasons = (reasons or "").strip() or objection.resolution
        publication.removed = [*publication.removed, code]
        publication.save(update_fields=["removed", "updated_at"])
        _record_consequence(
            objection, consequence=Objection.Consequence.REMOVED, reasons=reasons, actor=actor
        )
        record_event(
            actor=actor,
            action="voting.proposed_winner_removed",
            obj=publication,
            details={"nomination": code, "objection": objection.reference, "reasons": reasons},
        )
    return publication


def keep_proposed_winner(*, objection: Objection, actor, reasons: str) -> Objection:
    """Record that a proposed winner stays one although an objection against it was upheld,
    with the written reasons (published with the results)."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise PublicationError(_("Give the reasons why the technology stays a winner."))
    with transaction.atomic():
        _locked_publication, objection, code = _lock_upheld_objection(objection)
        _record_consequence(
            objection, consequence=Objection.Consequence.KEPT, reasons=reasons, actor=actor
        )
        record_event(
            actor=actor,
            action="voting.proposed_winner_kept",
            obj=objection,
            details={"nomination": code, "objection": objection.reference, "reasons": reasons},
        )
    return objection


def undecided_objections(edition: Edition, publication: Publication | None) -> list[Objection]:
    """Upheld objections against a proposed winner whose consequence is not recorded yet."""
    proposed = {n.code for c in proposed_results(edition, publication) for n in c.winners}
    return [
        o
        for o in Objection.objects.filter(
            edition=edition, state=Objection.State.UPHELD, consequence=""
        ).select_related("nomination")
        if o.nomination is not None and o.nomination.code in proposed
    ]


def publication_blockers(
    edition: Edition, publication: Publication | None, now: datetime | None = None
) -> list[str]:
    """Everything that still stands between the notice and publication, in the user's language."""
    now = now or timezone.now()
    problems = []
    if publication is None:
        return [_("Open the public notice first.")]
    if now < publication.notice_closes_at:
        problems.append(_("The public notice has not ended yet."))
    if Objection.objects.filter(edition=edition, state=Objection.State.PENDING).exists():
        problems.append(_("Resolve every objection before publishing."))
    undecided = undecided_objections(edition, publication)
    if undecided:
        problems.append(
            _(
                "An upheld objection against a proposed winner needs its consequence: remove "
                "the technology or keep it with written reasons (%(references)s)."
            )
            % {"references": join_items(o.reference for o in undecided)}
        )
    freed_by_category = runoffs.freed_places_by_category(edition, publication)
    for category in edition.categories.order_by("code"):
        freed = freed_by_category.get(category.pk, 0)
        if freed:
            problems.append(
                ngettext(
                    "%(category)s: %(count)s place freed by a removal awaits the decision: "
                    "vacant or a vacancy run-off.",
                    "%(category)s: %(count)s places freed by removals await the decision: "
                    "vacant or a vacancy run-off.",
                    freed,
                )
                % {"category": localized(category, "name"), "count": freed}
            )
    for problem in dict.fromkeys(p for p in readiness(edition).values() if p):
        problems.append(problem)
    late = runoffs.open_late_notices(edition, now)
    if late:
        problems.append(
            _("The own notice of a technology that won after the notice opened runs until %(end)s.")
            % {"end": timezone.localtime(max(late.values())).strftime("%Y-%m-%d %H:%M")}
        )
    return problems


# --- Publication ----------------------------------------------------------------------------


def publish(*, edition: Edition, actor, now: datetime | None = None) -> Publication:
    """Publish the results: finalists become winners or not selected (through `transition`),
    each nominator hears the outcome once, and the public results appear."""
    now = now or timezone.now()
    with transaction.atomic():
        publication = Publication.objects.select_for_update().filter(edition=edition).first()
        if publication is None:
            raise PublicationError(_("Open the public notice first."))
        if publication.is_published:
            raise PublicationError(_("The results of this edition are already published."))
        problems = publication_blockers(edition, publication, now)
        if problems:
            raise PublicationError(problems[0])
        results = proposed_results(edition, publication)
        outcome = {}
        for entry in results:
            winners = {n.pk for n in entry.winners}
            for nomination in [*entry.winners, *entry.finalists]:
                if nomination.state != NominationState.FINALIST:
                    continue
                target = (
                    NominationState.WINNER
                    if nomination.pk in winners
                    else NominationState.NOT_SELECTED
                )
                transition(
                    # The outcome notice (tasks.send_outcome_notice) tells the nominator.
                    nomination=nomination,
                    to_state=target,
                    actor=actor,
                    notify=False,
                )
                outcome[nomination.code] = str(target)
                enqueue_notice(tasks.send_outcome_notice, nomination.pk)
        publication.published_at = now
        publication.published_by = actor if getattr(actor, "is_authenticated", False) else None
        publication.save(update_fields=["published_at", "published_by", "updated_at"])
        record_event(
            actor=actor,
            action="voting.results_published",
            obj=publication,
            details={"outcome": outcome, "removed": list(publication.removed)},
        )
        year = edition.year
        transaction.on_commit(lambda: invalidate_public_cache(year))
        # The public PDFs are rendered once, after commit, and served from the store.
        outbox.enqueue(tasks.render_public_documents, edition.pk)
    return publication


# --- Open data ------------------------------------------------------------------------------

CACHE_SECONDS = 60 * 60
CACHE_PREFIX = "voting:public:"
# The open data, cached as text (docs/caching.md); the results page is cached whole instead.
CACHE_KINDS = ("results-json", "bulletin")


def cache_key(year: int, kind: str) -> str:
    return f"{CACHE_PREFIX}{year}:{kind}"


def invalidate_public_cache(year: int) -> None:
    cache.delete_many([cache_key(year, kind) for kind in CACHE_KINDS])


def published_edition(year: int) -> tuple[Edition, Publication] | None:
    """The edition of `year` and its publication, if its results are published."""
    publication = (
        Publication.objects.select_related("edition")
        .filter(edition__year=year, published_at__isnull=False)
        .first()
    )
    if publication is None:
        return None
    return publication.edition, publication


def _entry(nomination: Nomination, scores: dict[str, int]) -> dict:
    organisation = nomination.organisation
    return {
        "code": nomination.code,
        "title_zh": nomination.title_zh,
        "title_en": nomination.title_en,
        "organisation_zh": organisation.name_zh if organisation else "",
        "organisation_en": organisation.name_en if organisation else "",
        "direction": nomination.direction.code if nomination.direction else "",
        "approvals": scores.get(nomination.code, 0),
    }


def results_data(edition: Edition, publication: Publication) -> dict:
    """`/results/<year>.json`: winners and other finalists per category, both languages."""
    scores = approvals(edition)
    consequences = objection_consequences(edition, Objection.Consequence.REMOVED)
    kept = objection_consequences(edition, Objection.Consequence.KEPT)
    decisions = place_decisions_data(edition)
    return {
        "year": edition.year,
        "categories": [
            {
                "code": entry.category.code,
                "name_zh": entry.category.name_zh,
                "name_en": entry.category.name_en,
                "quota": entry.category.winners_quota,
                "winners": [_entry(n, scores) for n in entry.winners],
                "finalists": [_entry(n, scores) for n in entry.finalists],
                # Added for issue 9: what the objections changed and which places stay empty.
                "removed": [
                    {**_entry(n, scores), **consequences.get(n.code, {})} for n in entry.removed
                ],
                "kept_after_objection": [
                    {"code": code, **detail}
                    for code, detail in kept.items()
                    if code in {n.code for n in entry.winners}
                ],
                "vacant_places": max(0, entry.category.winners_quota - len(entry.winners)),
                "place_decisions": [d for d in decisions if d["category"] == entry.category.code],
            }
            for entry in proposed_results(edition, publication)
        ],
    }


def objection_consequences(edition: Edition, kind: str) -> dict[str, dict]:
    """Per nomination code: the objection and reasons of its removal (or of its staying)."""
    out: dict[str, dict] = {}
    for objection in (
        Objection.objects.filter(edition=edition, consequence=kind)
        .select_related("nomination")
        .order_by("consequence_at", "pk")
    ):
        if objection.nomination is None:
            continue
        out.setdefault(
            objection.nomination.code,
            {"objection": objection.reference, "reasons": objection.consequence_reasons},
        )
    return out


def place_decisions_data(edition: Edition) -> list[dict]:
    """The committee's decisions on unfilled or freed places, in the order taken."""
    return [
        {
            "category": d.round.category.code,
            "round": d.round.number,
            "cause": d.cause,
            "places": d.places,
            "decision": d.decision,
            "reason": d.reason,
            "runoff_round": d.runoff.number if d.runoff else None,
        }
        for d in PlaceDecision.objects.filter(round__edition=edition)
        .select_related("round__category", "runoff")
        .order_by("created_at", "pk")
    ]


CSV_COLUMNS = (
    "category",
    "outcome",
    "code",
    "title_zh",
    "title_en",
    "organisation_zh",
    "organisation_en",
    "direction",
    "approvals",
    # Added for issue 9, after the first nine so that readers of the older file keep working:
    # the objection behind a removal (or behind a winner kept), its published reasons, and for
    # a "vacant" row the number of places left empty.
    "objection",
    "reasons",
    "places",
)


def results_rows(data: dict) -> list[list]:
    """The rows of `/results/<year>.csv`, flattened from `results_data`.

    Per category: the winners ("winner", with the objection and reasons when one was kept after
    an upheld objection), the finalists not selected ("finalist"), the winners removed after an
    upheld objection ("removed", with the objection and the reasons), and one "vacant" row when
    places stay empty (the number of places, and the committee's reasons if it decided so).
    """
    entry_keys = CSV_COLUMNS[2:9]
    rows = []
    for category in data["categories"]:
        code = category["code"]
        kept = {k["code"]: k for k in category.get("kept_after_objection", [])}
        removed = category.get("removed", [])
        removed_codes = {r["code"] for r in removed}
        for entry in category["winners"]:
            detail = kept.get(entry["code"], {})
            rows.append(
                [
                    code,
                    "winner",
                    *(entry[key] for key in entry_keys),
                    detail.get("objection", ""),
                    detail.get("reasons", ""),
                    "",
                ]
            )
        for entry in category["finalists"]:
            # A removed winner is not an ordinary finalist: it has its own row below.
            if entry["code"] in removed_codes:
                continue
            rows.append([code, "finalist", *(entry[key] for key in entry_keys), "", "", ""])
        for entry in removed:
            rows.append(
                [
                    code,
                    "removed",
                    *(entry[key] for key in entry_keys),
                    entry.get("objection", ""),
                    entry.get("reasons", ""),
                    "",
                ]
            )
        vacant = category.get("vacant_places", 0)
        if vacant:
            reasons = "; ".join(
                d["reason"]
                for d in category.get("place_decisions", [])
                if d["decision"] == "vacant" and d["reason"]
            )
            rows.append([code, "vacant", *([""] * len(entry_keys)), "", reasons, vacant])
    return rows


def bulletin_rounds(edition: Edition) -> list[bulletin_module.RoundRecord]:
    """The rounds that counted (certified) or were void, in the order held, with their ballots."""
    rounds = list(
        BallotRound.objects.filter(
            edition=edition, state__in=[RoundState.CERTIFIED, RoundState.VOID]
        )
        .select_related("category", "parent")
        .order_by("opened_at", "pk")
    )
    records = []
    for r in rounds:
        result = r.result or {}
        records.append(
            bulletin_module.RoundRecord(
                category=r.category.code,
                number=r.number,
                kind=r.kind,
                parent=r.parent.number if r.parent is not None else None,
                method=r.method,
                quota=r.quota,
                threshold=share(r.threshold),
                quorum=share(r.quorum),
                eligible=int(result.get("eligible", 0)),
                void=r.state == RoundState.VOID,
                items=list(result.get("items", [])),
                recused=dict(result.get("recused", {})),
                ballots=[(b.tracker, b.choices) for b in queries.shuffled_ballots(r)],
                voided_reason=str(result.get("voided_reason", "")),
            )
        )
    return records


def bulletin_data(edition: Edition) -> dict:
    """`/results/<year>/bulletin.json` (see voting.bulletin for how to recount it)."""
    data = bulletin_module.build_bulletin(edition.year, bulletin_rounds(edition))
    publication = publication_of(edition)
    consequences = objection_consequences(edition, Objection.Consequence.REMOVED)
    # What the recount must know besides the ballots: winners removed after an upheld
    # objection (counted, not published) and the decisions on places, with their reasons.
    data["removals"] = [
        {"category": category, "code": code, **consequences.get(code, {})}
        for category, codes in (
            removed_by_category(edition, publication).items() if publication else []
        )
        for code in codes
    ]
    data["place_decisions"] = place_decisions_data(edition)
    return data


def published_winners(edition: Edition, publication: Publication) -> dict[str, list[str]]:
    return {
        entry.category.code: [n.code for n in entry.winners]
        for entry in proposed_results(edition, publication)
    }


def removed_by_category(edition: Edition, publication: Publication) -> dict[str, list[str]]:
    return {
        entry.category.code: [n.code for n in entry.removed]
        for entry in proposed_results(edition, publication)
    }
