from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(
        self, email: str, password: str | None = None, **extra
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.STAFF)
        return self._create_user(email, password, **extra)


# Created by accounts/migrations; user_is_moderator (accounts.selectors) reads it.
MODERATORS_GROUP = "Moderators"
EDITORS_GROUP = "Editors"


class Role(models.TextChoices):
    CLIENT = "client", _("Client")
    ESCORT = "escort", _("Escort")
    AGENCY = "agency", _("Agency")
    STAFF = "staff", _("Staff")


# Who sees the provider side of the site (dashboards, notification kinds): escorts
# and agency staff. Whether a profile may go live is User.may_have_live_profile.
PROVIDER_ROLES = frozenset({Role.ESCORT, Role.AGENCY})


class User(AbstractUser):
    """A person with a login. The email address is the login; there is no username."""

    Role = Role

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.CLIENT
    )
    # Trust & safety flags: set only by moderators (never by the user, never by an API
    # a user can reach). A profile goes live only when age-verified and not suspended.
    is_age_verified = models.BooleanField(_("age and identity verified"), default=False)
    age_verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    is_suspended = models.BooleanField(_("suspended"), default=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Case-insensitive uniqueness: Foo@x.com and foo@x.com are one inbox.
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="accounts_user_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def may_have_live_profile(self) -> bool:
        # As a filter: accounts.selectors.may_have_live_profile_q (kept equal by
        # tests/accounts/test_rules.py).
        return self.is_active and self.is_age_verified and not self.is_suspended

    @property
    def is_provider(self) -> bool:
        return self.role in PROVIDER_ROLES

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]
