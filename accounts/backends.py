"""Signing in, and loading the signed-in person on each request with their roles.

Django loads `request.user` through the backend that signed the person in. Ours read the roles
in the same query (one EXISTS per role), so a request does not spend a second query on the
person's groups: `roles.role_names` finds them on the user.
"""

from allauth.account import auth_backends
from django.contrib.auth import backends, get_user_model

from . import roles


def _get_user_with_roles(backend, user_id):
    User = get_user_model()
    try:
        user = User._default_manager.annotate(**roles.held_role_annotations()).get(pk=user_id)
    except User.DoesNotExist:
        return None
    roles.remember_held_roles(user)
    return user if backend.user_can_authenticate(user) else None


class ModelBackend(backends.ModelBackend):
    """Django's: the admin's sign-in and the invitation link's."""

    def get_user(self, user_id):
        return _get_user_with_roles(self, user_id)


class AuthenticationBackend(auth_backends.AuthenticationBackend):
    """allauth's: the portal's sign-in by e-mail address."""

    def get_user(self, user_id):
        return _get_user_with_roles(self, user_id)
