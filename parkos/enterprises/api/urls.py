from rest_framework.routers import DefaultRouter

from parkos.enterprises.api import views

router = DefaultRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("import-jobs", views.ImportJobViewSet, basename="import-job")

urlpatterns = router.urls
