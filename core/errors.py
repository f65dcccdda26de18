"""Error pages that keep the portal's layout and language.

Django's own CSRF failure view renders its template without the request, so the page could not
show the navigation, the language switcher or the signed-in user; this one renders with it.
"""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    # The reason is for developers (it names cookies and headers); the page explains in words.
    return render(request, "403_csrf.html", status=403)


class Refused(Exception):
    """An action the rules refuse, with a message for the person who tried it, already in
    their language. Each app's error (NominationError, ReviewError, ScoringError, BallotError,
    PublicationError, ArchiveError, OrganisationRefused) subclasses it; a view catches Refused
    where it shows the message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
