from rest_framework.routers import DefaultRouter

from parkos.parks.api import views

router = DefaultRouter()
router.register("parks", views.ParkViewSet, basename="park")

urlpatterns = router.urls
