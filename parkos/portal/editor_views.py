"""The staff editor of the portal: write, preview, review, schedule, publish and withdraw articles,
upload images, and (operator admins) edit the site's contact block and footer. See permissions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import acting_user, visible_park_ids
from parkos.portal import permissions, services
from parkos.portal.filtersets import ArticleFilterSet
from parkos.portal.forms import ArticleForm, ImageUploadForm, PublishForm, SiteSettingsForm
from parkos.portal.models import Article, ArticleImage, SiteSettings
from parkos.portal.selectors import editor_parks
from parkos.portal.views import render_article
from parkos.web.forms import FormData, FormFiles
from parkos.web.views_generic import StaffRequiredMixin, apply_validation_error

PAGE_SIZE = 30


class EditorMixin(StaffRequiredMixin):
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            permissions.require_editor(request.user)
        return super().dispatch(request, *args, **kwargs)

    def article(self, pk: int) -> Article:
        article = get_object_or_404(Article.objects.prefetch_related("parks", "tags"), pk=pk)
        park_ids = visible_park_ids(self.request.user)
        related = [p.pk for p in article.parks.all()]
        # Outside the person's parks the article does not exist for them (404, as elsewhere).
        if park_ids is not None and not (set(related) & set(park_ids)):
            raise Http404(_("未找到该记录，或您无权访问。"))
        permissions.require_article(self.request.user, article)
        return article


class ArticleListView(EditorMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        park_ids = visible_park_ids(request.user)
        articles = Article.objects.prefetch_related("parks").order_by("-updated_at", "-pk")
        if park_ids is not None:
            articles = articles.filter(parks__in=park_ids).distinct()
        filterset = ArticleFilterSet(request.GET or None, queryset=articles)
        queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else articles
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "portal/editor/article_list.html",
            {
                "filterset": filterset,
                "page_obj": page,
                "querystring": query.urlencode(),
                "can_edit_settings": permissions.can_edit_settings(request.user),
                "breadcrumbs": [(_("门户内容"), None)],
            },
        )


class ArticleFormView(EditorMixin, View):
    def _form(
        self,
        request: HttpRequest,
        article: Article | None,
        data: FormData | None = None,
        files: FormFiles | None = None,
    ) -> ArticleForm:
        return ArticleForm(data, files, instance=article, parks=editor_parks(visible_park_ids(request.user)))

    def _render(self, request: HttpRequest, form: ArticleForm, article: Article | None) -> HttpResponse:
        title = _("编辑文章") if article else _("新建文章")
        return render(
            request,
            "portal/editor/article_form.html",
            {
                "form": form,
                "object": article,
                "title": title,
                "publish_form": PublishForm(),
                "breadcrumbs": [(_("门户内容"), reverse("portal:editor_article_list")), (title, None)],
            },
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        article = self.article(pk) if pk else None
        return self._render(request, self._form(request, article), article)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        article = self.article(pk) if pk else None
        form = self._form(request, article, request.POST, request.FILES)
        if form.is_valid():
            kwargs = form.service_kwargs()
            if not permissions.can_edit_parks(request.user, [p.pk for p in kwargs["parks"]]):
                form.add_error("parks", _("请至少选择一个您负责的园区。"))
                return self._render(request, form, article)
            try:
                if article is None:
                    saved = services.article_create(actor=acting_user(request), **kwargs)
                else:
                    saved = services.article_update(article=article, actor=acting_user(request), **kwargs)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("portal:editor_article_edit", args=[saved.pk]))
        return self._render(request, form, article)


class ArticlePreviewView(EditorMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self.article(pk)
        page = render_article(request, article, preview=True)
        response = HttpResponse(page.content, content_type=page.content_type)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response


class ArticleActionView(EditorMixin, View):
    """POST submit / publish (now or scheduled) / unpublish."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        article = self.article(pk)
        actor = acting_user(request)
        try:
            if action == "submit":
                services.article_submit(article=article, actor=actor)
                messages.success(request, _("已提交审核。"))
            elif action == "publish":
                form = PublishForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("发布时间格式不正确。"))
                published = services.article_publish(
                    article=article, actor=actor, publish_at=form.cleaned_data.get("publish_at")
                )
                if published.is_scheduled:
                    messages.success(request, _("已定时发布，将于 %(at)s 公开。") % {"at": published.publish_at})
                else:
                    messages.success(request, _("已发布。"))
            elif action == "unpublish":
                services.article_unpublish(article=article, actor=actor)
                messages.success(request, _("已撤回，文章不再公开。"))
            else:
                raise Http404
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return HttpResponseRedirect(reverse("portal:editor_article_edit", args=[article.pk]))


class ImageLibraryView(EditorMixin, View):
    def _render(self, request: HttpRequest, form: ImageUploadForm) -> HttpResponse:
        page = Paginator(ArticleImage.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "portal/editor/image_library.html",
            {
                "form": form,
                "page_obj": page,
                "breadcrumbs": [(_("门户内容"), reverse("portal:editor_article_list")), (_("图片库"), None)],
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ImageUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImageUploadForm(request.POST, request.FILES)
        if form.is_valid():
            services.image_upload(
                actor=acting_user(request), upload=form.cleaned_data["image"], alt=form.cleaned_data["alt"]
            )
            messages.success(request, _("图片已上传。"))
            return HttpResponseRedirect(reverse("portal:editor_images"))
        return self._render(request, form)


class SiteSettingsView(EditorMixin, View):
    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not permissions.can_edit_settings(request.user):
            raise PermissionDenied(_("只有运营管理员可以修改网站设置。"))
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: SiteSettingsForm) -> HttpResponse:
        return render(
            request,
            "portal/editor/site_settings.html",
            {
                "form": form,
                "object": form.instance,
                "breadcrumbs": [(_("门户内容"), reverse("portal:editor_article_list")), (_("网站设置"), None)],
            },
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, SiteSettingsForm(instance=SiteSettings.load()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SiteSettingsForm(request.POST, request.FILES, instance=SiteSettings.load())
        if form.is_valid():
            try:
                services.site_settings_update(actor=acting_user(request), **form.service_kwargs())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(reverse("portal:editor_settings"))
        return self._render(request, form)
