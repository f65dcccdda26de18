"""One refusal: every app's error is a core.errors.Refused carrying its translated message."""

import pytest

from archives.services import ArchiveError
from core.errors import Refused
from publication.services import PublicationError
from review.services import ReviewError
from scoring.services import ReviewClosed, ScoringError
from submissions.services import NominationError
from voting.services import BallotError


@pytest.mark.parametrize(
    "error",
    [ArchiveError, BallotError, NominationError, PublicationError, ReviewError, ScoringError],
)
def test_each_apps_error_is_a_refusal_with_its_message(error):
    refused = error("Not now.")

    assert isinstance(refused, Refused)
    assert (refused.message, str(refused)) == ("Not now.", "Not now.")


def test_a_specific_refusal_is_caught_as_refused():
    with pytest.raises(Refused) as caught:
        raise ReviewClosed("The review window has closed.")

    assert caught.value.message == "The review window has closed."
