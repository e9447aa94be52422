from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from parkos.accounts import throttling
from parkos.accounts.access import capabilities_of, visible_parks
from parkos.accounts.forms import client_addr
from parkos.accounts.models import User


class MeSerializer(serializers.ModelSerializer[User]):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    capabilities = serializers.SerializerMethodField()
    park_ids = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "role_label", "capabilities", "park_ids"]

    def get_capabilities(self, obj: User) -> list[str]:
        return sorted(str(c) for c in capabilities_of(obj))

    def get_park_ids(self, obj: User) -> list[int]:
        return list(visible_parks(obj).values_list("pk", flat=True))


class MeView(APIView):
    """Who am I: role, capabilities and the parks I may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)  # type: ignore[arg-type]  # IsAuthenticated guarantees a User


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer[Any]):
    token = serializers.CharField()


class TokenView(APIView):
    """Exchange username and password for an API token (same throttling as the login page)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request: Request) -> Response:
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        username = payload.validated_data["username"]
        addr = client_addr(request._request)
        if throttling.is_locked_out(username, addr):
            return Response({"detail": _("登录失败次数过多，请稍后再试。")}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        user = authenticate(request._request, username=username, password=payload.validated_data["password"])
        if user is None:
            throttling.record_failure(username, addr)
            return Response({"detail": _("用户名或密码不正确。")}, status=status.HTTP_400_BAD_REQUEST)
        throttling.clear_failures(username)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
