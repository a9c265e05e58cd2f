"""Image filter specs are parsed once per process (cms_pages.models
``_filter_for_spec``): Wagtail's image tags build a new Filter at every render,
and parsing one into operations costs an ``inspect.getcallargs`` per operation."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from wagtail.images import image_operations

from cms_pages.renditions import PROFILE_CARD
from tests.factories.pages import CustomImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def parses(monkeypatch) -> list[str]:  # noqa: ANN001
    seen: list[str] = []
    real = image_operations.Operation.__init__

    def counting(self, method, *args):  # noqa: ANN001, ANN002, ANN202
        seen.append(method)
        return real(self, method, *args)

    monkeypatch.setattr(image_operations.Operation, "__init__", counting)
    return seen


def test_a_spec_is_parsed_once_however_often_it_renders(parses):
    images = CustomImageFactory.create_batch(2)
    template = Template(
        "{% load wagtailimages_tags %}"
        "{% srcset_image image fill-{400x500,800x1000} format-webp sizes='10vw' %}"
    )
    first = template.render(Context({"image": images[0]}))
    parsed_by_first_render = len(parses)
    second = template.render(Context({"image": images[1]}))
    again = template.render(Context({"image": images[0]}))

    assert 'srcset="' in first and "width=" in second
    assert again == first
    # Whatever an earlier test parsed already, later renders parse nothing.
    assert len(parses) == parsed_by_first_render
    image = images[0]
    renditions = image.get_renditions(*PROFILE_CARD)
    assert list(renditions) == list(PROFILE_CARD)
    assert image.get_rendition(PROFILE_CARD[0]).filter_spec == PROFILE_CARD[0]
    assert len(parses) == parsed_by_first_render
