"""The committee and its evaluation of nominations."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import localized
from core.models import TimeStampedModel
from submissions.models import Category, Direction, Edition, Nomination


class Expert(TimeStampedModel):
    """A member of an edition's Science and Technology Committee."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="experts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="expert_memberships",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    affiliation_zh = models.CharField(_("affiliation (Chinese)"), max_length=200)
    affiliation_en = models.CharField(_("affiliation (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=100, blank=True)
    directions = models.ManyToManyField(
        Direction, verbose_name=_("directions of expertise"), blank=True, related_name="experts"
    )
    # The affiliation as a registered organisation, when there is one: automatic conflicts
    # compare it with the nominating and completing organisations.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experts",
    )
    # The expert's own words about what they know, compared with the entries' texts by the
    # assignment (review/text_affinity.py); either language or both, all optional.
    statement_zh = models.TextField(_("statement of expertise (Chinese)"), blank=True)
    statement_en = models.TextField(_("statement of expertise (English)"), blank=True)
    keywords_zh = models.CharField(_("keywords (Chinese)"), max_length=500, blank=True)
    keywords_en = models.CharField(_("keywords (English)"), max_length=500, blank=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    # Set when the expert first sets a password from the invitation link.
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee expert")
        verbose_name_plural = _("committee experts")
        ordering = ["edition", "name_en"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="one_membership_per_edition")
        ]

    def __str__(self):
        return localized(self, "name")


class Conflict(models.Model):
    """An expert who must not judge a nomination: never shown it, never assigned, recused."""

    class Source(models.TextChoices):
        AUTOMATIC = "automatic", pgettext_lazy("conflict source", "Automatic")
        DECLARED = "declared", pgettext_lazy("conflict source", "Declared by the expert")
        ORGANISER = "organiser", pgettext_lazy("conflict source", "Entered by the secretariat")

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="conflicts"
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["nomination", "expert", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "nomination", "source"], name="one_conflict_per_source"
            )
        ]
        # Recusal and the 404 checks ask "who is conflicted with this nomination?".
        indexes = [models.Index(fields=["nomination"], name="conflict_nomination")]

    def __str__(self):
        return f"{self.expert_id}×{self.nomination_id} {self.source}"


class PairRule(models.Model):
    """An organiser's decision about one expert–nomination pair, kept across re-runs."""

    class Kind(models.TextChoices):
        PIN = "pin", pgettext_lazy("pair rule", "Pinned")
        FORBID = "forbid", pgettext_lazy("pair rule", "Forbidden")

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="pair_rules"
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="pair_rules",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("pinned or forbidden pair")
        verbose_name_plural = _("pinned and forbidden pairs")
        ordering = ["nomination", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "nomination"], name="one_rule_per_pair")
        ]

    def __str__(self):
        return f"{self.expert_id}×{self.nomination_id} {self.kind}"


class Bid(models.Model):
    """An expert's preference for reviewing one entry; no row means neutral.

    Private to the expert and the secretariat. Never a conflict: an unwilling expert may still
    be assigned. The database refuses a bid on a conflicted pair and drops the pair's bid when a
    conflict is recorded (migration 0005), whoever writes.
    """

    class Preference(models.IntegerChoices):
        EAGER = 2, pgettext_lazy("bid", "Eager")
        WILLING = 1, pgettext_lazy("bid", "Willing")
        NEUTRAL = 0, pgettext_lazy("bid", "Neutral")
        UNWILLING = -1, pgettext_lazy("bid", "Unwilling")

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="bids"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="bids"
    )
    preference = models.SmallIntegerField(pgettext_lazy("bid", "preference"), choices=Preference)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reviewer preference")
        verbose_name_plural = _("reviewer preferences")
        ordering = ["expert", "nomination"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "nomination"], name="one_bid_per_pair"),
            # Neutral is the absence of a row, so the table holds only real preferences.
            models.CheckConstraint(
                condition=models.Q(preference__in=[2, 1, -1]), name="bid_preference_known"
            ),
        ]

    def __str__(self):
        return f"{self.expert_id}×{self.nomination_id} {self.preference}"


