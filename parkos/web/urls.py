from django.urls import path

from parkos.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("industries/search/", views.industry_search, name="industry_search"),
    path("todo/", views.todo_view, name="todo"),
]
