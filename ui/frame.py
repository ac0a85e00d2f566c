"""The frame around every page: page settings, the first-run demo, page navigation and the
shared sidebar (period, filters, basemap). ``app.py`` calls :func:`run_frame`; the AppTest
helpers call it with the page to run (AppTest reruns only the page of an ``st.navigation``
app when a ``pages/`` folder exists, so they run the page inside the same frame directly)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo import access, config, store
from geo.accounts import User
from geo.fmt import fmt_int
from geo.maps import ensure_static_assets
from ui import auth, context, control_words, data, filters
from ui.context import View

# (script, title, icon); the first is the default page
PAGES = (
    ("pages/peta.py", "Peta", ":material/map:"),
    ("pages/ringkasan.py", "Ringkasan", ":material/dashboard:"),
    ("pages/data.py", "Data", ":material/upload_file:"),
    ("pages/cakupan.py", "Cakupan & ketepatan sasaran", ":material/fact_check:"),
    ("pages/lintas_opd.py", "Kesenjangan lintas OPD", ":material/hub:"),
    ("pages/prioritas.py", "Prioritas Musrenbang", ":material/leaderboard:"),
    ("pages/rujukan.py", "Rujukan SLRT", ":material/support_agent:"),
    ("pages/usulan.py", "Usulan Musrenbang", ":material/how_to_vote:"),
    ("pages/kualitas_data.py", "Kualitas data", ":material/rule:"),
    ("pages/pengguna.py", "Pengguna", ":material/group:"),
    ("pages/audit.py", "Jejak audit", ":material/history:"),
)


_DEMO_WARNING = "_demo_size_warning"  # the demo was built with another size than asked


def page_id(path: str) -> str:
    """``pages/peta.py`` -> ``peta``: the page's name in :data:`geo.access.PAGES`."""
    return Path(path).stem


def build_demo_if_empty() -> None:
    """On first start (nothing stored), build the fictional demo city with visible progress."""
    version = data.data_version()
    has_snapshots, region_rows = bool(version[0]), version[1][0]
    if has_snapshots or region_rows:
        return
    from geo import demo

    setting = config.demo_households(demo.DEFAULT_HOUSEHOLDS)
    households = setting.count
    if setting.rejected is not None:  # kept for the session: the root address reruns
        st.session_state[_DEMO_WARNING] = (
            f"PETA_DEMO_HOUSEHOLDS={setting.rejected!r} bukan jumlah yang sah (≥ 100); kota "
            f"contoh dibuat dengan {fmt_int(households)} rumah tangga.")
        st.warning(st.session_state[_DEMO_WARNING])
    with st.status("Menyiapkan kota contoh (data fiktif) untuk pertama kali…",
                   expanded=True) as status:
        bar = st.progress(0.0, text="Mulai…")
        demo.load_demo(data.engine(), n=households,
                       progress=lambda f, t: bar.progress(min(max(f, 0.0), 1.0), text=t))
        status.update(label="Kota contoh siap.", state="complete", expanded=False)
    data.clear_caches()


def sidebar(user: User) -> View:
    """The shared sidebar; the view it chooses is kept for the page (``context.current``)."""
    st.sidebar.markdown("**Peta Sinergi**  \nPeta perencanaan penanggulangan kemiskinan")
    auth.sidebar_account(user)
    view = context.sidebar_period()
    filters.sidebar_filters(view, user)  # stored for ui.filters.current()
    view = context.sidebar_basemap(view)
    st.session_state["_view"] = view
    if access.allowed(user, "database_path"):
        st.sidebar.caption(
            f"Basis data: `{store.database_url().split('///')[-1].split('@')[-1]}`")
    return view


def _go_on_to(page: st.Page) -> None:
    """The root address (a shared map link is ``/?kec=…``): on to the user's start page, with
    the link's choices."""
    st.switch_page(page, query_params=st.query_params.to_dict())


def run_page(path: str) -> None:
    """Run a page script in this run (what ``st.navigation`` does for the chosen page)."""
    with open(path, encoding="utf-8") as fh:
        exec(compile(fh.read(), path, "exec"), {"__name__": "__page__"})


def run_frame(page_path: str | None = None) -> None:
    """One run of the app: the frame, then the page chosen in the navigation, or
    ``page_path`` (a page script, run without ``st.navigation``)."""
    # an emoji favicon is a data: URL; a ":material/…:" one is fetched from fonts.gstatic.com
    st.set_page_config(page_title="Peta Sinergi", page_icon="🗺️", layout="wide")
    if page_path is None:
        context.use_explicit_navigation()  # the deep-link fix: see ui.context
    ensure_static_assets()
    st.html(control_words.stylesheet(st.get_option("server.maxUploadSize")))
    if _DEMO_WARNING in st.session_state:  # shown again after the start page's rerun
        st.warning(st.session_state[_DEMO_WARNING])
    build_demo_if_empty()
    user = auth.identify()
    allowed = [p for p in PAGES if access.allowed(user, page_id(p[0]))] or list(PAGES[:1])
    home = access.home_page(user)  # a role's own start page (leadership: Ringkasan) first
    allowed.sort(key=lambda p: page_id(p[0]) != home)
    navigation, pages = None, {}
    if page_path is None:
        # every page is registered (hidden) under its own address (/peta, /ringkasan…), so a
        # link names its page before and after login, and a refused one shows the page's own
        # refusal (geo.access); the sidebar links only the pages the user may open. The
        # app's root address is a page of its own that goes on to the user's start page
        # (Streamlit gives its default page no address of its own: /peta was "Page not found")
        pages = {path: st.Page(path, title=title, icon=icon) for path, title, icon in PAGES}
        start = st.Page(lambda: _go_on_to(pages[allowed[0][0]]),  # the role's start page
                        title="Peta Sinergi", url_path="mulai", default=True)
        navigation = st.navigation([start, *pages.values()], position="hidden")
    user = auth.gate()  # the login (or first-admin) form when nobody may look
    for path, title, icon in allowed if pages else ():
        st.sidebar.page_link(pages[path], label=title, icon=icon)
    if pages:
        st.sidebar.divider()
    sidebar(user)
    if navigation is None:
        run_page(page_path)
    else:
        navigation.run()
