from rest_framework.routers import DefaultRouter

from parkos.parks.api import views

router = DefaultRouter()
router.register("parks", views.ParkViewSet, basename="park")
router.register("buildings", views.BuildingViewSet, basename="building")
router.register("floors", views.FloorViewSet, basename="floor")
router.register("units", views.UnitViewSet, basename="unit")
router.register("parcels", views.LandParcelViewSet, basename="parcel")
router.register("reservations", views.ReservationViewSet, basename="reservation")

urlpatterns = router.urls
