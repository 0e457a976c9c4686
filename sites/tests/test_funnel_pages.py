"""Funnel and experiment pages and admin: the team reads them, managers and the owner add and
remove them, strangers find nothing."""

import pytest

from sites.funnel_services import experiment_create, funnel_create
from sites.models import Experiment, Funnel
from sites.services import goal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def funnel(site):
    return funnel_create(
        site=site,
        name="Signup",
        steps=[{"kind": "page", "value": "/"}, {"kind": "event", "value": "signup"}],
    )


@pytest.fixture
def goal(site):
    return goal_create(site=site, name="Bought", kind="page", value="/thanks")


@pytest.fixture
def experiment(site, goal):
    return experiment_create(
        site=site, name="Checkout", variant_property="exp_checkout", control="a", goal=goal
    )


def _steps(*rows, total=8):
    """The page form's step rows: (kind, value[, property, property value]), the rest empty."""
    data = {"steps-TOTAL_FORMS": str(total), "steps-INITIAL_FORMS": "0"}
    for index in range(total):
        kind, value, key, prop = (
            (*rows[index], "", "")[:4] if index < len(rows) else ("page", "", "", "")
        )
        data.update({
            f"steps-{index}-kind": kind, f"steps-{index}-value": value,
            f"steps-{index}-prop_key": key, f"steps-{index}-prop_value": prop,
        })  # fmt: skip
    return data


PAGES = {
    "/sites/{pk}/funnels/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/funnels/{funnel}/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/experiments/": {"owner": 200, "manager": 200, "viewer": 200, "stranger": 404},
    "/sites/{pk}/experiments/{experiment}/": {
        "owner": 200, "manager": 200, "viewer": 200, "stranger": 404,
    },
}  # fmt: skip


@pytest.mark.parametrize("who", ["owner", "manager", "viewer", "stranger"])
@pytest.mark.parametrize("template", PAGES)
def test_each_role_reads_funnels_and_experiments(as_user, site, funnel, experiment, who, template):
    url = template.format(pk=site.pk, funnel=funnel.pk, experiment=experiment.pk)
    assert as_user(who).get(url).status_code == PAGES[template][who]


