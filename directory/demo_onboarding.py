"""Demo providers at each stage of onboarding (docs/onboarding.md), one login
per stage, named after it: signed up only, a draft without photos, a draft with
photos but no verification, and a draft whose verification waits for a
moderator. Each draft is a saved revision that was never submitted, so the
moderators' review queue stays as the main seed left it; the photos stay in the
private store, as unreviewed uploads do.

The pending verification request of ``onboarding.pending@demo.test`` is made
by the verification app's demo (``seed_pending_request``: specimen files,
encrypted like real ones). Idempotent: a stage whose user exists is left
alone."""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User
from cms_pages.demo import PALETTES, placeholder_jpeg
from cms_pages.models import CustomImage
from directory.models import CityPage, EscortProfilePage, ProfileIndexPage, ProfilePhoto
from verification.demo import seed_pending_request

# email, display name, the draft's photo count (None: no profile yet), label
STAGES = [
    ("onboarding.signedup@demo.test", "Lena Marsh", None, "signed up only"),
    ("onboarding.draft@demo.test", "Ivy Calder", 0, "draft without photos"),
    ("onboarding.photos@demo.test", "Nora Vale", 3, "photos, not verified"),
    ("onboarding.pending@demo.test", "Mae Lindqvist", 3, "verification pending"),
]


VERIFICATION_PENDING = {"onboarding.pending@demo.test"}


def seed(*, log: Callable[[str], None], password: str) -> None:
    city = CityPage.objects.live().order_by("pk").first()
    index = ProfileIndexPage.objects.first()
    if city is None or index is None:
        log("onboarding: no live city or profile index, skipped")
        return
    for number, (email, name, photos, label) in enumerate(STAGES):
        if User.objects.filter(email=email).exists():
            continue
        user = User.objects.create(
            email=email, display_name=name, role=Role.ESCORT, password=password
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if photos is not None:
            _draft(user=user, city=city, index=index, photos=photos, number=number)
        if email in VERIFICATION_PENDING:
            seed_pending_request(user=user)
        log(f"onboarding: {email} ({label})")


def _draft(
    *, user: User, city: CityPage, index: ProfileIndexPage, photos: int, number: int
) -> EscortProfilePage:
    page = EscortProfilePage(
        title=user.display_name,
        slug=f"onboarding-{number}-{user.pk}",
        age=28 + number,
        home_city=city,
        tagline=f"New in {city.title}: dinners, galleries and good conversation",
        owner=user,
        live=False,
    )
    page.photos = [
        ProfilePhoto(image=_photo(user=user, variant=n), is_primary=n == 0)
        for n in range(photos)
    ]
    index.add_child(instance=page)
    page.save_revision(user=user)
    return page


def _photo(*, user: User, variant: int) -> CustomImage:
    initials = "".join(part[0] for part in user.display_name.split()[:2]).upper()
    data = placeholder_jpeg(text=initials, palette=PALETTES[variant], variant=variant)
    image = CustomImage(title=f"{user.display_name} · placeholder {variant + 1}")
    image.uploaded_by_user = user
    # An unreviewed upload: private until a moderator approves a revision.
    image.store_pending = True
    image.check_duplicates = False  # placeholders share one design
    image.file = ContentFile(data, name=f"onboarding-{user.pk}-{variant}.jpg")
    image.save()
    return image


def logins() -> list[tuple[str, str, str]]:
    return [
        (f"Provider ({label})", email, DEMO_PASSWORD)
        for email, _name, _photos, label in STAGES
    ]
