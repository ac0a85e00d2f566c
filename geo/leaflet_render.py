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
other class keeps branca's. Text with markup, and the templates folium's tooltip makes anew on
every render (``GeoJsonDetail.render``, about 7 ms a rerun), are compiled once per distinct
source and reused (a compiled template is not changed by rendering it).
``tests/test_leaflet_render.py`` pins that a map's HTML is the same.
"""

from __future__ import annotations

import functools
import re

import branca.element
import folium.features
import jinja2
from folium.template import Template as FoliumTemplate

_JINJA_MARKUP = re.compile(r"\{[{%#]")
_BRANCA_ELEMENT = branca.element.Element
_FOLIUM_FEATURES_TEMPLATE = folium.features.Template


_REUSED_UP_TO = 4096  # longer sources carry data (a style map's codes): seldom the same again


def _compiled(source: str, kind: type = jinja2.Template) -> jinja2.Template:
    """``kind(source)`` (branca's Element compiles a ``jinja2.Template``, folium's features a
    ``folium.template.Template``), reused for short sources."""
    return _compiled_once(kind, source) if len(source) <= _REUSED_UP_TO else kind(source)


@functools.lru_cache(maxsize=256)
def _compiled_once(kind: type, source: str) -> jinja2.Template:
    return kind(source)


def _compiled_folium(source: str) -> FoliumTemplate:
    return _compiled(source, FoliumTemplate)


class PlainTextElement(_BRANCA_ELEMENT):
    """branca's Element; finished text without Jinja markup is kept, not compiled."""

    def __init__(self, template: str | None = None, template_name: str | None = None) -> None:
        plain = (isinstance(template, str) and template_name is None
                 and not _JINJA_MARKUP.search(template))
        markup = isinstance(template, str) and template_name is None and not plain
        super().__init__(None if plain or markup else template, template_name)
        self._plain_text = template.removesuffix("\n") if plain else None
        if plain or markup:
            self._template_str = template
        if markup:
            self._template = _compiled(template)

    def render(self, **kwargs: object) -> str:
        if self._plain_text is not None:
            return self._plain_text
        return super().render(**kwargs)


def install() -> None:
    """Use :class:`PlainTextElement` for the text branca wraps while rendering, and compiled
    templates again for folium's features (idempotent)."""
    branca.element.Element = PlainTextElement
    folium.features.Template = _compiled_folium


def uninstall() -> None:
    """branca and folium as shipped (tests compare both)."""
    branca.element.Element = _BRANCA_ELEMENT
    folium.features.Template = _FOLIUM_FEATURES_TEMPLATE
