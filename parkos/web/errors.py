"""Error pages in the user's language; API paths get JSON."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _("您的角色无权执行此操作。")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "errors/error.html", {"status": 403, "message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = _("未找到该页面或记录，或您无权访问。")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=404)
    return render(request, "errors/error.html", {"status": 404, "message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    message = _("服务器出错了，我们已记录该问题。请稍后重试。")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=500)
    return render(request, "errors/error.html", {"status": 500, "message": message}, status=500)
