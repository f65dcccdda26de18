from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.health import healthz
from core.views import favicon

# The admin signs in through allauth, so rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("WNEVC Selection Portal administration")
admin.site.site_title = _("WNEVC Selection Portal")
admin.site.index_title = _("Run the edition")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("publication.open_data_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("me/", include("portal.urls")),
    path("admin/", admin.site.urls),
    path("review/", include("review.urls")),
    path("review/", include("scoring.urls")),
    path("", include("publication.urls")),
    path("final/", include("voting.urls")),
    path("archives/", include("archives.urls")),
    path("", include("submissions.urls")),
    prefix_default_language=True,
)
