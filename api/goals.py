"""A site's goals in the API: their conversions, adding and removing them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api.parameters import FILTER_PARAMETERS, PERIOD_PARAMETERS, filters_param, validation_error
from api.schema import SCOPES_NOTE
from api.serializers import GoalResultSerializer, GoalSerializer
from sites.services import goal_create, goal_delete
from visits.stats.figures import visit_totals
from visits.stats.goals import visit_goals
from visits.stats.revenue import goal_revenue


class SiteGoalsMixin:
    """Actions of `SiteViewSet`; `get_object` finds the site with the role it needs."""

    @extend_schema(
        methods=["GET"],
        summary="The site's goals with their conversions in the period",
        description="Scope `read`." + SCOPES_NOTE,
        parameters=PERIOD_PARAMETERS + FILTER_PARAMETERS,
        responses=GoalResultSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a goal",
        description="Scope `write`." + SCOPES_NOTE,
        request=GoalSerializer,
        responses={201: GoalSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def goals(self, request, pk=None):
        site = self.get_object()
        if request.method == "POST":
            incoming = GoalSerializer(data=request.data)
            incoming.is_valid(raise_exception=True)
            try:
                goal = goal_create(site=site, **{"kind": "page", **incoming.validated_data})
            except DjangoValidationError as error:
                raise validation_error(error) from error
            return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)
        period, filters = self._period(site), filters_param(site, request.query_params)
        now = timezone.now()
        totals, _ = visit_totals(site=site, period=period, filters=filters, now=now)
        rows = visit_goals(
            site=site, period=period, filters=filters, now=now, total_visitors=totals.visitors
        )
        earned = {
            figures.goal_id: figures
            for figures in goal_revenue(site=site, period=period, filters=filters, now=now)
        }
        results = [{**vars(row), "revenue": earned.get(row.id)} for row in rows]
        return Response(GoalResultSerializer(results, many=True).data)

    @extend_schema(
        summary="Remove a goal",
        description="Scope `write`." + SCOPES_NOTE,
        request=None,
        responses={204: None},
    )
    @action(detail=True, methods=["delete"], url_path=r"goals/(?P<goal_id>[0-9]+)")
    def goal(self, request, pk=None, goal_id=None):
        site = self.get_object()
        goal_delete(goal=get_object_or_404(site.goals, pk=goal_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
