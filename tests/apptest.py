"""Opening a page of the real app under AppTest, the way every page test does it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.testing.v1 import AppTest

DEFAULT_PAGE = "pages/peta.py"


@contextmanager
def fresh_caches() -> Iterator[None]:
    """Streamlit's caches empty before and after (each test sees its own database)."""
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        yield
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


MAP_TABLE = "peta_tabel_tampil"  # the map page's "Tampilkan tabel" toggle


def open_app_page(page: str, **query: str) -> AppTest:
    """``app.py`` run once (with ``query`` in the address), then switched to ``page``; fails on
    any exception the page shows. The map page's table is switched on (shown on request)."""
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state[MAP_TABLE] = True
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != DEFAULT_PAGE:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cell_styles(element) -> dict[tuple[int, int], str]:  # noqa: ANN001
    """(row, column) → the CSS a styled ``st.dataframe`` (an AppTest element) sends for that
    cell, read from the Styler's rules; rows and columns count from 0, as shown."""
    import re

    out: dict[tuple[int, int], str] = {}
    for rule in element.proto.arrow_data.styler.styles.split("}"):
        if "{" not in rule:
            continue
        selectors, body = rule.split("{", 1)
        for selector in selectors.split(","):
            cell = re.search(r"_row(\d+)_col(\d+)\b", selector)
            if cell:
                out[int(cell[1]), int(cell[2])] = body.strip()
    return out
