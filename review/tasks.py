"""Background work of the evaluation: thin, idempotent, retried."""

from celery import shared_task
from django.conf import settings

from core.emails import queue_email


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_expert_invitation(self, expert_id: int, base_url: str = "") -> bool:
    """E-mail one expert the one-time link, in the expert's language."""
    from .models import Expert
    from .tokens import encode_uid, invitation_tokens

    expert = Expert.objects.select_related("user", "edition").filter(pk=expert_id).first()
    if expert is None or expert.accepted_at is not None:
        return False
    user = expert.user
    queue_email(
        name="expert_invitation",
        to=[user.email],
        context={
            "expert": expert,
            "recipient": user,
            "uid": encode_uid(user),
            "token": invitation_tokens.make_token(user),
            "portal_url": base_url or getattr(settings, "PORTAL_URL", ""),
        },
        language=user.preferred_language,
    )
    return True


@shared_task
def run_assignment(run_id: int) -> str:
    """Run one queued assignment; a run already finished or under way is left alone."""
    from .models import AssignmentRun
    from .services import execute_assignment_run

    run = AssignmentRun.objects.select_related("edition", "started_by").filter(pk=run_id).first()
    if run is None or run.state != AssignmentRun.State.QUEUED:
        return "skipped"
    return execute_assignment_run(run=run).state
