from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from parkos.accounts.api import views as accounts_api
from parkos.portal import views as portal_views
from parkos.portal.sitemaps import SITEMAPS
from parkos.web import views as web_views

api_patterns: list[URLPattern | URLResolver] = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("accounts/me/", accounts_api.MeView.as_view(), name="me"),
    path("accounts/token/", accounts_api.TokenView.as_view(), name="token"),
    path("accounts/logout/", accounts_api.LogoutView.as_view(), name="logout"),
    path("parks/", include("parkos.parks.api.urls")),
    path("enterprises/", include("parkos.enterprises.api.urls")),
    path("statistics/", include("parkos.statistics.api.urls")),
    path("leasing/", include("parkos.leasing.api.urls")),
    path("investment/", include("parkos.investment.api.urls")),
    path("innovation/", include("parkos.innovation.api.urls")),
    path("monitoring/", include("parkos.monitoring.api.urls")),
    path("incubation/", include("parkos.incubation.api.urls")),
    path("community/", include("parkos.community.api.urls")),
    path("billing/", include("parkos.billing.api.urls")),
]

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("metrics", web_views.metrics, name="metrics"),
    path("favicon.ico", web_views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("accounts/", include("parkos.accounts.urls")),
    path("parks/", include("parkos.parks.urls")),
    path("enterprises/", include("parkos.enterprises.urls")),
    path("statistics/", include("parkos.statistics.urls")),
    path("leasing/", include("parkos.leasing.urls")),
    path("innovation/", include("parkos.innovation.urls")),
    path("monitoring/", include("parkos.monitoring.urls")),
    path("incubation/", include("parkos.incubation.urls")),
    path("community/", include("parkos.community.urls")),
    path("billing/", include("parkos.billing.urls")),
    path("portal/", include("parkos.portal.urls")),
    # investment/… for officers and the public requirement form at requirement/.
    path("", include("parkos.investment.urls")),
    # Public events, job board and fairs (framed by the portal): events/…, jobs/…, fairs/….
    path("", include("parkos.community.public_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", portal_views.robots_txt, name="robots_txt"),
    path("", include("parkos.web.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "parkos.web.errors.permission_denied"
handler404 = "parkos.web.errors.page_not_found"
handler500 = "parkos.web.errors.server_error"
