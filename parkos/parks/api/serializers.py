from rest_framework import serializers

from parkos.parks.models import Park


class ParkSerializer(serializers.ModelSerializer[Park]):
    class Meta:
        model = Park
        fields = [
            "id",
            "code",
            "name",
            "operator",
            "city",
            "district",
            "address",
            "land_area_sqm",
            "description",
            "archived_at",
        ]
        read_only_fields = ["archived_at"]
