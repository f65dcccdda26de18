"""Every write of the final evaluation: open, cast, close, run-off, certify.

Each function is one transaction and writes an AuditEvent, except that casting a ballot records
no voter in the trail (see `cast_ballot`). Services enforce the rules (window open, one ballot
per member, recusal) whoever calls them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import Refused
from core.services import record_event
from review.models import Expert
from submissions.models import Category, Edition, Nomination

from . import queries, sealing, tally
from .models import (
    Ballot,
    BallotCast,
    BallotRound,
    KeyWrap,
    Method,
    PlaceDecision,
    Publication,
    Recusal,
    RoundKey,
    RoundKind,
    RoundState,
    RoundTeller,
    RoundVoter,
    SealedBallot,
    Teller,
    generate_tracker,
)


class BallotError(Refused):
    """A refused ballot action (core.errors.Refused: a translated message for the person)."""


class RoundNotOpen(BallotError):
    pass


class NotEligible(BallotError):
    pass


class AlreadyVoted(BallotError):
    pass


class InvalidChoices(BallotError):
    pass


class RecusedItem(BallotError):
    pass


class RoundStateError(BallotError):
    pass


class CountRefused(BallotError):
    """The count was refused: a secret missing, mistyped, wrong, or given twice."""


# States in which a round of a category is still in progress: no other round of it may open.
UNFINISHED = (RoundState.OPEN, RoundState.AWAITING_COUNT)


def _context(round_pk: int) -> bytes:
    """What binds a round's keys and sealed ballots to this round (HPKE info, AEAD data)."""
    return f"wnevc ballot round {round_pk}".encode("ascii")


# --- Tellers --------------------------------------------------------------------------------


def create_teller_secret(*, actor) -> str:
    """Make (or replace) the acting user's teller secret and return it, to be shown once.

    Only its public key is stored. A teller named on a round that is not yet counted cannot
    replace their secret: that round's key opens only with the one it was wrapped for.
    """
    with transaction.atomic():
        teller = Teller.objects.select_for_update().filter(user=actor).first()
        if (
            teller is not None
            and RoundTeller.objects.filter(teller=teller, round__state__in=UNFINISHED).exists()
        ):
            raise RoundStateError(
                _(
                    "You are a teller of a round that has not been counted yet: keep your "
                    "secret until that count."
                )
            )
        secret, public_key = sealing.new_teller_secret()
        if teller is None:
            teller = Teller.objects.create(user=actor, public_key=public_key)
            replaced = False
        else:
            teller.public_key = public_key
            teller.save(update_fields=["public_key", "updated_at"])
            replaced = True
        record_event(
            actor=actor,
            action="voting.teller_key_made",
            obj=teller,
            details={"fingerprint": sealing.key_fingerprint(public_key), "replaced": replaced},
        )
    return secret


def _check_tellers(tellers: Sequence[Teller] | None) -> list[Teller]:
    chosen = list(tellers or [])
    if len(chosen) != sealing.TELLERS_PER_ROUND or len({t.pk for t in chosen}) != len(chosen):
        raise RoundStateError(_("Name three different tellers for the round."))
    return chosen


# --- Opening --------------------------------------------------------------------------------


