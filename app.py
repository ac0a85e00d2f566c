"""Peta Sinergi: entry point. Page navigation, the shared sidebar, and the first-run demo."""

from __future__ import annotations

import streamlit as st

from geo import config, store
from geo.fmt import fmt_int
from geo.maps import ensure_static_assets
from ui import context, data, filters

# an emoji favicon is a data: URL; a ":material/…:" one is fetched from fonts.gstatic.com
st.set_page_config(page_title="Peta Sinergi", page_icon="🗺️", layout="wide")


def build_demo_if_empty() -> None:
    """On first start (nothing stored), build the fictional demo city with visible progress."""
    version = data.data_version()
    has_snapshots, region_rows = bool(version[0]), version[1][0]
    if has_snapshots or region_rows:
        return
    from geo import demo

    setting = config.demo_households(demo.DEFAULT_HOUSEHOLDS)
    households = setting.count
    if setting.rejected is not None:
        st.warning(f"PETA_DEMO_HOUSEHOLDS={setting.rejected!r} bukan jumlah yang sah (≥ 100); "
                   f"kota contoh dibuat dengan {fmt_int(households)} rumah tangga.")
    with st.status("Menyiapkan kota contoh (data fiktif) untuk pertama kali…",
                   expanded=True) as status:
        bar = st.progress(0.0, text="Mulai…")
        demo.load_demo(data.engine(), n=households,
                  progress=lambda f, t: bar.progress(min(max(f, 0.0), 1.0), text=t))
        status.update(label="Kota contoh siap.", state="complete", expanded=False)
    data.clear_caches()


context.use_explicit_navigation()
ensure_static_assets()
build_demo_if_empty()

pages = [
    st.Page("pages/peta.py", title="Peta", icon=":material/map:", default=True),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
    st.Page("pages/cakupan.py", title="Cakupan & ketepatan sasaran", icon=":material/fact_check:"),
    st.Page("pages/lintas_opd.py", title="Kesenjangan lintas OPD", icon=":material/hub:"),
    st.Page("pages/prioritas.py", title="Prioritas Musrenbang", icon=":material/leaderboard:"),
    st.Page("pages/kualitas_data.py", title="Kualitas data", icon=":material/rule:"),
]
navigation = st.navigation(pages)
st.sidebar.markdown("**Peta Sinergi**  \nPeta perencanaan penanggulangan kemiskinan")
view = context.sidebar_period()
filters.sidebar_filters(view)  # stored for ui.filters.current()
st.session_state["_view"] = context.sidebar_basemap(view)
st.sidebar.caption(f"Basis data: `{store.database_url().split('///')[-1].split('@')[-1]}`")
navigation.run()
