from django.http import HttpRequest, HttpResponse
from django.urls import path

from parkos import urls as parkos_urls


def bare(request: HttpRequest) -> HttpResponse:
    """The floor: a Django view that does nothing, behind the same middleware and server."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *parkos_urls.urlpatterns]
handler403 = parkos_urls.handler403
handler404 = parkos_urls.handler404
handler500 = parkos_urls.handler500
