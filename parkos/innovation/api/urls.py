from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from parkos.innovation.api import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="innovation-project")
router.register("products", views.ProductViewSet, basename="innovation-product")
router.register("milestones", views.MilestoneViewSet, basename="innovation-milestone")
router.register("institutions", views.InstitutionViewSet, basename="innovation-institution")
router.register("agreements", views.AgreementViewSet, basename="innovation-agreement")
router.register("joint-projects", views.JointProjectViewSet, basename="innovation-joint-project")
router.register("platforms", views.PlatformViewSet, basename="innovation-platform")
router.register("tech-transfers", views.TechTransferViewSet, basename="innovation-tech-transfer")
router.register("funds", views.FundViewSet, basename="innovation-fund")
router.register("stakes", views.StakeViewSet, basename="innovation-stake")

urlpatterns: list[URLPattern | URLResolver] = [
    path("pipeline/", views.PipelineView.as_view(), name="innovation-pipeline"),
    path("portfolio/", views.PortfolioView.as_view(), name="innovation-portfolio"),
    path("enterprises/<int:pk>/timeline/", views.TimelineView.as_view(), name="innovation-timeline"),
    *router.urls,
]
