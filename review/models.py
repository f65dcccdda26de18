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
