from django.urls import path

from parkos.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
]
