from django.urls import path

from .views import attachments, edit, nominator, organiser, public, recommendations

app_name = "submissions"

urlpatterns = [
    path("", public.home, name="home"),
    path("criteria/", public.criteria, name="criteria"),
    path("channels/", public.channels, name="channels"),
    path("calendar/", public.calendar, name="calendar"),
    path("faq/", public.faq, name="faq"),
    path("contact/", public.contact, name="contact"),
    # The nominating organisation's pages.
    path("my/organisation/", nominator.organisation_profile, name="organisation_profile"),
    path("my/nominations/", nominator.nomination_list, name="nomination_list"),
    path("my/nominations/new/", nominator.nomination_create, name="nomination_create"),
    path("my/nominations/<slug:code>/", nominator.nomination_detail, name="nomination_detail"),
    path("my/nominations/<slug:code>/edit/", edit.nomination_edit, name="nomination_edit"),
    path(
        "my/nominations/<slug:code>/autosave/",
        edit.nomination_autosave,
        name="nomination_autosave",
    ),
    path(
        "my/nominations/<slug:code>/submit/", nominator.nomination_submit, name="nomination_submit"
    ),
    path(
        "my/nominations/<slug:code>/withdraw/",
        nominator.nomination_withdraw,
        name="nomination_withdraw",
    ),
    # Materials: upload, link, remove (the owner, while editable); download and the printable
    # form (owner organisation or organiser; everyone else 404).
    path(
        "my/nominations/<slug:code>/materials/<slug:kind>/upload/",
        attachments.upload,
        name="attachment_upload",
    ),
    path(
        "my/nominations/<slug:code>/materials/video-link/",
        attachments.video_link,
        name="attachment_video_link",
    ),
    path(
        "my/nominations/<slug:code>/materials/<int:pk>/remove/",
        attachments.remove,
        name="attachment_remove",
    ),
    path(
        "nominations/<slug:code>/materials/<int:pk>/download/",
        attachments.download,
        name="attachment_download",
    ),
    path(
        "nominations/<slug:code>/recommendation-form.pdf",
        attachments.recommendation_form,
        name="recommendation_form_pdf",
    ),
    # The secretariat: formal check and its own recommendations.
    path("organiser/formal-check/", organiser.formalcheck_queue, name="formalcheck_queue"),
    path("organiser/formal-check/bulk/", organiser.formalcheck_bulk, name="formalcheck_bulk"),
    path(
        "organiser/formal-check/export.<str:fmt>",
        organiser.formalcheck_export,
        name="formalcheck_export",
    ),
    path(
        "organiser/formal-check/<slug:code>/",
        organiser.formalcheck_detail,
        name="formalcheck_detail",
    ),
    path(
        "organiser/recommend/",
        organiser.secretariat_nomination_create,
        name="secretariat_nomination_create",
    ),
    path(
        "organiser/recommend/<slug:code>/edit/",
        edit.secretariat_nomination_edit,
        name="secretariat_nomination_edit",
    ),
    path(
        "organiser/recommend/<slug:code>/autosave/",
        edit.secretariat_nomination_autosave,
        name="secretariat_nomination_autosave",
    ),
    path(
        "organiser/recommend/<slug:code>/submit/",
        organiser.secretariat_submit,
        name="secretariat_submit",
    ),
    path("organiser/invitations/", organiser.invitation_list, name="invitation_list"),
    path(
        "invitations/<str:token>/",
        recommendations.invitation_accept,
        name="invitation_accept",
    ),
    # The committee expert's recommendations.
    path(
        "expert/recommendations/",
        recommendations.expert_recommendations,
        name="expert_recommendations",
    ),
    path("expert/recommendations/new/", recommendations.expert_recommend, name="expert_recommend"),
    path(
        "expert/recommendations/<slug:code>/",
        recommendations.expert_recommendation,
        name="expert_recommendation",
    ),
    path(
        "expert/recommendations/<slug:code>/edit/",
        edit.expert_recommendation_edit,
        name="expert_recommendation_edit",
    ),
    path(
        "expert/recommendations/<slug:code>/autosave/",
        edit.expert_recommendation_autosave,
        name="expert_recommendation_autosave",
    ),
    path(
        "expert/recommendations/<slug:code>/submit/",
        recommendations.expert_recommendation_submit,
        name="expert_recommendation_submit",
    ),
]
