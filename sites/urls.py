from django.urls import path

from sites import annotations, funnels, goals, sharing, team, views

app_name = "sites"

urlpatterns = [
    # With its figures this page is `visits`' overview, routed first in tracker_project/urls.py;
    # here it keeps its name, and the plain list for a project without `visits`.
    path("", views.SiteListView.as_view(), name="list"),
    path("new/", views.SiteCreateView.as_view(), name="create"),
    path("<int:pk>/", views.SiteDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SiteUpdateView.as_view(), name="update"),
    path("<int:pk>/delete/", views.SiteDeleteView.as_view(), name="delete"),
    path("<int:pk>/goals/", goals.GoalListView.as_view(), name="goals"),
    path(
        "<int:pk>/goals/<int:goal_id>/delete/", goals.GoalDeleteView.as_view(), name="goal_delete"
    ),
    path("<int:pk>/annotations/", annotations.AnnotationCreateView.as_view(), name="annotations"),
    path(
        "<int:pk>/annotations/<int:annotation_id>/delete/",
        annotations.AnnotationDeleteView.as_view(),
        name="annotation_delete",
    ),
    path("<int:pk>/funnels/", funnels.FunnelListView.as_view(), name="funnels"),
    path(
        "<int:pk>/funnels/<int:funnel_id>/delete/",
        funnels.FunnelDeleteView.as_view(),
        name="funnel_delete",
    ),
    path("<int:pk>/experiments/", funnels.ExperimentListView.as_view(), name="experiments"),
    path(
        "<int:pk>/experiments/<int:experiment_id>/delete/",
        funnels.ExperimentDeleteView.as_view(),
        name="experiment_delete",
    ),
    path("<int:pk>/sharing/", sharing.SharingView.as_view(), name="sharing"),
    path(
        "<int:pk>/sharing/<int:link_id>/revoke/",
        sharing.SharedLinkRevokeView.as_view(),
        name="shared_link_revoke",
    ),
    path("<int:pk>/team/", team.TeamView.as_view(), name="team"),
    path("<int:pk>/team/<int:member_id>/role/", team.MemberRoleView.as_view(), name="member_role"),
    path(
        "<int:pk>/team/<int:member_id>/remove/",
        team.MemberRemoveView.as_view(),
        name="member_remove",
    ),
    path(
        "<int:pk>/team/invitations/<int:invitation_id>/cancel/",
        team.InvitationCancelView.as_view(),
        name="invitation_cancel",
    ),
    path("<int:pk>/leave/", team.TeamLeaveView.as_view(), name="leave"),
]