class AssignmentSettings(models.Model):
    """The organisers' weights for the assignment's affinity; documented defaults.

    affinity = direction_weight × (1 if the expert's directions include the entry's)
             + text_weight × (text similarity of statement and entry, 0–1)
             + bid_weight × (eager 1, willing 0.5, neutral 0, unwilling −1)
    An expert "knows the field" of an entry when the first two terms reach `strong_threshold`;
    the assignment first gives as many entries as it can `strong_minimum` such experts.

    Defaults (measured on the demo edition with `manage.py assignment_quality`): direction 1,
    text 0.6, preference 0.2, threshold 1.2, 2 experts. With them "knows the field" means the
    right direction and a statement that fits (text at least 1/3 of the edition's closest
    matches); text alone cannot outweigh a direction match, so the direction-match coverage of
    the demo does not drop against the direction-only assignment, while the share of reviewers
    in each entry's top quarter by text rises.
    """

    edition = models.OneToOneField(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="assignment_settings",
    )
    direction_weight = models.DecimalField(
        _("weight of a direction match"), max_digits=5, decimal_places=2, default=Decimal("1.00")
    )
    text_weight = models.DecimalField(
        _("weight of text similarity"), max_digits=5, decimal_places=2, default=Decimal("0.60")
    )
    bid_weight = models.DecimalField(
        _("weight of the expert's preference"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.20"),
    )
    strong_threshold = models.DecimalField(
        _("affinity of an expert who knows the field"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.20"),
    )
    strong_minimum = models.PositiveSmallIntegerField(
        _("experts who know the field, per entry"), default=2
    )

    class Meta:
        verbose_name = _("assignment settings")
        verbose_name_plural = _("assignment settings")
        constraints = [
            # A preference nudges; it never outweighs what an expert knows.
            models.CheckConstraint(
                condition=models.Q(
                    bid_weight__gte=0,
                    bid_weight__lt=models.F("direction_weight"),
                    text_weight__gt=models.F("bid_weight"),
                ),
                name="bid_weighs_less_than_expertise",
            ),
            models.CheckConstraint(
                condition=models.Q(strong_threshold__gt=0), name="strong_threshold_positive"
            ),
        ]

    def __str__(self):
        return f"{self.edition} assignment settings"


class Assignment(models.Model):
    """An expert asked to review a nomination in the preliminary evaluation."""

    class Source(models.TextChoices):
        SOLVER = "solver", pgettext_lazy("assignment source", "Solver")
        PINNED = "pinned", pgettext_lazy("assignment source", "Pinned")
        MANUAL = "manual", pgettext_lazy("assignment source", "Manual")

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="assignments"
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.SOLVER
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["nomination", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "nomination"], name="one_assignment_per_pair")
        ]
        indexes = [
            # The expert's dashboard and the organiser's per-entry views.
            models.Index(fields=["expert"], name="assignment_expert"),
            models.Index(fields=["nomination"], name="assignment_nomination"),
        ]

    def __str__(self):
        return f"{self.expert_id}×{self.nomination_id}"


class AssignmentRun(models.Model):
    """One run of the assignment solver, as a background task the organiser can follow."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("assignment run", "Queued")
        RUNNING = "running", pgettext_lazy("assignment run", "Running")
        DONE = "done", pgettext_lazy("assignment run", "Done")
        FAILED = "failed", pgettext_lazy("assignment run", "Failed")

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="assignment_runs",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        pgettext_lazy("assignment run", "state"),
        max_length=10,
        choices=State.choices,
        default=State.QUEUED,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)]
    )
    per_entry = models.PositiveSmallIntegerField(_("experts per entry"))
    min_load = models.PositiveIntegerField(_("minimum load"), null=True, blank=True)
    max_load = models.PositiveIntegerField(_("maximum load"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.edition} {self.created_at:%Y-%m-%d %H:%M} {self.state}"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}


class Criterion(models.Model):
    """One criterion of a category's score form, with its weight and anchored 1–10 scale."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # Descriptions of points of the scale: {"1": {"zh": …, "en": …}, …, "10": {…}}; a few
    # anchor points are enough.
    anchors = models.JSONField(_("anchored descriptions"), default=dict, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["category", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="one_criterion_per_code")
        ]

    def __str__(self):
        return localized(self, "name")


class Review(models.Model):
    """An assigned expert's evaluation of one nomination: draft until submitted."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("review state", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("review state", "Submitted")

    class Confidence(models.IntegerChoices):
        LOW = 1, pgettext_lazy("confidence", "Low")
        MEDIUM = 2, pgettext_lazy("confidence", "Medium")
        HIGH = 3, pgettext_lazy("confidence", "High")

    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    state = models.CharField(
        pgettext_lazy("review state", "state"),
        max_length=10,
        choices=State.choices,
        default=State.DRAFT,
    )
    comment = models.TextField(_("comment to the committee"), blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"), choices=Confidence.choices, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic concurrency for the autosaving form: an edit based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["assignment"]

    def __str__(self):
        return f"{self.assignment} {self.state}"


class CriterionScore(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        pgettext_lazy("evaluation", "score"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["review", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=10), name="score_between_1_and_10"
            ),
        ]

    def __str__(self):
        return f"{self.review_id} {self.criterion_id} {self.score}"
