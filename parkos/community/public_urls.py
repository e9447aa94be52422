"""Public pages (no login), framed by the portal: /events/…, /jobs/…, /fairs/…"""

from django.urls import URLPattern, URLResolver, path

from parkos.community.views import public

app_name = "community_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("events/", public.event_list, name="event_list"),
    path("events/<int:pk>/", public.event_detail, name="event_detail"),
    path("events/r/<str:token>/", public.registration_page, name="registration"),
    path("events/r/<str:token>/qr.png", public.registration_qr, name="registration_qr"),
    path("jobs/", public.job_board, name="job_board"),
    path("jobs/<int:pk>/", public.job_detail, name="job_detail"),
    path("fairs/<int:pk>/", public.fair_detail, name="fair_detail"),
]
