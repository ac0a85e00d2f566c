"""One cost of drawing a map on every rerun, removed: branca compiling finished text.

When folium renders a layer, branca's ``MacroElement.render`` wraps the layer's finished
header, html and script (for a GeoJSON layer: the whole GeoJSON) in a new
``branca.element.Element``, whose constructor compiles that text as a Jinja template, only for
it to be rendered back to the same text. The compile grows with the text: at 56 kelurahan it was
about half of ``st_folium``'s time per rerun, and a province layer is megabytes.

:func:`install` makes that wrapper keep text with no Jinja markup as text (rendering it would
give the text back, less one trailing newline, Jinja's default); text with markup (folium puts
``{{'name'}}`` references in some style maps on purpose) still compiles as before. It replaces
the name ``Element`` in ``branca.element`` only, the name ``MacroElement.render`` uses; every
other class keeps branca's. ``tests/test_leaflet_render.py`` pins that a map's HTML is the same.
"""

from __future__ import annotations

import re

import branca.element

_JINJA_MARKUP = re.compile(r"\{[{%#]")
_BRANCA_ELEMENT = branca.element.Element


class PlainTextElement(_BRANCA_ELEMENT):
    """branca's Element; finished text without Jinja markup is kept, not compiled."""

    def __init__(self, template: str | None = None, template_name: str | None = None) -> None:
        plain = (isinstance(template, str) and template_name is None
                 and not _JINJA_MARKUP.search(template))
        super().__init__(None if plain else template, template_name)
        self._plain_text = template.removesuffix("\n") if plain else None
        if plain:
            self._template_str = template

    def render(self, **kwargs: object) -> str:
        if self._plain_text is not None:
            return self._plain_text
        return super().render(**kwargs)


def install() -> None:
    """Use :class:`PlainTextElement` for the text branca wraps while rendering (idempotent)."""
    branca.element.Element = PlainTextElement


def uninstall() -> None:
    """branca as shipped (tests compare both)."""
    branca.element.Element = _BRANCA_ELEMENT
