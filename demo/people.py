"""The demo's accounts: the organiser, the committee experts and the nominating organisations.

Accounts are found by e-mail address and updated in place, so running the demo again neither
fails nor duplicates anyone. The password is hashed once and the hash reused: hashing is
deliberately slow, and the demo must be quick.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Organisation, User
from accounts.setup import ensure_role_groups
from review.models import Expert
from submissions.models import Edition

from . import content
from .expertise import write_statements


@dataclass
class DemoPeople:
    organiser: User
    experts: list[Expert] = field(default_factory=list)
    nominators: list[User] = field(default_factory=list)


def expert_profiles(count: int) -> list[content.ExpertProfile]:
    """The first `count` experts; beyond the written list, names are made from common parts."""
    profiles = list(content.EXPERTS[:count])
    institutions = [
        key for key in content.INSTITUTIONS if content.INSTITUTIONS[key].country == "China"
    ]
    directions = [profile.directions for profile in content.EXPERTS]
    for number in range(len(profiles), count):
        extra = number - len(content.EXPERTS)
        family_zh, family_en = content.EXTRA_FAMILY_NAMES[extra % len(content.EXTRA_FAMILY_NAMES)]
        given_zh, given_en = content.EXTRA_GIVEN_NAMES[
            (extra // len(content.EXTRA_FAMILY_NAMES) + extra) % len(content.EXTRA_GIVEN_NAMES)
        ]
        profiles.append(
            content.ExpertProfile(
                name_zh=family_zh + given_zh,
                name_en=f"{family_en} {given_en}",
                login=f"{family_en.lower()}.{given_en.lower()}.{number + 1}",
                institution=institutions[extra % len(institutions)],
                title="professor",
                directions=directions[extra % len(directions)],
            )
        )
    return profiles


def upsert_users(rows: list[dict], *, password_hash: str) -> dict[str, User]:
    """Create or update one user per row (keyed by e-mail), all with the same password hash."""
    emails = [row["email"] for row in rows]
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    new, changed = [], []
    fields = sorted({key for row in rows for key in row} - {"email"} | {"password", "is_active"})
    for row in rows:
        user = existing.get(row["email"]) or User(email=row["email"])
        for key, value in row.items():
            setattr(user, key, value)
        user.password = password_hash
        user.is_active = True
        (changed if user.pk else new).append(user)
    User.objects.bulk_create(new)
    User.objects.bulk_update(changed, fields)
    users = {user.email: user for user in User.objects.filter(email__in=emails)}

    # allauth lets nobody sign in before the address is verified: demo addresses are.
    verified = EmailAddress.objects.filter(user__in=users.values())
    verified.update(verified=True)
    known = set(verified.values_list("email", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=email, verified=True, primary=True)
        for email, user in users.items()
        if email not in known
    )
    return users


def add_to_group(users, group_name: str) -> None:
    group = Group.objects.get(name=group_name)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=user.pk, group_id=group.pk) for user in users],
        ignore_conflicts=True,
    )


def build_people(*, edition: Edition, expert_count: int) -> DemoPeople:
    ensure_role_groups()
    password_hash = make_password(content.DEMO_PASSWORD)

    organiser = upsert_users(
        [
            {
                "email": content.ORGANISER_EMAIL,
                "full_name": content.ORGANISER_NAME,
                "is_staff": True,
                "preferred_language": "zh-hans",
            }
        ],
        password_hash=password_hash,
    )[content.ORGANISER_EMAIL]
    add_to_group([organiser], roles.ORGANISER)

    people = DemoPeople(organiser=organiser)
    # Nominating organisations first: an expert working at one of them is linked to it, which
    # is what automatic conflicts compare.
    people.nominators = build_nominators(password_hash=password_hash)
    people.experts = build_experts(
        edition=edition, profiles=expert_profiles(expert_count), password_hash=password_hash
    )
    return people


def build_experts(
    *, edition: Edition, profiles: list[content.ExpertProfile], password_hash: str
) -> list[Expert]:
    def email(profile):
        return f"{profile.login}@{content.INSTITUTIONS[profile.institution].domain}"

    users = upsert_users(
        [
            {
                "email": email(profile),
                "full_name": profile.name_zh if profile.language == "zh-hans" else profile.name_en,
                "preferred_language": profile.language,
                "is_staff": False,
            }
            for profile in profiles
        ],
        password_hash=password_hash,
    )
    add_to_group(users.values(), roles.EXPERT)

    domains = {content.INSTITUTIONS[profile.institution].domain for profile in profiles}
    organisations = {
        o.email_domain: o for o in Organisation.objects.filter(email_domain__in=domains)
    }
    experts = []
    for profile in profiles:
        institution = content.INSTITUTIONS[profile.institution]
        title_zh, title_en = content.TITLES[profile.title]
        experts.append(
            Expert(
                edition=edition,
                user=users[email(profile)],
                name_zh=profile.name_zh,
                name_en=profile.name_en,
                affiliation_zh=institution.name_zh,
                affiliation_en=institution.name_en,
                title_zh=title_zh,
                title_en=title_en,
                organisation=organisations.get(institution.domain),
            )
        )
    Expert.objects.bulk_create(experts)
    experts = list(Expert.objects.filter(edition=edition).select_related("user"))

    directions = {direction.code: direction for direction in edition.directions.all()}
    by_user = {expert.user.email: expert for expert in experts}
    Expertise = Expert.directions.through
    Expertise.objects.bulk_create(
        Expertise(expert_id=by_user[email(profile)].pk, direction_id=directions[code].pk)
        for profile in profiles
        for code in profile.directions
    )
    ordered = [by_user[email(profile)] for profile in profiles]
    write_statements(ordered, [profile.directions for profile in profiles])
    return ordered


def build_nominators(*, password_hash: str) -> list[User]:
    """One organisation per nominator profile (found by its e-mail domain), one account each."""
    domains = [content.INSTITUTIONS[p.institution].domain for p in content.NOMINATORS]
    existing = {o.email_domain: o for o in Organisation.objects.filter(email_domain__in=domains)}
    new, changed = [], []
    for profile in content.NOMINATORS:
        institution = content.INSTITUTIONS[profile.institution]
        organisation = existing.get(institution.domain) or Organisation(
            email_domain=institution.domain
        )
        organisation.name_zh = institution.name_zh
        organisation.name_en = institution.name_en
        organisation.kind = institution.kind
        organisation.country = institution.country
        organisation.contact_name = (
            profile.contact_zh if institution.country == "China" else profile.contact_en
        )
        organisation.contact_phone = profile.phone
        organisation.contact_email = profile.email
        (changed if organisation.pk else new).append(organisation)
    Organisation.objects.bulk_create(new)
    Organisation.objects.bulk_update(
        changed,
        ["name_zh", "name_en", "kind", "country", "contact_name", "contact_phone", "contact_email"],
    )
    organisations = {
        o.email_domain: o for o in Organisation.objects.filter(email_domain__in=domains)
    }

    users = upsert_users(
        [
            {
                "email": profile.email,
                "full_name": organisations[
                    content.INSTITUTIONS[profile.institution].domain
                ].contact_name,
                "preferred_language": (
                    "zh-hans"
                    if content.INSTITUTIONS[profile.institution].country == "China"
                    else "en"
                ),
                "organisation": organisations[content.INSTITUTIONS[profile.institution].domain],
                "is_staff": False,
            }
            for profile in content.NOMINATORS
        ],
        password_hash=password_hash,
    )
    return [users[profile.email] for profile in content.NOMINATORS]
