import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from accounts.models import Role, User
from tests.factories import UserFactory
from tests.mfa import totp_code, totp_for

pytestmark = pytest.mark.django_db


def test_staff_groups_exist_with_admin_access():
    for name in ("Moderators", "Editors"):
        group = Group.objects.get(name=name)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert "access_admin" in codenames


def _staff(group_name: str) -> User:
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.mark.parametrize("group_name", ["Moderators", "Editors"])
def test_staff_in_a_group_with_mfa_reach_the_cms(client, admin_login, group_name):
    admin_login(client, _staff(group_name))
    response = client.get("/cms/")
    assert response.status_code == 200
    assert b"wagtail" in response.content.lower()


@pytest.mark.parametrize("role", [Role.CLIENT, Role.ESCORT, Role.AGENCY, Role.STAFF])
def test_users_without_admin_access_get_a_no_access_page_not_a_loop(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    response = client.get("/cms/")
    # Not Wagtail's redirect to sign in, which allauth bounced straight back
    # to /cms/ for a signed-in user: a loop.
    assert response.status_code == 403
    html = response.content.decode()
    assert "No access to the site administration" in html
    assert user.email in html
    assert 'href="/dashboard/"' in html
    # Deeper admin URLs too, and the login page does not send them back.
    assert client.get("/cms/pages/").status_code == 403
    login = client.get("/accounts/login/?next=/cms/")
    assert login.status_code == 302
    assert client.get(login["Location"]).status_code == 403


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client):
    user = _staff("Moderators")
    client.force_login(user)
    response = client.get("/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fcms%2Fpages%2F"
    followed = client.get(response["Location"], follow=True)
    assert "needs two-factor authentication" in followed.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()


def test_staff_whose_session_skipped_the_second_factor_are_refused(client):
    user = _staff("Editors")
    totp_for(user)
    client.force_login(user)  # signed in, but no second factor in this session
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fcms%2F"


def test_staff_pass_the_second_factor_in_the_session_and_reach_the_cms(client):
    user = _staff("Editors")
    client.force_login(user)
    assert client.get("/cms/").status_code == 302
    # allauth's own MFA reauthentication records the factor in the session.
    done = client.post(
        "/accounts/2fa/reauthenticate/?next=/cms/",
        {"code": totp_code(user), "next": "/cms/"},
    )
    assert done.status_code == 302, done.content[:500]
    assert done["Location"] == "/cms/"
    assert client.get("/cms/").status_code == 200


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_email_is_the_login_and_unique_regardless_of_case():
    from django.db import IntegrityError, transaction

    UserFactory(email="Case@Example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="case@example.test")


def test_signup_never_makes_staff(client):
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {
            "email": "sneaky@example.test",
            "password": "long-enough-passphrase",
            "role": "staff",
            "age_18": True,
            "terms": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert [e["param"] for e in response.json()["errors"]] == ["role"]
    from accounts.models import User

    assert not User.objects.filter(email="sneaky@example.test").exists()
