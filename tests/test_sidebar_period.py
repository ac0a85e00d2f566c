"""The sidebar's period picker (ui/context.py): which period a page opens on, and how the
fictional demo is named beside real data."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo import store
from tests.apptest import fresh_caches
from tests.map_fixtures import write_city

SCRIPT = """
import streamlit as st
from ui import context
view = context.sidebar_period()
st.write(f"dibuka: {view.snapshot['period']}")
"""


def test_a_page_opens_on_the_newest_real_register_not_on_a_newer_demo(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'periods.sqlite'}"
    monkeypatch.setenv("PETA_DB_URL", url)
    engine = store.get_engine(url)
    for period in ("2026-03", "2026-09"):
        write_city(engine, n=300, n_kelurahan=4, n_kecamatan=2, period=period)
    with engine.begin() as conn:  # the demo city is September, the real register March
        for period, demo in (("2026-03", False), ("2026-09", True)):
            conn.execute(store.snapshots.update().where(store.snapshots.c.period == period)
                         .values(is_demo=demo))
    with fresh_caches():
        at = AppTest.from_string(SCRIPT, default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        box = at.sidebar.selectbox[0]
        assert box.value == "2026-03" and "dibuka: 2026-03" in at.markdown[0].value
        assert box.format_func("2026-09") == "September 2026 (contoh fiktif)"
        assert box.format_func("2026-03") == "Maret 2026"
        assert "periode" not in at.query_params  # the default needs no parameter
        at = AppTest.from_string(SCRIPT, default_timeout=60)  # a link may still open the demo
        at.query_params["periode"] = "2026-09"
        at.run()
        assert "dibuka: 2026-09" in at.markdown[0].value
