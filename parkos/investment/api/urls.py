from rest_framework.routers import DefaultRouter

from parkos.investment.api import views

router = DefaultRouter()
router.register("leads", views.LeadViewSet, basename="lead")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
