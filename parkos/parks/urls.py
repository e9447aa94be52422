from django.urls import path

from parkos.parks import views

app_name = "parks"

urlpatterns = [
    path("", views.ParkListView.as_view(), name="park_list"),
    path("<int:pk>/", views.ParkDetailView.as_view(), name="park_detail"),
]
