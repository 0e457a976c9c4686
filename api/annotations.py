"""A site's notes (annotations) in the API: listing, adding and removing them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.parameters import validation_error
from api.serializers import AnnotationSerializer
from sites.services import annotation_create, annotation_delete


class SiteAnnotationsMixin:
    """Actions of `SiteViewSet`; `get_object` finds the site with the role it needs (the team
    reads, managers and owners write)."""

    @extend_schema(
        methods=["GET"],
        summary="The site's notes on its chart, oldest day first",
        responses=AnnotationSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a note (managers and owners)",
        request=AnnotationSerializer,
        responses={201: AnnotationSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def annotations(self, request, pk=None):
        site = self.get_object()
        if request.method == "POST":
            incoming = AnnotationSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            try:
                note = annotation_create(
                    site=site, created_by=request.user, **incoming.validated_data
                )
            except DjangoValidationError as error:
                raise validation_error(error) from error
            return Response(AnnotationSerializer(note).data, status=status.HTTP_201_CREATED)
        notes = site.annotations.order_by("day", "id")
        return Response(AnnotationSerializer(notes, many=True).data)

    @extend_schema(
        summary="Remove a note (managers and owners)", request=None, responses={204: None}
    )
    @action(detail=True, methods=["delete"], url_path=r"annotations/(?P<annotation_id>[0-9]+)")
    def annotation(self, request, pk=None, annotation_id=None):
        site = self.get_object()
        annotation_delete(annotation=get_object_or_404(site.annotations, pk=annotation_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
