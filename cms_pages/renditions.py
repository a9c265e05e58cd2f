"""Every image size the site serves, by where it is shown: the one home of the
rendition specs (docs/architecture.md, "One home per rule"). Listings prefetch
exactly these renditions, so a template asking for another size would cost a
query per image; tests/core/test_rules.py holds the templates to
these specs."""

from __future__ import annotations

# Pages (srcset pairs: 1x, 2x).
PROFILE_CARD = ("fill-400x500|format-webp", "fill-800x1000|format-webp")
# The profile page: the lead photo and the lightbox show PROFILE_GALLERY, the other
# photos are thumbnails (the 2x of a thumbnail is the 1x of a card).
PROFILE_GALLERY = ("max-600x750|format-webp", "max-1200x1500|format-webp")
PROFILE_GALLERY_THUMB = ("fill-200x250|format-webp", "fill-400x500|format-webp")
CITY_CARD = ("fill-480x270|format-webp", "fill-960x540|format-webp")
CITY_HEADER = ("fill-960x400|format-webp", "fill-1920x800|format-webp")
SOCIAL_SHARE = "fill-1200x630|format-jpeg"  # og:image: JPEG, which every crawler reads

# APIs (v1 and Wagtail API v2 give the same sizes).
PROFILE_THUMBNAIL = PROFILE_CARD[0]
PROFILE_LARGE = PROFILE_GALLERY[1]
CITY_HERO = "fill-1200x500|format-webp"
UPLOAD_PREVIEW = "max-1200x1200|format-webp"  # POST /api/v1/images answers with it
