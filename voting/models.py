"""The final evaluation: ballot rounds, their frozen voter lists, tellers, and the secret ballots.

Secrecy is a property of the schema and of the keys, not of good behaviour (DESIGN.md, "Ballot
rules"; docs/ballot-secrecy.md):
- `BallotCast` says WHO voted in a round (the turnout). `SealedBallot` holds WHAT was chosen,
  sealed to the round's key, which opens only with two of the round's three tellers' secrets.
  Neither has a timestamp, both have random ids, and nothing links them.
- `Ballot` (the plain ballot: tracker and choices) is written only by the count, once, in a
  shuffled order and in a transaction of its own, so no row version of it shares anything with
  a cast. Reads order it by tracker or shuffle it, never by insertion.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel
from review.models import Expert
from submissions.models import Category, Edition, Nomination

from .shares import share

# An unambiguous alphabet for tracker codes: no 0/O, 1/I/L, 5/S, 8/B, 2/Z, U/V confusion.
TRACKER_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
TRACKER_GROUPS = 4
TRACKER_GROUP_LENGTH = 4


def generate_tracker() -> str:
    """A random, human-readable code such as "7KQX-3MFA-RT9C-HW4P" (about 72 bits)."""
    return "-".join(
        "".join(secrets.choice(TRACKER_ALPHABET) for _ in range(TRACKER_GROUP_LENGTH))
        for _ in range(TRACKER_GROUPS)
    )


class Method(models.TextChoices):
    APPROVAL = "approval", pgettext_lazy("ballot method", "Approval")
    BORDA = "borda", pgettext_lazy("ballot method", "Borda ranking")


class RoundState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("ballot round", "Draft")
    OPEN = "open", pgettext_lazy("ballot round", "Open")
    # Closed on schedule or by an organiser; its ballots are still sealed until two tellers
    # count them (voting.services.count_round).
    AWAITING_COUNT = "uncounted", pgettext_lazy("ballot round", "Closed, awaiting the count")
    CLOSED = "closed", pgettext_lazy("ballot round", "Closed")
    CERTIFIED = "certified", pgettext_lazy("ballot round", "Certified")
    VOID = "void", pgettext_lazy("ballot round", "Void")


class RoundKind(models.TextChoices):
    """Why a round is held. A main round votes on the category's finalists; a tie run-off on
    the items tied across its parent's quota line; a vacancy run-off on places its parent left
    unfilled, or freed by an upheld objection (docs/decisions.md)."""

    MAIN = "main", pgettext_lazy("ballot round kind", "Main round")
    TIE_RUNOFF = "tie_runoff", pgettext_lazy("ballot round kind", "Tie run-off")
    VACANCY_RUNOFF = "vacancy_runoff", pgettext_lazy("ballot round kind", "Vacancy run-off")


class BallotRound(TimeStampedModel):
    """One ballot of the committee over a category's finalists (or the tied items of a run-off)."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="ballot_rounds"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="ballot_rounds"
    )
    # 1, 2, … per category in the order held: a re-run after a void round or a run-off takes
    # the next number.
    number = models.PositiveSmallIntegerField(pgettext_lazy("ballot round", "number"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("run-off of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runoffs",
    )
    kind = models.CharField(
        pgettext_lazy("ballot round", "kind"),
        max_length=16,
        choices=RoundKind.choices,
        default=RoundKind.MAIN,
    )
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.APPROVAL
    )
    quota = models.PositiveSmallIntegerField(_("places to fill"), validators=[MinValueValidator(1)])
    # Shares copied from the edition when the round is created; editable until it opens.
    quorum = models.DecimalField(
        _("quorum"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    items = models.ManyToManyField(
        Nomination, verbose_name=_("items"), related_name="ballot_rounds"
    )
    state = models.CharField(
        pgettext_lazy("ballot round", "state"),
        max_length=10,
        choices=RoundState.choices,
        default=RoundState.DRAFT,
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("certified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # sha256 (hex) of the frozen voter list, shown to organisers and members alike so anyone
    # can check that the list did not change after the round opened.
    voter_fingerprint = models.CharField(_("voter list fingerprint"), max_length=64, blank=True)
    # The tally (voting.tally.TallyResult.as_dict) with the rules it was counted under.
    result = models.JSONField(_("result"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ballot round")
        verbose_name_plural = _("ballot rounds")
        ordering = ["edition", "category", "number"]
        constraints = [
            models.UniqueConstraint(fields=["category", "number"], name="one_round_per_number"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            ),
            # A run-off always says which round it continues; a main round never does.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="main", parent__isnull=True)
                    | models.Q(kind__in=["tie_runoff", "vacancy_runoff"], parent__isnull=False)
                ),
                name="round_kind_matches_parent",
            ),
        ]

    def __str__(self):
        return f"{self.category} #{self.number}"

    @property
    def is_runoff(self) -> bool:
        return self.parent_id is not None

    @property
    def quorum_fraction(self) -> str:
        return str(share(self.quorum))

    @property
    def threshold_fraction(self) -> str:
        return str(share(self.threshold))


class RoundVoter(models.Model):
    """A member on a round's voter list, frozen when the round opens.

    `cast_ballot` locks this row (select_for_update), so one member's concurrent requests are
    served one after another and only the first one makes a ballot.
    """

    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.CASCADE,
        related_name="voters",
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("member"), on_delete=models.PROTECT, related_name="round_voters"
    )

    class Meta:
        verbose_name = _("eligible voter")
        verbose_name_plural = _("eligible voters")
        ordering = ["round", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="one_voter_entry_per_round")
        ]

    def __str__(self):
        return f"{self.round} {self.expert}"


class Recusal(models.Model):
    """A voter recused from one item of a round (a conflict of interest), frozen at opening."""

    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.CASCADE,
        related_name="recusals",
    )
    voter = models.ForeignKey(
        RoundVoter, verbose_name=_("voter"), on_delete=models.CASCADE, related_name="recusals"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        ordering = ["round", "nomination", "voter"]
        constraints = [
            models.UniqueConstraint(fields=["voter", "nomination"], name="one_recusal_per_item")
        ]

    def __str__(self):
        return f"{self.voter} ⊘ {self.nomination_id}"


class BallotCast(models.Model):
    """That a member voted in a round — the turnout. Says nothing about what they chose.

    No timestamp and a random primary key: neither tells the order in which members voted,
    which could otherwise be lined up with anything else that follows the casting order.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.PROTECT,
        related_name="casts",
    )
    voter = models.ForeignKey(
        Expert, verbose_name=_("member"), on_delete=models.PROTECT, related_name="ballots_cast"
    )

    class Meta:
        verbose_name = _("ballot cast")
        verbose_name_plural = _("ballots cast")
        ordering = ["round", "voter"]
        constraints = [
            # A ballot is counted once: the database refuses a second one, whatever the code does.
            models.UniqueConstraint(fields=["round", "voter"], name="one_ballot_per_voter")
        ]

    def __str__(self):
        return f"{self.round} {self.voter}"


class Ballot(models.Model):
    """What one member chose, with no trace of who they are or when they voted.

    `choices` holds nomination codes: in the member's order for Borda, sorted for approval (so the
    order of clicks cannot identify anyone). The tracker lets the member find their own ballot in
    the published bulletin.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    tracker = models.CharField(
        _("tracker code"), max_length=24, unique=True, default=generate_tracker, editable=False
    )

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        # Never the insertion order.
        ordering = ["round", "tracker"]

    def __str__(self):
        return self.tracker


# --- Sealed ballots and tellers (docs/ballot-secrecy.md) ---------------------------------------


class Teller(TimeStampedModel):
    """A person who can help open a round's ballots at the count: an organiser or a member who
    made a teller secret on their teller page. Only the secret's public key is kept; the secret
    itself was shown once, to them, and is nowhere in the portal."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="teller",
    )
    public_key = models.BinaryField(_("public key"), max_length=32)

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("tellers")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("public_key"), 32), name="teller_key_is_x25519"
            )
        ]

    def __str__(self):
        return str(self.user)


class RoundTeller(models.Model):
    """One of the three tellers named when a round opened, with the public key they had then
    (a teller who later makes a new secret does not change what opens this round)."""

    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.CASCADE,
        related_name="tellers",
    )
    teller = models.ForeignKey(
        Teller, verbose_name=_("teller"), on_delete=models.PROTECT, related_name="rounds"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    public_key = models.BinaryField(_("public key"), max_length=32)

    class Meta:
        verbose_name = _("teller of a round")
        verbose_name_plural = _("tellers of a round")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "teller"], name="one_entry_per_round_teller"),
            models.UniqueConstraint(fields=["round", "position"], name="one_teller_per_position"),
        ]

    def __str__(self):
        return f"{self.round} {self.teller}"


class RoundKey(models.Model):
    """The round's public key (ballots are sealed to it) and its private key, encrypted under a
    key-encryption key that only two tellers' secrets recover (KeyWrap). Deleted at the count."""

    round = models.OneToOneField(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="key",
    )
    public_key = models.BinaryField(_("public key"), max_length=32)
    sealed_private_key = models.BinaryField(_("sealed private key"))
    # The one plaintext length of the round's ballots (voting.sealing.padded_length).
    ballot_length = models.PositiveIntegerField(_("ballot length"))

    class Meta:
        verbose_name = _("round key")
        verbose_name_plural = _("round keys")

    def __str__(self):
        return f"{self.round} key"


class KeyWrap(models.Model):
    """The key-encryption key wrapped for one pair of the round's tellers: HPKE to `first`,
    then HPKE to `second`. Deleted at the count."""

    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.CASCADE,
        related_name="key_wraps",
    )
    first = models.ForeignKey(RoundTeller, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(RoundTeller, on_delete=models.CASCADE, related_name="+")
    wrapped = models.BinaryField(_("wrapped key"))

    class Meta:
        verbose_name = _("key wrap")
        verbose_name_plural = _("key wraps")
        constraints = [
            models.UniqueConstraint(fields=["round", "first", "second"], name="one_wrap_per_pair")
        ]

    def __str__(self):
        return f"{self.round} wrap"


class SealedBallot(models.Model):
    """A ballot as cast: tracker and choices, padded and sealed to the round's public key.

    No voter, no time, a random id: the row says only that some ballot of this round exists.
    The count opens every sealed ballot of the round, writes the plain Ballot rows once in a
    shuffled order, and deletes these.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.PROTECT,
        related_name="sealed_ballots",
    )
    sealed = models.BinaryField(_("sealed ballot"))

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self):
        return str(self.id)


# --- Public notice and publication (公示与发布) ------------------------------------------------


class Publication(TimeStampedModel):
    """An edition's public notice and the publication of its results (one per edition).

    The notice lists the proposed winners (the certified ones, less any removed after an
    upheld objection) from `notice_opens_at` to `notice_closes_at`; objections are accepted in
    between. Publication turns the finalists into winners or not selected, once.
    """

    edition = models.OneToOneField(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="publication"
    )
    notice_opens_at = models.DateTimeField(_("notice opens"))
    notice_closes_at = models.DateTimeField(_("notice closes"))
    notice_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notice opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Codes of proposed winners taken off the list after an upheld objection.
    removed = models.JSONField(_("removed proposed winners"), default=list, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notice_closes_at__gt=models.F("notice_opens_at")),
                name="notice_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return f"{self.edition} publication"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


def objection_upload_to(instance, filename: str) -> str:
    """A generated path: never the objector's file name (kept in file_name)."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    suffix = "".join(ch for ch in suffix if ch.isascii() and ch.isalnum())[:10]
    return f"objections/{uuid.uuid4().hex}" + (f".{suffix}" if suffix else "")


def generate_reference() -> str:
    """The reference an objector quotes, e.g. "OBJ-7KQX-3MFA"."""
    return "OBJ-" + "-".join(
        "".join(secrets.choice(TRACKER_ALPHABET) for _ in range(4)) for _ in range(2)
    )


class Objection(TimeStampedModel):
    """An objection filed by anyone during the public notice, and how the organisers resolved it."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("objection", "Awaiting resolution")
        UPHELD = "upheld", pgettext_lazy("objection", "Upheld")
        DISMISSED = "dismissed", pgettext_lazy("objection", "Dismissed")

    class Consequence(models.TextChoices):
        REMOVED = "removed", pgettext_lazy("objection", "Removed from the winners")
        KEPT = "kept", pgettext_lazy("objection", "Stays a winner, with reasons")

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, default=generate_reference, editable=False
    )
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="objections"
    )
    # The proposed winner objected to; empty for an objection to the notice as a whole.
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("technology objected to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    reason = models.TextField(_("reason"), max_length=5000)
    file = models.FileField(_("supporting file"), upload_to=objection_upload_to, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    # Taken when the file is stored; the storage scrub (core/integrity.py) compares against them.
    file_size = models.BigIntegerField(_("size"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    state = models.CharField(
        pgettext_lazy("objection", "state"),
        max_length=10,
        choices=State.choices,
        default=State.PENDING,
    )
    resolution = models.TextField(_("reasoning of the resolution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # What an upheld objection against a proposed winner changes: the technology leaves the
    # winners, or stays with written reasons. Until one is recorded the results cannot be
    # published (publication.services.publish).
    consequence = models.CharField(
        _("consequence"),
        max_length=10,
        choices=Consequence.choices,
        blank=True,
        default="",
    )
    consequence_reasons = models.TextField(_("reasons for the consequence"), blank=True)
    consequence_at = models.DateTimeField(_("consequence recorded"), null=True, blank=True)
    consequence_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consequence recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["edition", "-created_at"]
        indexes = [models.Index(fields=["edition", "state"], name="objection_edition_state")]
        constraints = [
            # A consequence follows only an upheld objection against a technology, and never
            # without its reasons: the database refuses one written any other way.
            models.CheckConstraint(
                condition=models.Q(consequence="")
                | (
                    models.Q(state="upheld", nomination__isnull=False)
                    & ~models.Q(consequence_reasons="")
                ),
                name="objection_consequence_has_reasons",
            ),
        ]

    def __str__(self):
        return self.reference


class PlaceDecision(TimeStampedModel):
    """What the committee decided about places a certified round did not fill, or places freed
    by an upheld objection: leave them vacant, or hold one vacancy run-off for them.

    Written by `voting.runoffs`; shown on the round, the notice and the published results.
    """

    class Cause(models.TextChoices):
        UNFILLED = "unfilled", pgettext_lazy("place decision", "Places the round left unfilled")
        FREED = "freed", pgettext_lazy("place decision", "Places freed by an upheld objection")

    class Decision(models.TextChoices):
        VACANT = "vacant", pgettext_lazy("place decision", "Leave vacant")
        RUNOFF = "runoff", pgettext_lazy("place decision", "Hold a vacancy run-off")

    round = models.ForeignKey(
        BallotRound,
        verbose_name=pgettext_lazy("ballot round", "round"),
        on_delete=models.PROTECT,
        related_name="place_decisions",
    )
    cause = models.CharField(_("cause"), max_length=10, choices=Cause.choices)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    # The vacancy run-off held for these places (set when it opens).
    runoff = models.OneToOneField(
        BallotRound,
        verbose_name=_("vacancy run-off"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="place_decision",
    )
    # A technology that wins a run-off certified after the public notice opened gets its own
    # notice (with objections) until this moment; the results wait for it.
    own_notice_closes_at = models.DateTimeField(_("own notice closes"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision on places")
        verbose_name_plural = _("decisions on places")
        ordering = ["round", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(places__gte=1), name="place_decision_places"),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="place_decision_has_reason"
            ),
            models.CheckConstraint(
                condition=models.Q(decision="runoff") | models.Q(runoff__isnull=True),
                name="place_decision_runoff_only_when_decided",
            ),
            # Places a round left unfilled are decided once.
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(cause="unfilled"),
                name="one_unfilled_decision_per_round",
            ),
        ]

    def __str__(self):
        return f"{self.round} {self.cause} {self.places} {self.decision}"