def test_anonymous_visitors_are_sent_to_log_in(client, site, funnel):
    response = client.get(f"/sites/{site.pk}/funnels/{funnel.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_manager_adds_a_funnel_from_the_page(as_user, site):
    response = as_user("manager").post(
        f"/sites/{site.pk}/funnels/",
        {
            "name": "Buying",
            **_steps(
                ("page", "/pricing"), ("page", "/checkout/*"), ("event", "buy", "plan", "pro")
            ),
        },
    )
    funnel = Funnel.objects.get(site=site)
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/funnels/{funnel.pk}/"
    steps = funnel.steps.all()
    assert [(s.position, s.kind, s.value, s.prop_key, s.prop_value) for s in steps] == [
        (1, "page", "/pricing", "", ""),
        (2, "page", "/checkout/*", "", ""),
        (3, "event", "buy", "plan", "pro"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ((("page", "/pricing"),), "A funnel has 2 to 8 steps; this one has 1."),
        ((("page", "pricing"), ("page", "/b")), "Step 1: A page step is a path starting with /."),
        ((("page", "/a"), ("event", "buy", "", "pro")), "Step 2: Name the property"),
        ((("page", "/a"), ("page", "/b", "plan", "")), "Step 2: Only event steps have a property."),
        ((("page", "/a"), ("event", "pageview")), "Step 2: Name a custom event"),
    ],
)
def test_a_bad_funnel_is_a_form_error(as_user, site, steps, message):
    response = as_user("owner").post(
        f"/sites/{site.pk}/funnels/", {"name": "Bad", **_steps(*steps)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Funnel.objects.exists()


def test_nine_steps_are_refused(as_user, site):
    rows = [("page", f"/{number}") for number in range(9)]
    response = as_user("owner").post(
        f"/sites/{site.pk}/funnels/", {"name": "Long", **_steps(*rows, total=9)}
    )
    assert response.status_code == 400
    assert not Funnel.objects.exists()


def test_viewers_read_but_do_not_change(as_user, site, funnel, experiment):
    viewer = as_user("viewer")
    page = viewer.get(f"/sites/{site.pk}/funnels/").content.decode()
    assert "Signup" in page and "Add a funnel" not in page and "Remove" not in page
    response = viewer.post(f"/sites/{site.pk}/funnels/", {"name": "X", **_steps(("page", "/"))})
    assert response.status_code == 403
    assert viewer.post(f"/sites/{site.pk}/funnels/{funnel.pk}/delete/").status_code == 403
    assert viewer.post(f"/sites/{site.pk}/experiments/{experiment.pk}/delete/").status_code == 403
    assert Funnel.objects.count() == 1 and Experiment.objects.count() == 1


def test_strangers_cannot_change_either(as_user, site, funnel):
    stranger = as_user("stranger")
    assert stranger.post(f"/sites/{site.pk}/funnels/{funnel.pk}/delete/").status_code == 404
    assert stranger.post(f"/sites/{site.pk}/funnels/", {"name": "X"}).status_code == 404
    assert Funnel.objects.count() == 1


def test_a_manager_removes_a_funnel(as_user, site, funnel):
    response = as_user("manager").post(f"/sites/{site.pk}/funnels/{funnel.pk}/delete/")
    assert response.status_code == 302
    assert not Funnel.objects.exists()


def test_an_owner_adds_and_removes_an_experiment(as_user, site, goal):
    client = as_user("owner")
    response = client.post(
        f"/sites/{site.pk}/experiments/",
        {"name": "Checkout", "variant_property": "exp_checkout", "control": "a", "goal": goal.pk},
    )
    experiment = Experiment.objects.get()
    assert response["Location"] == f"/sites/{site.pk}/experiments/{experiment.pk}/"
    assert (experiment.variant_property, experiment.control, experiment.goal) == (
        "exp_checkout",
        "a",
        goal,
    )
    client.post(f"/sites/{site.pk}/experiments/{experiment.pk}/delete/")
    assert not Experiment.objects.exists()


def test_an_experiment_needs_one_of_the_sites_goals(as_user, site, goal, other_site):
    foreign = goal_create(site=other_site, name="Theirs", kind="page", value="/x")
    response = as_user("owner").post(
        f"/sites/{site.pk}/experiments/",
        {"name": "Sneaky", "variant_property": "exp", "control": "a", "goal": foreign.pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Experiment.objects.exists()


def test_without_goals_the_page_says_to_add_one(as_user, site):
    body = as_user("owner").get(f"/sites/{site.pk}/experiments/").content.decode()
    assert "add a goal" in body and 'name="variant_property"' not in body


# --- admin -------------------------------------------------------------------------------


def test_an_owner_adds_a_funnel_with_its_steps_in_the_admin(owner_client, site):
    def form(steps):
        data = {
            "site": site.pk,
            "name": "Admin funnel",
            "steps-TOTAL_FORMS": str(len(steps)),
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "2",
            "steps-MAX_NUM_FORMS": "8",
        }
        for index, (kind, value) in enumerate(steps):
            data.update({f"steps-{index}-position": str(index + 1),
                         f"steps-{index}-kind": kind, f"steps-{index}-value": value})  # fmt: skip
        return data

    assert owner_client.get("/admin/sites/funnel/add/").status_code == 200
    refused = owner_client.post("/admin/sites/funnel/add/", form([("page", "/")]))
    assert refused.status_code == 200 and not Funnel.objects.exists()
    assert "Please submit at least 2 forms" in refused.content.decode()
    done = owner_client.post("/admin/sites/funnel/add/", form([("page", "/"), ("event", "buy")]))
    assert done.status_code == 302
    assert [step.value for step in Funnel.objects.get().steps.all()] == ["/", "buy"]


ADMIN = {
    "/admin/sites/funnel/": {"manager": 200, "viewer": 200, "stranger": 200},
    "/admin/sites/funnel/{funnel}/change/": {"manager": 200, "viewer": 200, "stranger": 404},
    "/admin/sites/funnel/{funnel}/delete/": {"manager": 200, "viewer": 403, "stranger": 404},
    "/admin/sites/experiment/{experiment}/change/": {
        "manager": 200, "viewer": 200, "stranger": 404,
    },
    "/admin/sites/experiment/{experiment}/delete/": {
        "manager": 200, "viewer": 403, "stranger": 404,
    },
}  # fmt: skip


@pytest.mark.parametrize("who", ["manager", "viewer", "stranger"])
@pytest.mark.parametrize("template", ADMIN)
def test_each_role_gets_its_admin_pages(as_user, site, funnel, experiment, who, template):
    url = template.format(funnel=funnel.pk, experiment=experiment.pk)
    assert as_user(who).get(url).status_code == ADMIN[template][who]


def test_the_admin_lists_only_the_users_funnels(as_user, site, other_site, funnel):
    funnel_create(
        site=other_site,
        name="Theirs",
        steps=[{"kind": "page", "value": "/"}, {"kind": "page", "value": "/x"}],
    )
    body = as_user("viewer").get("/admin/sites/funnel/").content.decode()
    assert "Signup" in body and "Theirs" not in body


@pytest.mark.parametrize(
    "data",
    [
        {"name": "No steps at all"},
        {"name": "Bad count", "steps-TOTAL_FORMS": "lots", "steps-INITIAL_FORMS": "0"},
        {"name": "Too many", "steps-TOTAL_FORMS": "100000", "steps-INITIAL_FORMS": "0"},
    ],
)
def test_a_tampered_step_form_is_a_400_not_a_500(as_user, site, data):
    response = as_user("owner").post(f"/sites/{site.pk}/funnels/", data)
    assert response.status_code == 400
    assert not Funnel.objects.exists()
