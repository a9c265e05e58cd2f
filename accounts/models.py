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

# What a person may choose at sign-up (docs/joining.md). Staff is granted, never
# chosen; later changes go through accounts.services.user_set_role.
SIGNUP_ROLES = (Role.CLIENT, Role.ESCORT, Role.AGENCY)


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


class Consent(models.Model):
    """One answer a person gave to one document at one moment: the consent ledger
    (docs/joining.md). Append-only: a trigger (migration 0004) makes PostgreSQL
    refuse every UPDATE and DELETE, so a later answer is a new row and the history
    stays as given. Like the audit log, ``user`` has no enforced foreign key: a
    cascade from a deleted user would be a DELETE here. Current document versions
    live in ``accounts.consents``."""

    class Document(models.TextChoices):
        TERMS = "terms", _("Terms of use")
        PRIVACY = "privacy", _("Privacy policy")
        AGE_18 = "age_18", _("18 or older")
        MARKETING = "marketing", _("Marketing emails")

    class Source(models.TextChoices):
        SIGNUP_HTML = "signup_html", _("Sign-up page")
        SIGNUP_API = "signup_api", _("Sign-up API")
        REACCEPT = "reaccept", _("Accepted a new version")
        ACCOUNT = "account", _("Account settings")

    user = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # The (user, document, -created_at) index below serves lookups by user.
        db_index=False,
        related_name="consents",
    )
    document = models.CharField(_("document"), max_length=32, choices=Document)
    version = models.CharField(_("version"), max_length=32)
    # False records a refusal (marketing may be declined); required documents are
    # only ever recorded as accepted, since sign-up refuses without them.
    accepted = models.BooleanField(_("accepted"))
    source = models.CharField(_("where"), max_length=32, choices=Source)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["user", "document", "-created_at"],
                name="accounts_consent_latest",
            )
        ]

    def __str__(self) -> str:
        answer = "accepted" if self.accepted else "declined"
        return f"{self.document} {self.version} {answer}"
