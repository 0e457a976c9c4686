"""A site's saved segments in the API: listing, saving and removing them. Any figures endpoint
takes one as `segment=<id>`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.parameters import validation_error
from api.serializers import SegmentSerializer
from visits.segments import segment_create, segment_delete, segment_list_for


class SiteSegmentsMixin:
    """Actions of `SiteViewSet`; `get_object` finds the site with the role it needs (the team
    reads, managers and owners write)."""

    @extend_schema(
        methods=["GET"],
        summary="The site's saved segments, shared by its team",
        responses=SegmentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Save a segment (managers and owners); unknown filter names are a 400",
        request=SegmentSerializer,
        responses={201: SegmentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def segments(self, request, pk=None):
        site = self.get_object()
        if request.method == "POST":
            incoming = SegmentSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            try:
                segment = segment_create(
                    site=site, created_by=request.user, **incoming.validated_data
                )
            except DjangoValidationError as error:
                raise validation_error(error) from error
            return Response(SegmentSerializer(segment).data, status=status.HTTP_201_CREATED)
        return Response(SegmentSerializer(segment_list_for(site=site), many=True).data)

    @extend_schema(
        summary="Remove a segment (managers and owners)", request=None, responses={204: None}
    )
    @action(detail=True, methods=["delete"], url_path=r"segments/(?P<segment_id>[0-9]+)")
    def segment(self, request, pk=None, segment_id=None):
        site = self.get_object()
        segment_delete(segment=get_object_or_404(site.segments, pk=segment_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
