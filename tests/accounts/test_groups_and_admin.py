import pytest
from django.contrib.auth.models import Group

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_groups_exist_with_admin_access():
    for name in ("Moderators", "Editors"):
        group = Group.objects.get(name=name)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert "access_admin" in codenames


@pytest.mark.parametrize("group_name", ["Moderators", "Editors"])
def test_staff_in_a_group_reach_the_cms(client, group_name):
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    assert client.get("/cms/").status_code == 200


@pytest.mark.parametrize("role", [Role.CLIENT, Role.ESCORT, Role.AGENCY, Role.STAFF])
def test_users_without_a_group_are_kept_out_of_the_cms(client, role):
    client.force_login(UserFactory(role=role))
    response = client.get("/cms/")
    # Wagtail sends signed-in users without admin access back to sign in.
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cms/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_email_is_the_login_and_unique_regardless_of_case():
    from django.db import IntegrityError, transaction

    UserFactory(email="Case@Example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="case@example.test")


def test_signup_always_makes_a_client(client):
    client.post(
        "/_allauth/app/v1/auth/signup",
        {
            "email": "sneaky@example.test",
            "password": "long-enough-passphrase",
            "role": "staff",
        },
        content_type="application/json",
    )
    from accounts.models import User

    user = User.objects.get(email="sneaky@example.test")
    assert user.role == Role.CLIENT
    assert not user.is_staff
