"""Data page: import household registers and boundaries, and see what happened to every row."""

from __future__ import annotations

import streamlit as st

from ui import context, data

view = context.current()
context.page_header("Data", view)

households_tab, boundaries_tab = st.tabs(["Register rumah tangga", "Batas wilayah"])
with households_tab:
    from ui import import_households

    import_households.render(data.engine())
with boundaries_tab:
    from ui import import_boundaries

    import_boundaries.render(data.engine())
