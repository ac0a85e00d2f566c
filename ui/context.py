"""What every page shares: the chosen period (snapshot) and the data version."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from geo import config, store
from geo.fmt import fmt_date, fmt_period
from geo.link import unlinked_warning
from geo.maps import tiles_reachable
from ui import data

DEMO_NOTICE = ("Data contoh, fiktif — kota, nama dan angka rekaan untuk mencoba aplikasi. "
               "Aplikasi terbuka tanpa login sampai data sungguhan diimpor (impor memerlukan "
               "akun admin).")


PHONE_AGENT = re.compile(r"Mobi|Android|iPhone|iPod", re.IGNORECASE)


def on_phone() -> bool:
    """Whether the browser says it is a phone's (User-Agent): pages fold their controls
    away so the map is on the first screen."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # noqa: BLE001  (no request: AppTest, a bare script run)
        agent = ""
    return bool(PHONE_AGENT.search(agent))


@dataclass(frozen=True)
class View:
    version: tuple
    snapshot: dict | None  # the chosen period's snapshot row, or None when nothing is loaded
    basemap: str | None = None  # tile URL when the user asked for a basemap and it answers

    @property
    def period_label(self) -> str:
        if not self.snapshot:
            return "–"
        label = (f"Periode data {fmt_period(self.snapshot['period'])} · diimpor "
                 f"{fmt_date(pd.Timestamp(self.snapshot['imported_at']))}")
        return label + (" · data contoh, fiktif" if self.snapshot.get("is_demo") else "")


def sidebar_period() -> View:
    """The period picker in the sidebar (kept in the URL as ``periode``)."""
    version = data.data_version()
    snaps = data.snapshots(version)
    if snaps.empty:
        return View(version, None)
    periods = snaps["period"].tolist()
    default = store.default_period(snaps)  # the newest real register, not the demo beside it
    fictional = set(snaps.loc[snaps["is_demo"].astype(bool), "period"])
    wanted = st.query_params.get("periode")
    index = periods.index(wanted if wanted in periods else default)
    period = st.sidebar.selectbox(
        "Periode data", periods, index=index, key="periode",
        format_func=lambda p: fmt_period(p) + (" (contoh fiktif)" if p in fictional
                                              and len(fictional) < len(periods) else ""))
    if period != default or "periode" in st.query_params:
        st.query_params["periode"] = period
    snapshot = snaps[snaps["period"] == period].iloc[0].to_dict()
    return View(version, snapshot)


def current() -> View:
    """The view chosen in the sidebar on this run (set by ui.frame.sidebar)."""
    view = st.session_state.get("_view")
    if view is None and not st.session_state.get("_rerouted"):
        route_through_app()
    return view or View(data.data_version(), None)


def use_explicit_navigation() -> None:
    """Tell Streamlit that pages are named with ``st.navigation`` in app.py.

    Streamlit still treats a folder named ``pages/`` beside the main script as the old
    multipage layout, and then runs a deep link (``/prioritas?kec=…``, a link a forum shares)
    as the bare page, without app.py's sidebar, filters and data. The flag is process-wide.
    """
    PagesManager.uses_pages_directory = False


def route_through_app() -> None:
    """A page ran without app.py (a deep link in a fresh process): rerun through app.py."""
    use_explicit_navigation()
    st.session_state["_rerouted"] = True
    st.rerun()


def page_header(title: str, view: View) -> None:
    st.title(title)
    if view.snapshot:
        st.caption(view.period_label)
        if view.snapshot.get("is_demo"):
            st.info(DEMO_NOTICE, icon="ℹ️")
        warning = unlinked_warning(view.snapshot.get("unlinked", 0),
                                   view.snapshot.get("accepted", 0))
        if warning:
            st.warning(warning)


NO_DATA_HINT = "Belum ada data rumah tangga. Impor register di halaman **Data**."


def page_with_data(title: str) -> View:
    """Title and period of a page that needs households; stops with a hint when none are
    loaded."""
    view = current()
    page_header(title, view)
    if not view.snapshot:
        st.warning(NO_DATA_HINT)
        st.stop()
    return view


@st.cache_data(ttl=300, show_spinner="Memeriksa jaringan untuk peta dasar…")
def _tiles_answer(url: str) -> bool:
    return tiles_reachable(url)


def sidebar_basemap(view: View) -> View:
    """A tile basemap (OpenStreetMap, or ``PETA_TILES_URL``), off by default; it stays off when
    no network answers."""
    wanted = st.sidebar.toggle("Peta dasar", value=False, key="peta_dasar",
                               help="Perlu internet. Tanpa jaringan peta tetap tampil tanpa "
                                    "peta dasar.")
    if not wanted:
        return view
    url = config.tiles_url()
    if not _tiles_answer(url):
        st.sidebar.caption("Peta dasar tidak tersedia: jaringan tidak menjawab.")
        return view
    return replace(view, basemap=url)
