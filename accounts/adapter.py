from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse, translate_url


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # After sign-in, pages follow the language the person chose for themselves.
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", None)
        return translate_url(url, language) if language else url

    def get_email_verification_redirect_url(self, email_address):
        return reverse("accounts:dashboard")
