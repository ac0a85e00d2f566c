"""Every choice a page offers, chosen once: each option of each selectbox, radio and select
slider, the first and the last option of each multiselect, each toggle and checkbox flipped,
both ends of each slider and bounded number. On every page it must rerun without an
exception: on the demo city as an admin (who sees every section), and on a sparse city
(columns missing, small counts) as an admin and as a forum.

A choice no other test makes can still end a page: the Rujukan map's "Rujukan terbuka" named
a colour palette the maps did not have (KeyError 'OrRd'); Prioritas with one kelurahan chosen
made a slider from 1 to 1. Choices that only appear after
another one (a section's own widgets) are swept too, one level deep. Buttons, uploads and
forms are left to the tests of what they do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import accounts, store
from tests.test_pages_planning import build_db, sidebar_and_page

PROJECT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.stem for p in (PROJECT / "pages").glob("*.py"))
PASSWORD = "sandi-uji-123"
KINDS = ("selectbox", "radio", "multiselect", "select_slider", "toggle", "checkbox", "slider",
         "number_input")


class _Label(str):
    """An option by the text the page shows (what the browser sends back): AppTest would
    pass it through the page's format_func first."""


def _current(widget, kind: str):  # noqa: ANN001, ANN202
    """The widget's value as :func:`_choose` sets it."""
    if kind in ("selectbox", "radio"):
        return None if widget.index is None else _Label(widget.options[widget.index])
    if kind == "multiselect":
        return [_Label(v) for v in widget.values]
    return widget.value


def _to_try(widget, kind: str) -> list:  # noqa: ANN001
    """The values worth one rerun each: every option of a choice; the first and the last
    option alone of a multiselect; the other state of a switch; both ends of a slider or a
    bounded number (a range slider: each end alone)."""
    if kind in ("selectbox", "radio"):
        return [_Label(o) for o in widget.options]
    if kind == "select_slider":
        return list(widget.options)
    if kind == "multiselect":
        return [[_Label(o)] for o in dict.fromkeys(widget.options[:1] + widget.options[-1:])]
    if kind in ("toggle", "checkbox"):
        return [not widget.value]
    if kind == "slider":
        lo, hi = widget.min, widget.max
        return [(lo, lo), (hi, hi)] if isinstance(widget.value, (tuple, list)) else [lo, hi]
    return [v for v in (widget.min, widget.max) if v is not None]


def _choices(at) -> dict[tuple[str, str], list]:  # noqa: ANN001
    """(kind, key) -> the values to try, for every keyed widget now on the page."""
    found: dict[tuple[str, str], list] = {}
    for kind in KINDS:
        for widget in getattr(at, kind):
            key = widget.key
            if key and not key.startswith("$$"):  # unkeyed: not reachable again by key
                found[(kind, key)] = _to_try(widget, kind)
    return found


def _widget(at, kind: str, key: str):  # noqa: ANN001, ANN202
    try:
        return getattr(at, kind)(key=key)
    except KeyError:  # gone after an earlier choice
        return None


def _choose(at, kind: str, key: str, value) -> bool:  # noqa: ANN001
    """Set the widget to ``value`` and rerun; False when that is not possible (the widget is
    gone, the option no longer offered, or already the value)."""
    widget = _widget(at, kind, key)
    if widget is None or value == _current(widget, kind):
        return False
    offered = widget.options if kind in ("selectbox", "radio", "multiselect",
                                         "select_slider") else None
    if offered is not None and not set([value] if isinstance(value, str) else value) <= set(
            offered):
        return False
    widget.set_value(value)
    at.run()
    return True


@pytest.fixture
def labels_as_sent(monkeypatch):  # noqa: ANN001, ANN201
    from streamlit.testing.v1 import element_tree

    formatted = element_tree._format_value_for_widget  # noqa: SLF001
    monkeypatch.setattr(element_tree, "_format_value_for_widget",
                        lambda f, v: v if isinstance(v, _Label) else formatted(f, v))


# a register without desil, programs, drinking water or roof (an export lacking columns: every
# figure of them unknown), 300 households over 44 kelurahan (small counts everywhere)
SPARSE_BLANK = ("desil", "penerima_bpnt", "penerima_pkh", "penerima_pbi_jkn", "penerima_kip",
                "penerima_blt", "penerima_rtlh", "sumber_air_minum", "jenis_atap")
CASES = [("demo", "admin"), ("sparse", "admin"), ("sparse", "forum")]


@pytest.fixture
def city(request, app_env, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """The demo city (referral log, proposals and all), or the sparse one."""
    if request.param == "sparse":
        url = f"sqlite:///{tmp_path / 'sparse.sqlite'}"
        build_db(url, n=300, blank=SPARSE_BLANK)
        monkeypatch.setenv("PETA_DB_URL", url)
    return request.param


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("city", "role"), CASES, indirect=["city"],
                         ids=[f"{c}-{r}" for c, r in CASES])
def test_every_choice_on_the_page_reruns_without_an_exception(page, city, role, monkeypatch,
                                                              labels_as_sent):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui.auth import SESSION_KEY

    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("PETA_TEST_PAGE", str(PROJECT / "pages" / f"{page}.py"))
    st.cache_data.clear()
    st.cache_resource.clear()
    engine = store.get_engine()
    accounts.add_user(engine, "uji", role, PASSWORD)
    at = AppTest.from_function(sidebar_and_page, default_timeout=180)
    at.session_state[SESSION_KEY] = accounts.login(engine, "uji", PASSWORD)[1]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    first = _choices(at)
    tried = 0
    for (kind, key), values in first.items():
        start = _widget(at, kind, key)
        if start is None:
            continue
        initial = _current(start, kind)
        for value in values:
            if not _choose(at, kind, key, value):
                continue
            tried += 1
            assert not at.exception, (page, kind, key, value, [e.value for e in at.exception])
            # one level deeper: what this choice brought onto the page
            for (kind2, key2), values2 in _choices(at).items():
                if (kind2, key2) in first:
                    continue
                for value2 in values2:
                    if _choose(at, kind2, key2, value2):
                        tried += 1
                        assert not at.exception, (page, key, value, kind2, key2, value2,
                                                  [e.value for e in at.exception])
        if initial is not None:
            _choose(at, kind, key, initial)  # back, so the next one starts from the default
    assert tried or not first, page
