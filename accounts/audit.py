"""The audit trail of changes people make to their own sign-in on allauth's pages.

allauth owns these pages and announces each change only by its signals, so listening to them
is the one place to audit them: a password set, changed or reset, an e-mail address changed,
an authenticator added, removed or its recovery codes renewed. (Changes made by superusers in
the admin are audited by accounts/admin.py.)
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from core.services import record_event

ACCOUNT_EVENTS = {
    "password_set": account_signals.password_set,
    "password_changed": account_signals.password_changed,
    "password_reset": account_signals.password_reset,
    "email_changed": account_signals.email_changed,
}
MFA_EVENTS = {
    "authenticator_added": mfa_signals.authenticator_added,
    "authenticator_removed": mfa_signals.authenticator_removed,
    "authenticator_reset": mfa_signals.authenticator_reset,
}


def _account_receiver(event: str):
    def receive(sender, request=None, user=None, **kwargs):
        record_event(actor=user, action=f"accounts.{event}", obj=user)

    return receive


def _mfa_receiver(event: str):
    def receive(sender, request=None, user=None, authenticator=None, **kwargs):
        details = {"type": authenticator.type} if authenticator is not None else {}
        record_event(actor=user, action=f"accounts.{event}", obj=user, details=details)

    return receive


def connect() -> None:
    for event, signal in ACCOUNT_EVENTS.items():
        signal.connect(_account_receiver(event), weak=False, dispatch_uid=f"accounts.{event}")
    for event, signal in MFA_EVENTS.items():
        signal.connect(_mfa_receiver(event), weak=False, dispatch_uid=f"accounts.{event}")