def open_round(
    *,
    edition: Edition,
    category: Category,
    actor,
    method: str = Method.APPROVAL,
    quota: int | None = None,
    items: Iterable[Nomination] | None = None,
    closes_at: datetime,
    opens_at: datetime | None = None,
    quorum=None,
    threshold=None,
    parent: BallotRound | None = None,
    tellers: Sequence[Teller] | None = None,
    kind: str | None = None,
) -> BallotRound:
    """Open a ballot round over the category's finalists (or `items`), now.

    Freezes the eligible voters and their recusals (from the conflicts of interest) and the
    fingerprint of the voter list. Quorum and threshold default to the edition's shares.
    Names the round's three tellers and makes its key (voting.sealing.make_round_keys): its
    ballots open only when two of these tellers enter their secrets at the count.
    """
    tellers = _check_tellers(tellers)
    if category.edition_id != edition.pk:
        raise RoundStateError(_("This category belongs to another edition."))
    if method not in Method.values:
        raise RoundStateError(_("Unknown ballot method."))
    now = timezone.now()
    opens_at = opens_at or now
    if closes_at <= max(opens_at, now):
        raise RoundStateError(_("The round must close in the future, after it opens."))
    with transaction.atomic():
        # Serialises the numbering of the category's rounds.
        Category.objects.select_for_update().get(pk=category.pk)
        if BallotRound.objects.filter(category=category, state=RoundState.OPEN).exists():
            raise RoundStateError(
                _("A round of this category is open: close it before opening another.")
            )
        if BallotRound.objects.filter(category=category, state=RoundState.AWAITING_COUNT).exists():
            raise RoundStateError(
                _("A round of this category awaits its count: count it before opening another.")
            )
        item_list = list(items) if items is not None else list(queries.finalists(category))
        if not item_list:
            raise RoundStateError(_("There are no finalists in this category to vote on."))
        if any(item.category_id != category.pk for item in item_list):
            raise RoundStateError(_("Every item of a round must belong to its category."))
        quota = quota if quota is not None else category.winners_quota
        if quota < 1:
            raise RoundStateError(_("A round must have at least one place to fill."))
        voters = list(queries.eligible_experts(edition))
        if not voters:
            raise RoundStateError(_("The committee has no members who can vote."))
        number = (
            BallotRound.objects.filter(category=category).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        round = BallotRound.objects.create(
            edition=edition,
            category=category,
            number=number,
            parent=parent,
            # A round with a parent is a tie run-off unless the caller says otherwise
            # (voting.runoffs opens vacancy run-offs).
            kind=kind or (RoundKind.TIE_RUNOFF if parent else RoundKind.MAIN),
            method=method,
            quota=quota,
            quorum=quorum if quorum is not None else edition.quorum,
            threshold=threshold if threshold is not None else edition.threshold,
            state=RoundState.OPEN,
            opens_at=opens_at,
            closes_at=closes_at,
            opened_at=now,
            voter_fingerprint=queries.fingerprint(voters),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        round.items.set(item_list)
        round_voters = RoundVoter.objects.bulk_create(
            [RoundVoter(round=round, expert=expert) for expert in voters]
        )
        voter_by_expert = {v.expert_id: v for v in round_voters}
        if any(v.pk is None for v in round_voters):  # backends that do not return ids
            voter_by_expert = {v.expert_id: v for v in RoundVoter.objects.filter(round=round)}
        conflicts = queries.conflicts_among(voter_by_expert, [item.pk for item in item_list])
        Recusal.objects.bulk_create(
            [
                Recusal(round=round, voter=voter_by_expert[expert_id], nomination_id=nomination_id)
                for expert_id, nomination_id in sorted(conflicts)
            ]
        )
        _make_round_key(round, tellers, [item.code for item in item_list], quota)
        record_event(
            actor=actor,
            action="voting.round_opened",
            obj=round,
            details={
                "category": category.code,
                "number": number,
                "parent": parent.pk if parent else None,
                "kind": round.kind,
                "method": method,
                "quota": quota,
                "quorum": str(round.quorum),
                "threshold": str(round.threshold),
                "items": sorted(item.code for item in item_list),
                "voters": len(voters),
                "recusals": len(conflicts),
                "voter_fingerprint": round.voter_fingerprint,
                "closes_at": closes_at.isoformat(),
                "tellers": [t.user_id for t in tellers],
            },
        )
    return round


def _make_round_key(round: BallotRound, tellers: list[Teller], codes: list[str], quota: int):
    round_tellers = RoundTeller.objects.bulk_create(
        [
            RoundTeller(round=round, teller=t, position=i, public_key=bytes(t.public_key))
            for i, t in enumerate(tellers)
        ]
    )
    if any(rt.pk is None for rt in round_tellers):  # backends that do not return ids
        round_tellers = list(RoundTeller.objects.filter(round=round).order_by("position"))
    keys = sealing.make_round_keys(
        teller_public_keys=[bytes(rt.public_key) for rt in round_tellers],
        context=_context(round.pk),
    )
    RoundKey.objects.create(
        round=round,
        public_key=keys.public_key,
        sealed_private_key=keys.sealed_private_key,
        ballot_length=sealing.padded_length(
            quota=quota, codes=codes, tracker_length=len(generate_tracker())
        ),
    )
    KeyWrap.objects.bulk_create(
        [
            KeyWrap(round=round, first=round_tellers[i], second=round_tellers[j], wrapped=wrapped)
            for (i, j), wrapped in sorted(keys.wraps.items())
        ]
    )


def open_runoff(
    *, round: BallotRound, actor, closes_at: datetime, tellers: Sequence[Teller] | None = None
) -> BallotRound:
    """Open the run-off a closed round proposes: its tied items, for the places left."""
    runoff = (round.result or {}).get("runoff")
    if round.state not in (RoundState.CLOSED, RoundState.CERTIFIED) or not runoff:
        raise RoundStateError(_("This round proposes no run-off."))
    if round.runoffs.filter(kind=RoundKind.TIE_RUNOFF).exclude(state=RoundState.VOID).exists():
        raise RoundStateError(_("The run-off of this round has already been opened."))
    items = list(Nomination.objects.filter(category=round.category, code__in=runoff["items"]))
    return open_round(
        edition=round.edition,
        category=round.category,
        actor=actor,
        method=round.method,
        quota=runoff["places"],
        items=items,
        closes_at=closes_at,
        quorum=round.quorum,
        threshold=round.threshold,
        parent=round,
        tellers=tellers,
    )


def rerun_round(
    *, round: BallotRound, actor, closes_at: datetime, tellers: Sequence[Teller] | None = None
) -> BallotRound:
    """Hold a void round again: the same items, places and rules, with a fresh voter list."""
    if round.state != RoundState.VOID:
        raise RoundStateError(_("Only a void round can be held again."))
    if (
        round.parent is not None
        and round.parent.runoffs.filter(kind=round.kind, number__gt=round.number)
        .exclude(state=RoundState.VOID)
        .exists()
    ):
        raise RoundStateError(_("This run-off has already been held again."))
    if round.parent_id is None and (
        BallotRound.objects.filter(
            category=round.category, parent__isnull=True, number__gt=round.number
        )
        .exclude(state=RoundState.VOID)
        .exists()
    ):
        raise RoundStateError(_("This round has already been held again."))
    return open_round(
        edition=round.edition,
        category=round.category,
        actor=actor,
        method=round.method,
        quota=round.quota,
        items=list(round.items.all()),
        closes_at=closes_at,
        quorum=round.quorum,
        threshold=round.threshold,
        parent=round.parent,
        tellers=tellers,
        kind=round.kind,
    )


# --- Casting --------------------------------------------------------------------------------


def _normalise(method: str, choices: Sequence[str]) -> list[str]:
    codes = [str(code) for code in choices]
    # Approval ballots are stored sorted: the order in which boxes were ticked could otherwise
    # fingerprint a member. A Borda ballot's order is its content.
    return sorted(codes) if method == Method.APPROVAL else codes


def cast_ballot(*, round: BallotRound, voter: Expert, choices: Sequence[str]) -> str:
    """Cast the member's ballot in the round and return its tracker code.

    One ballot per member: the RoundVoter row is locked, BallotCast is checked, and the database
    refuses a second (round, voter) pair anyway — a double click, two tabs or a replayed request
    make one ballot, and the others get AlreadyVoted.

    The ballot (tracker and choices) is padded to the round's one length and sealed to the
    round's public key; the SealedBallot row has no voter, no time and a random id. It is
    written in the same transaction as the turnout row, so a reader of the data files can tell
    which sealed row is whose — and nothing more: the sealed row opens only with two tellers'
    secrets, and the count writes the plain ballots afresh, shuffled, in a transaction of its
    own (docs/ballot-secrecy.md). The tracker is returned to the member and kept nowhere else.
    """
    try:
        with transaction.atomic():
            # The round row is locked so that closing waits for ballots being cast (and a
            # ballot cast after the close is refused rather than left out of the count).
            # Casts of one round therefore take turns: a few milliseconds each, for a committee
            # of about thirty.
            locked = BallotRound.objects.select_for_update().get(pk=round.pk)
            now = timezone.now()
            if locked.state != RoundState.OPEN or not (locked.opens_at <= now < locked.closes_at):
                raise RoundNotOpen(_("This round is not open for voting."))
            entry = (
                RoundVoter.objects.select_for_update(of=("self",))
                .filter(round=locked, expert=voter)
                .first()
            )
            if entry is None:
                raise NotEligible(_("You are not on the voter list of this round."))
            if BallotCast.objects.filter(round=locked, voter=voter).exists():
                raise AlreadyVoted(_("You have already voted in this round."))
            key = RoundKey.objects.filter(round=locked).first()
            if key is None:
                # A round opened before ballots were sealed: no key to seal to, and a plain
                # ballot would be linkable to its voter (docs/ballot-secrecy.md).
                raise RoundNotOpen(
                    _(
                        "This round was opened without tellers and cannot take sealed ballots: "
                        "the secretariat must close it and hold it again."
                    )
                )
            rules = queries.round_rules(locked)
            codes = _normalise(locked.method, choices)
            try:
                tally.check_ballot(rules, codes)
            except tally.InvalidBallot as error:
                raise InvalidChoices(
                    _(
                        "This ballot is not valid: choose each item at most once, and at most "
                        "%(quota)s items."
                    )
                    % {"quota": locked.quota}
                ) from error
            if set(codes) & queries.recused_codes(entry):
                raise RecusedItem(_("You are recused from an item you chose."))
            tracker = generate_tracker()
            BallotCast.objects.create(round=locked, voter=voter)
            SealedBallot.objects.create(
                round=locked,
                sealed=sealing.seal_ballot(
                    public_key=bytes(key.public_key),
                    tracker=tracker,
                    choices=codes,
                    length=key.ballot_length,
                    context=_context(locked.pk),
                ),
            )
            # The audit trail learns only that a ballot was cast in this round: no voter, no
            # tracker, no choices. AuditEvent rows carry a time and an increasing id; an event
            # naming the voter would be a timed list of who voted when. The turnout lives in
            # BallotCast, which has no time; the ballot in SealedBallot, which has no voter.
            record_event(
                actor=None,
                action="voting.ballot_cast",
                obj=locked,
                details={"round": locked.pk},
            )
            return tracker
    except IntegrityError:
        # Two requests of one member that passed the checks together: the unique constraint
        # kept one. (On PostgreSQL the row lock makes this path rare; on SQLite it is the guard.)
        if BallotCast.objects.filter(round=round, voter=voter).exists():
            raise AlreadyVoted(_("You have already voted in this round.")) from None
        raise


# --- Closing, counting and certifying -------------------------------------------------------


def close_round(*, round: BallotRound, actor) -> BallotRound:
    """Close an open round: no more ballots. Its ballots stay sealed until two of its tellers
    count them (count_round). A round opened before sealed ballots (no key) holds plain
    ballots already and is counted at once, as it always was."""
    with transaction.atomic():
        locked = BallotRound.objects.select_for_update().get(pk=round.pk)
        if locked.state != RoundState.OPEN:
            raise RoundStateError(_("Only an open round can be closed."))
        locked.closed_at = timezone.now()
        by = "organiser" if getattr(actor, "is_authenticated", False) else "schedule"
        if not RoundKey.objects.filter(round=locked).exists():
            _store_count(locked, actor=actor, by=by)
            return locked
        locked.state = RoundState.AWAITING_COUNT
        locked.save(update_fields=["state", "closed_at", "updated_at"])
        record_event(
            actor=actor,
            action="voting.round_closed",
            obj=locked,
            details={"cast": locked.casts.count(), "counted": False, "by": by},
        )
    return locked


def _store_count(locked: BallotRound, *, actor, by: str, tellers: list[int] | None = None):
    """Tally the round's plain ballots and store the result (inside the caller's transaction).
    Without quorum the round is void (it can be held again); a tie across the quota line is
    stored as a run-off proposal."""
    rules = queries.round_rules(locked, with_recused=True)
    result = tally.tally(rules, queries.ballots_for_count(locked))
    locked.result = {
        **result.as_dict(),
        "items": list(rules.items),
        "eligible": rules.eligible,
        "recused": dict(sorted(rules.recused.items())),
        "method": rules.method,
        "quota": rules.quota,
        "quorum": str(rules.quorum),
        "threshold": str(rules.threshold),
    }
    locked.state = RoundState.VOID if result.void else RoundState.CLOSED
    locked.counted_at = timezone.now()
    locked.save(update_fields=["result", "state", "closed_at", "counted_at", "updated_at"])
    record_event(
        actor=actor,
        action="voting.round_voided" if result.void else "voting.round_counted",
        obj=locked,
        details={
            "cast": result.cast,
            "eligible": rules.eligible,
            "quorum_needed": result.quorum_needed,
            "void": result.void,
            "winners": list(result.winners),
            "runoff": locked.result["runoff"],
            "by": by,
            "tellers": tellers,
        },
    )


def count_round(*, round: BallotRound, actor, secrets: Sequence[str]) -> BallotRound:
    """Open and count a closed round's ballots with two of its tellers' secrets, given together.

    The secrets are used in this call only (never stored, cached or queued). In one
    transaction: every sealed ballot is opened and checked, the plain ballots are written once
    in a random order (SystemRandom), the sealed ballots and the round's key are deleted, the
    tally is stored and audited. Any failure leaves the round as it was, awaiting its count.
    """
    given = [s for s in secrets if (s or "").strip()]
    if len(given) != sealing.TELLERS_TO_COUNT:
        raise CountRefused(_("Two tellers must enter their secrets together."))
    try:
        keys = [sealing.parse_teller_secret(s) for s in given]
    except sealing.MistypedSecret:
        raise CountRefused(
            _("A secret is mistyped: check it against the written copy and try again.")
        ) from None
    with transaction.atomic():
        locked = BallotRound.objects.select_for_update().get(pk=round.pk)
        if locked.state != RoundState.AWAITING_COUNT:
            raise RoundStateError(_("Only a closed round awaiting its count can be counted."))
        by_public = {bytes(rt.public_key): rt for rt in locked.tellers.select_related("teller")}
        found = [by_public.get(sealing.public_key_of(k)) for k in keys]
        matched = [rt for rt in found if rt is not None]
        if len(matched) != len(found):
            raise CountRefused(_("A secret does not belong to a teller of this round."))
        if matched[0].pk == matched[1].pk:
            raise CountRefused(_("Two different tellers must each enter their own secret."))
        (first, first_key), (second, second_key) = sorted(
            zip(matched, keys, strict=True), key=lambda pair: pair[0].position
        )
        round_key = RoundKey.objects.get(round=locked)
        wrap = KeyWrap.objects.get(round=locked, first=first, second=second)
        context = _context(locked.pk)
        try:
            private_key = sealing.unwrap_round_key(
                sealed_private_key=bytes(round_key.sealed_private_key),
                wrap=bytes(wrap.wrapped),
                pair=(first.position, second.position),
                first=first_key,
                second=second_key,
                context=context,
            )
            opened = [
                sealing.open_ballot(private_key=private_key, sealed=bytes(s), context=context)
                for s in locked.sealed_ballots.values_list("sealed", flat=True)
            ]
        except sealing.SealingError:
            raise CountRefused(_("The round's ballots do not open with these secrets.")) from None
        if len(opened) != locked.casts.count():
            raise CountRefused(_("The sealed ballots do not match the turnout: nothing counted."))
        random.SystemRandom().shuffle(opened)
        # The key goes first: the database refuses a plain ballot in a round that still has
        # one (migration 0004's trigger).
        locked.sealed_ballots.all().delete()
        KeyWrap.objects.filter(round=locked).delete()
        RoundKey.objects.filter(round=locked).delete()
        Ballot.objects.bulk_create(
            [Ballot(round=locked, tracker=tracker, choices=choices) for tracker, choices in opened]
        )
        _store_count(
            locked, actor=actor, by="tellers", tellers=[first.teller.user_id, second.teller.user_id]
        )
    return locked


def void_round(*, round: BallotRound, actor, reason: str) -> BallotRound:
    """Void an open round, or a closed one not yet counted, for a recorded reason.

    The one way to act on a conflict recorded after a round opened (docs/conflicts.md): a sealed
    ballot carries no voter, so the late-conflicted member's choice cannot be taken out of it;
    the round is voided as a whole and held again (rerun_round), whose voter list and recusals
    are frozen afresh with the conflict in them. Only before the count: nobody, the organisers
    included, knows the result yet, so voiding cannot be used to undo a result one dislikes.
    After the count the result stands and the objection procedure covers the item.

    Nothing is discarded secretly: in one transaction the sealed ballots are deleted unread
    together with the round's key and its wraps (so no one can ever open them), the turnout
    (who cast) is kept, the round records the reason and what it had (eligible, recusals, cast),
    the bulletin lists it as void with the reason, and an audit event names the actor.
    """
    reason = (reason or "").strip()
    if not reason:
        raise RoundStateError(_("Give the reason for voiding the round."))
    with transaction.atomic():
        locked = BallotRound.objects.select_for_update().get(pk=round.pk)
        if locked.state not in (RoundState.OPEN, RoundState.AWAITING_COUNT):
            raise RoundStateError(
                _("Only an open round, or a closed one not yet counted, can be voided.")
            )
        rules = queries.round_rules(locked, with_recused=True)
        cast = locked.casts.count()
        previous = locked.state
        # Deleted unread: the key goes with the ballots, so no pair of tellers can open them.
        discarded = locked.sealed_ballots.count() + locked.ballots.count()
        locked.sealed_ballots.all().delete()
        locked.ballots.all().delete()
        KeyWrap.objects.filter(round=locked).delete()
        RoundKey.objects.filter(round=locked).delete()
        now = timezone.now()
        locked.result = {
            "void": True,
            "voided_reason": reason,
            "cast": cast,
            "quorum_needed": tally.quorum_needed(rules.eligible, rules.quorum),
            "counts": [],
            "winners": [],
            "runoff": None,
            "items": list(rules.items),
            "eligible": rules.eligible,
            "recused": dict(sorted(rules.recused.items())),
            "method": rules.method,
            "quota": rules.quota,
            "quorum": str(rules.quorum),
            "threshold": str(rules.threshold),
        }
        locked.state = RoundState.VOID
        locked.closed_at = locked.closed_at or now
        locked.save(update_fields=["result", "state", "closed_at", "updated_at"])
        record_event(
            actor=actor,
            action="voting.round_voided_by_decision",
            obj=locked,
            details={
                "reason": reason,
                "was": previous,
                "cast": cast,
                "discarded_unread": discarded,
                "eligible": rules.eligible,
            },
        )
    return locked


def close_due_rounds(*, now: datetime | None = None) -> list[int]:
    """Close every open round whose window has ended (the beat task). Idempotent."""
    now = now or timezone.now()
    closed = []
    for pk in BallotRound.objects.filter(state=RoundState.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            close_round(round=BallotRound(pk=pk), actor=None)
        except RoundStateError:
            continue  # closed by an organiser meanwhile
        closed.append(pk)
    return closed


def unfilled_places(round: BallotRound) -> int:
    """Places of a counted round that neither its winners nor its proposed tie run-off fill."""
    result = round.result or {}
    if not result or result.get("void"):
        return 0
    runoff = result.get("runoff") or {}
    return max(0, round.quota - len(result.get("winners", [])) - int(runoff.get("places", 0)))


UNFILLED_CHOICES = (PlaceDecision.Decision.VACANT, PlaceDecision.Decision.RUNOFF)


def certify_round(
    *, round: BallotRound, actor, unfilled: str | None = None, reason: str = ""
) -> BallotRound:
    """Certify a closed round's result: its winners become the category's certified winners
    (together with those of its certified run-offs). Nominations change state at publication.

    A main round or tie run-off that leaves places unfilled is certified only with the
    committee's explicit choice for them (`unfilled`: "vacant" or "runoff") and its reason,
    recorded as a PlaceDecision. A vacancy run-off is the one attempt: what it leaves unfilled
    stays vacant (docs/decisions.md)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = BallotRound.objects.select_for_update().get(pk=round.pk)
        if locked.state != RoundState.CLOSED:
            raise RoundStateError(_("Only a closed round with a valid result can be certified."))
        if locked.parent is not None and locked.parent.state != RoundState.CERTIFIED:
            raise RoundStateError(_("Certify the round this run-off comes from first."))
        if (
            locked.parent_id is None
            and BallotRound.objects.filter(
                category=locked.category, parent__isnull=True, state=RoundState.CERTIFIED
            ).exists()
        ):
            raise RoundStateError(_("Another round of this category has already been certified."))
        open_places = unfilled_places(locked)
        decision = None
        if open_places and locked.kind != RoundKind.VACANCY_RUNOFF:
            if unfilled not in UNFILLED_CHOICES:
                raise RoundStateError(
                    ngettext(
                        "This result leaves %(count)s place unfilled: choose to leave it vacant "
                        "or to hold a vacancy run-off for it.",
                        "This result leaves %(count)s places unfilled: choose to leave them "
                        "vacant or to hold a vacancy run-off for them.",
                        open_places,
                    )
                    % {"count": open_places}
                )
            if not reason:
                raise RoundStateError(_("Give the reason for the decision on the unfilled places."))
            decision = PlaceDecision.objects.create(
                round=locked,
                cause=PlaceDecision.Cause.UNFILLED,
                places=open_places,
                decision=unfilled,
                reason=reason,
                decided_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        locked.state = RoundState.CERTIFIED
        locked.certified_at = timezone.now()
        locked.certified_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["state", "certified_at", "certified_by", "updated_at"])
        if locked.kind == RoundKind.VACANCY_RUNOFF:
            _link_vacancy_runoff(locked)
        result = locked.result or {}
        record_event(
            actor=actor,
            action="voting.round_certified",
            obj=locked,
            details={
                "category": locked.category.code,
                "number": locked.number,
                "kind": locked.kind,
                "winners": list(result.get("winners", [])),
                "runoff": result.get("runoff"),
                "cast": result.get("cast"),
                "unfilled": open_places,
                "unfilled_decision": decision.decision if decision else None,
                "unfilled_reason": decision.reason if decision else None,
            },
        )
    return locked


# A technology that wins after the public notice opened is on notice as long as the others were.
LATE_NOTICE_DAYS = 30


def _link_vacancy_runoff(runoff: BallotRound) -> None:
    """Tie a certified vacancy run-off to its decision (a re-run of a void one takes its place)
    and, when the public notice has already opened, give its winners their own notice."""
    decision = (
        PlaceDecision.objects.select_for_update(of=("self",)).filter(runoff=runoff).first()
        or PlaceDecision.objects.select_for_update(of=("self",))
        .filter(
            round_id=runoff.parent_id,
            decision=PlaceDecision.Decision.RUNOFF,
            runoff__state=RoundState.VOID,
        )
        .first()
    )
    if decision is None:
        return
    decision.runoff = runoff
    notice = Publication.objects.filter(edition_id=runoff.edition_id).first()
    if (
        notice is not None
        and runoff.certified_at is not None
        and notice.notice_opens_at <= runoff.certified_at
        and (runoff.result or {}).get("winners")
    ):
        decision.own_notice_closes_at = runoff.certified_at + timedelta(days=LATE_NOTICE_DAYS)
    decision.save(update_fields=["runoff", "own_notice_closes_at", "updated_at"])
