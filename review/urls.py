from django.urls import path

from .views import bidding, declarations, invitations, organiser

app_name = "review"

urlpatterns = [
    # The secretariat: the committee.
    path("committee/", organiser.committee_list, name="committee_list"),
    path("committee/import/", organiser.committee_import, name="committee_import"),
    path(
        "committee/import/preview/",
        organiser.committee_import_preview,
        name="committee_import_preview",
    ),
    path("committee/invite/", organiser.committee_invite, name="committee_invite"),
    path("committee/<int:expert_id>/", organiser.committee_detail, name="committee_detail"),
    # The secretariat: conflicts of interest.
    path("conflicts/", organiser.conflict_list, name="conflict_list"),
    path("conflicts/refresh/", organiser.conflicts_refresh, name="conflicts_refresh"),
    path(
        "conflicts/entry/<slug:code>/",
        organiser.conflict_nomination,
        name="conflict_nomination",
    ),
    path("conflicts/<int:conflict_id>/delete/", organiser.conflict_delete, name="conflict_delete"),
    # The secretariat: the assignment.
    path("assignment/", organiser.assignment_overview, name="assignment_overview"),
    path(
        "assignment/runs/<int:run_id>/",
        organiser.assignment_run_status,
        name="assignment_run_status",
    ),
    path(
        "assignment/pair/<slug:code>/<int:expert_id>/",
        organiser.assignment_pair,
        name="assignment_pair",
    ),
    path("bidding/", bidding.bidding_overview, name="bidding_overview"),
    path("assignment/settings/", bidding.assignment_settings_view, name="assignment_settings"),
    path("assignment/quality/", bidding.assignment_quality, name="assignment_quality"),
    # The expert.
    path("profile/", bidding.profile, name="profile"),
    path("bids/", bidding.bid_list, name="bid_list"),
    path("bids/<slug:code>/", bidding.bid_set, name="bid_set"),
    path("bids/<slug:code>/conflict/", bidding.bid_conflict, name="bid_conflict"),
    path("declarations/", declarations.declare, name="declare"),
    path("invitation/<str:uidb64>/<str:token>/", invitations.accept, name="invitation_accept"),
]
