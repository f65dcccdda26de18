"""The expert's one-time invitation link: set a password, sign in, then set up TOTP."""

from allauth.account.internal.flows.login import record_authentication
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..models import Expert
from ..services import accept_invitation
from ..tokens import decode_uid, invitation_tokens


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request, uidb64, token):
    User = get_user_model()
    uid = decode_uid(uidb64)
    user = User.objects.filter(pk=uid).first() if uid and uid.isdigit() else None
    valid = (
        user is not None
        and user.is_active
        and Expert.objects.filter(user=user).exists()
        and invitation_tokens.check_token(user, token)
    )
    if not valid:
        return render(request, "review/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept_invitation(user=user, password=form.cleaned_data["new_password1"])
        login(request, user, backend="accounts.backends.ModelBackend")
        # Choosing the password from the one-time link counts as signing in with it, so
        # allauth lets the expert set up TOTP without asking for the password again.
        record_authentication(request, user, method="password", email=user.email)
        # The expert's pages need TOTP; the middleware would send them there anyway.
        from django.contrib import messages

        messages.success(
            request,
            _(
                "Your password is set. Now protect your account with an authenticator app: "
                "scan the code below."
            ),
        )
        return redirect("mfa_activate_totp")
    return render(request, "review/invitation_accept.html", {"form": form, "invited": user})
