from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from parkos.accounts import services
from parkos.accounts.access import capabilities_of, visible_parks
from parkos.accounts.models import ApiToken, User
from parkos.core.serializers import ErrorSerializer


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
    token = serializers.CharField(help_text="send as `Authorization: Token <token>`")
    expiry = serializers.DateTimeField(allow_null=True, help_text="when the token stops working")


class TokenView(APIView):
    """Exchange username and password for an API token that expires (`API_TOKEN_TTL_HOURS`).

    Throttled like every login (django-axes: per client and account, per account): a locked-out
    login answers 429 whatever the password.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]  # scripts post a login form as often as JSON

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer, 400: ErrorSerializer, 415: ErrorSerializer, 429: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=payload.validated_data["username"],
            password=payload.validated_data["password"],
        )
        if not isinstance(user, User):
            return Response({"detail": _("用户名或密码不正确。")}, status=status.HTTP_400_BAD_REQUEST)
        token, expiry = services.api_token_issue(user=user)
        return Response({"token": token, "expiry": expiry})


class LogoutView(APIView):
    """Revoke the token this request was made with (other tokens of the person stay valid)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
