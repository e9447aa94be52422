from django.urls import path

from parkos.parks import import_views, views

app_name = "parks"

urlpatterns = [
    path("", views.ParkListView.as_view(), name="park_list"),
    path("new/", views.ParkCreateView.as_view(), name="park_create"),
    path("<int:pk>/", views.ParkDetailView.as_view(), name="park_detail"),
    path("<int:pk>/edit/", views.ParkUpdateView.as_view(), name="park_update"),
    path("<int:park_pk>/buildings/new/", views.BuildingCreateView.as_view(), name="building_create"),
    path("<int:park_pk>/parcels/new/", views.ParcelCreateView.as_view(), name="parcel_create"),
    path("buildings/<int:pk>/", views.BuildingDetailView.as_view(), name="building_detail"),
    path("buildings/<int:pk>/edit/", views.BuildingUpdateView.as_view(), name="building_update"),
    path("buildings/<int:building_pk>/floors/new/", views.FloorCreateView.as_view(), name="floor_create"),
    path("buildings/<int:building_pk>/units/new/", views.UnitCreateView.as_view(), name="unit_create"),
    path("floors/<int:pk>/edit/", views.FloorUpdateView.as_view(), name="floor_update"),
    path("units/autocomplete/", views.UnitAutocompleteView.as_view(), name="unit_autocomplete"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", views.UnitUpdateView.as_view(), name="unit_update"),
    path("parcels/", views.ParcelListView.as_view(), name="parcel_list"),
    path("parcels/<int:pk>/", views.ParcelDetailView.as_view(), name="parcel_detail"),
    path("parcels/<int:pk>/edit/", views.ParcelUpdateView.as_view(), name="parcel_update"),
    path("<str:kind>/<int:pk>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<str:kind>/<int:pk>/media/", views.SpaceMediaUploadView.as_view(), name="media_upload"),
    path("media/<int:pk>/delete/", views.SpaceMediaDeleteView.as_view(), name="media_delete"),
    path("<str:kind>/<int:pk>/reserve/", views.ReserveView.as_view(), name="reserve"),
    path("reservations/<int:pk>/release/", views.ReleaseView.as_view(), name="release"),
    path("availability/", views.AvailabilityView.as_view(), name="availability"),
    path("import/", import_views.import_form, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/jobs/<int:pk>/", import_views.import_job, name="import_job"),
    path("export/inventory.xlsx", import_views.inventory_export, name="inventory_export"),
    path("export/units.xlsx", import_views.unit_export, name="unit_export"),
    path("export/parks.xlsx", import_views.park_export, name="park_export"),
]
