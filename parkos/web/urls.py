from django.urls import path

from parkos.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
]
