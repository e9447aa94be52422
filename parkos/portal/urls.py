from django.urls import path

from parkos.portal import editor_views, feeds, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/", views.news_list, name="news_list"),
    path("news/category/<slug:category>/", views.news_list, name="news_category"),
    path("news/tag/<str:tag>/", views.news_list, name="news_tag"),
    path("news/<slug:slug>/", views.article_detail, name="article_detail"),
    path("parks/<slug:code>/", views.park_detail, name="park_detail"),
    path("parks/<slug:code>/units/<str:space_code>/", views.space_detail, {"kind": "unit"}, name="unit_detail"),
    path("parks/<slug:code>/parcels/<str:space_code>/", views.space_detail, {"kind": "parcel"}, name="parcel_detail"),
    path("space/", views.space_search, name="space_search"),
    path("feed.xml", feeds.feed, name="feed"),
    path("lang/", views.set_language, name="set_language"),
    path("editor/", editor_views.ArticleListView.as_view(), name="editor_article_list"),
    path("editor/articles/new/", editor_views.ArticleFormView.as_view(), name="editor_article_create"),
    path("editor/articles/<int:pk>/", editor_views.ArticleFormView.as_view(), name="editor_article_edit"),
    path("editor/articles/<int:pk>/preview/", editor_views.ArticlePreviewView.as_view(), name="editor_article_preview"),
    path(
        "editor/articles/<int:pk>/<slug:action>/",
        editor_views.ArticleActionView.as_view(),
        name="editor_article_action",
    ),
    path("editor/images/", editor_views.ImageLibraryView.as_view(), name="editor_images"),
    path("editor/settings/", editor_views.SiteSettingsView.as_view(), name="editor_settings"),
]
