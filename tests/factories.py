"""factory-boy factories. Every paired field is filled in both languages."""

from datetime import timedelta

import factory
from django.utils import timezone

from submissions.models import Category, Direction, Edition, StageWindow
from submissions.stages import Stage

# --- submissions ----------------------------------------------------------------------------


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ("year",)

    year = factory.Sequence(lambda n: 2030 + n)
    name_zh = factory.LazyAttribute(lambda o: f"{o.year}年全球新能源汽车前沿及创新技术征集评选")
    name_en = factory.LazyAttribute(
        lambda o: f"{o.year} Global NEVs Cutting-edge & Innovative Technologies Selection"
    )
    is_current = False
    committee_size = 31


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(EditionFactory)
    code = Category.Code.CUTTING_EDGE
    name_zh = factory.LazyAttribute(
        lambda o: "前沿技术" if o.code == Category.Code.CUTTING_EDGE else "创新技术"
    )
    name_en = factory.LazyAttribute(
        lambda o: (
            "Cutting-edge technology"
            if o.code == Category.Code.CUTTING_EDGE
            else "Innovative technology"
        )
    )
    criteria_zh = "前瞻性、引领性、颠覆性和发展前景。"
    criteria_en = "Forward-looking, leading, disruptive, with development prospects."
    winners_quota = 8
    shortlist_size = 16


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"direction-{n}")
    name_zh = factory.Sequence(lambda n: f"技术方向{n}")
    name_en = factory.Sequence(lambda n: f"Direction {n}")
    position = factory.Sequence(lambda n: n)


class StageWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageWindow

    edition = factory.SubFactory(EditionFactory)
    stage = Stage.COLLECTION
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda o: o.opens_at + timedelta(days=30))


# --- accounts -------------------------------------------------------------------------------

PASSWORD = "Selection-2026-password"  # the one password every test user has


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Organisation"

    name_zh = factory.Sequence(lambda n: f"新能源研究院{n}")
    name_en = factory.Sequence(lambda n: f"New Energy Institute {n}")
    kind = "institute"
    country = "中国 China"
    email_domain = factory.Sequence(lambda n: f"institute{n}.example.cn")


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified e-mail address, signed in with PASSWORD.

    UserFactory(roles=["expert"]) puts the person into role groups; organisers are staff.
    """

    class Meta:
        model = "accounts.User"
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    preferred_language = "zh-hans"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not (create and extracted):
            return
        from django.contrib.auth.models import Group

        # get_or_create: transactional tests flush the groups that migrate made.
        self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))
        if "organiser" in extracted:
            self.is_staff = True
            self.save(update_fields=["is_staff"])


# --- nominations ----------------------------------------------------------------------------


class NominationFactory(factory.django.DjangoModelFactory):
    """A complete-text draft in both languages, of an open window's edition by default.

    It has no attachments and declarations: add them with AttachmentFactory and
    DeclarationFactory (or `complete_nomination(nomination)` in tests/submissions).
    """

    class Meta:
        model = "submissions.Nomination"

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"T{n:05d}")
    channel = "open"
    # The edition's own cutting-edge category and first direction, made when missing.
    category = factory.LazyAttribute(
        lambda o: (
            o.edition.categories.filter(code=Category.Code.CUTTING_EDGE).first()
            or CategoryFactory(edition=o.edition)
        )
    )
    direction = factory.LazyAttribute(
        lambda o: o.edition.directions.first() or DirectionFactory(edition=o.edition)
    )
    organisation = factory.SubFactory(OrganisationFactory)
    created_by = None
    title_zh = factory.Sequence(lambda n: f"固态电池界面稳定技术{n}")
    title_en = factory.Sequence(lambda n: f"Solid-state battery interface stabilisation {n}")
    summary_zh = "通过原位聚合界面层抑制锂枝晶，提高固态电池循环寿命。"
    summary_en = "An in-situ polymerised interlayer suppresses lithium dendrites in solid cells."
    description_zh = "本技术在正负极与固态电解质之间形成柔性界面层。"
    description_en = "A flexible interlayer forms between the electrodes and the solid electrolyte."
    innovations_zh = "原位聚合工艺；低界面阻抗。"
    innovations_en = "In-situ polymerisation; low interfacial resistance."
    indicators_zh = "循环寿命 2000 次，容量保持率 90%。"
    indicators_en = "2,000 cycles at 90% capacity retention."
    application_zh = "已在样车上完成验证。"
    application_en = "Validated in prototype vehicles."
    trl = 3
    application_status = "prototype"
    state = "draft"


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.Declaration"

    nomination = factory.SubFactory(NominationFactory)
    kind = "voluntary"
    made_by = None
    made_at = factory.LazyFunction(timezone.now)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.Attachment"

    nomination = factory.SubFactory(NominationFactory)
    kind = "technical_report"
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "report.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = ""
    version = 1
    is_current = True


class StateChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "submissions.StateChange"

    nomination = factory.SubFactory(NominationFactory)
    from_state = ""
    to_state = "draft"
    at = factory.LazyFunction(timezone.now)
