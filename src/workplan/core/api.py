"""API of core: who the caller is (``/api/v1/me/``), to check a token and see one's roles."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from workplan.core.access import memberships

from .models import ApiToken, Role


class RoleSerializer(serializers.Serializer):
    office = serializers.IntegerField(help_text="Office id.")
    role = serializers.ChoiceField(choices=Role.choices)
    member = serializers.IntegerField(allow_null=True, help_text="A focal point's member id.")


@extend_schema_serializer(many=False)
class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True)
    token = serializers.DictField(allow_null=True, help_text=(
        "The token this request was made with (name, prefix, read_only, expires_at), or null "
        "for a session."))


class MeViewSet(viewsets.ViewSet):
    """The signed-in user and their office roles."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def list(self, request):
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(MeSerializer({
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "is_superuser": user.is_superuser,
            "roles": [{"office": office, "role": role, "member": member}
                      for office, role, member in memberships(user)],
            "token": None if token is None else {
                "name": token.name, "prefix": token.prefix, "read_only": token.read_only,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None},
        }).data)


routes = [("me", MeViewSet, "me")]
