"""Automatic conflicts of interest: pure rules over plain facts, no database.

An expert is conflicted with a nomination when
- the expert's organisation is the nominating organisation or a completing organisation
  (the registered organisation, or a match of names in either language);
- the expert's e-mail domain is the e-mail domain of one of those organisations;
- the expert recommended the nomination.

The rules are deliberately generous: a false conflict costs one reviewer, a missed one costs
the selection its fairness.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Kinds of automatic conflict; the stored reason starts with the kind (see `reason_text`).
SAME_ORGANISATION = "same_organisation"
SAME_EMAIL_DOMAIN = "same_email_domain"
RECOMMENDED = "recommended"

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_name(name: str) -> str:
    """Names compared without case, width, spaces or punctuation."""
    name = unicodedata.normalize("NFKC", name or "").casefold()
    return _PUNCTUATION.sub("", name)


def _domain_matches(email_domain: str, organisation_domain: str) -> bool:
    """The same domain, or a subdomain of it (mail.example.cn is at example.cn)."""
    email_domain = (email_domain or "").strip().lower().lstrip("@")
    organisation_domain = (organisation_domain or "").strip().lower().lstrip("@")
    if not email_domain or not organisation_domain:
        return False
    return email_domain == organisation_domain or email_domain.endswith("." + organisation_domain)


@dataclass(frozen=True)
class OrganisationFacts:
    id: int | None  # the registered organisation, if any
    names: tuple[str, ...]  # names in both languages
    email_domain: str = ""


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    user_id: int
    email: str
    organisation: OrganisationFacts | None = None
    affiliation_names: tuple[str, ...] = ()

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower() if "@" in self.email else ""


@dataclass(frozen=True)
class NominationFacts:
    id: int
    nominating: OrganisationFacts
    completing: tuple[OrganisationFacts, ...] = ()
    recommender_user_id: int | None = None


@dataclass(frozen=True)
class AutomaticConflict:
    expert_id: int
    nomination_id: int
    kind: str
    detail: str = ""

    @property
    def reason(self) -> str:
        """The stored reason: the kind, then what matched (shown translated by reason_text)."""
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


@dataclass
class _ExpertKeys:
    organisation_id: int | None
    names: set[str] = field(default_factory=set)
    email_domain: str = ""


def _expert_keys(expert: ExpertFacts) -> _ExpertKeys:
    names = {normalise_name(n) for n in expert.affiliation_names}
    organisation_id = None
    if expert.organisation is not None:
        organisation_id = expert.organisation.id
        names |= {normalise_name(n) for n in expert.organisation.names}
    names.discard("")
    return _ExpertKeys(organisation_id, names, expert.email_domain)


def _organisation_label(organisation: OrganisationFacts) -> str:
    return " / ".join(dict.fromkeys(n for n in organisation.names if n))


def conflicts_between(expert: ExpertFacts, nomination: NominationFacts) -> list[AutomaticConflict]:
    """Every automatic conflict of one expert with one nomination (at most one per kind)."""
    keys = _expert_keys(expert)
    found: dict[str, AutomaticConflict] = {}
    if nomination.recommender_user_id is not None and (
        nomination.recommender_user_id == expert.user_id
    ):
        found[RECOMMENDED] = AutomaticConflict(expert.id, nomination.id, RECOMMENDED)
    for organisation in (nomination.nominating, *nomination.completing):
        same_id = organisation.id is not None and organisation.id == keys.organisation_id
        names = {normalise_name(n) for n in organisation.names} - {""}
        if SAME_ORGANISATION not in found and (same_id or names & keys.names):
            found[SAME_ORGANISATION] = AutomaticConflict(
                expert.id, nomination.id, SAME_ORGANISATION, _organisation_label(organisation)
            )
        if SAME_EMAIL_DOMAIN not in found and _domain_matches(
            keys.email_domain, organisation.email_domain
        ):
            found[SAME_EMAIL_DOMAIN] = AutomaticConflict(
                expert.id,
                nomination.id,
                SAME_EMAIL_DOMAIN,
                organisation.email_domain.strip().lower(),
            )
    return list(found.values())


_KIND_ORDER = {RECOMMENDED: 0, SAME_ORGANISATION: 1, SAME_EMAIL_DOMAIN: 2}


def automatic_conflicts(
    experts: list[ExpertFacts], nominations: list[NominationFacts]
) -> dict[tuple[int, int], list[AutomaticConflict]]:
    """The automatically conflicted (expert id, nomination id) pairs, each with its reasons."""
    result: dict[tuple[int, int], list[AutomaticConflict]] = {}
    for nomination in nominations:
        for expert in experts:
            found = conflicts_between(expert, nomination)
            if found:
                found.sort(key=lambda c: _KIND_ORDER[c.kind])
                result[(expert.id, nomination.id)] = found
    return result


def combined_reason(found: list[AutomaticConflict]) -> str:
    """The reasons of one pair as stored text, one per line."""
    return "\n".join(conflict.reason for conflict in found)


def parse_reason(reason: str) -> list[tuple[str, str]]:
    """Stored automatic reasons back into (kind, detail) pairs; unknown lines keep kind ''."""
    parsed = []
    for line in (reason or "").splitlines():
        kind, _sep, detail = line.partition(": ")
        if kind in _KIND_ORDER:
            parsed.append((kind, detail))
        else:
            parsed.append(("", line))
    return parsed


def automatic_reason(kind: str, detail: str) -> str:
    """One automatic reason as a sentence in the active language."""
    if kind == SAME_ORGANISATION:
        return _("Same organisation: %(organisation)s") % {"organisation": detail}
    if kind == SAME_EMAIL_DOMAIN:
        return _("E-mail address at the organisation's domain %(domain)s") % {"domain": detail}
    if kind == RECOMMENDED:
        return _("The expert recommended this entry")
    return detail
