"""Data page, periods: the period of an upload proposed from the file and confirmed, the question
before an import replaces a period, deleting a period (admin/operator), and the offer to delete
the demo once real data is in. The rules are in :mod:`geo.periods`."""

from __future__ import annotations

from datetime import date

import streamlit as st
from sqlalchemy import Engine

from geo import access, periods
from geo.fmt import fmt_int, fmt_period
from ui import auth, data


def period_input(upload) -> str:  # noqa: ANN001
    """The period field: proposed from the upload (title row, else file name) once per file,
    then whatever the user writes; the current month only when the file names none."""
    name = getattr(upload, "name", None)
    if upload is not None and st.session_state.get("hh_period_for") != name:
        proposed, where = periods.propose(upload, name)
        st.session_state["hh_period_for"] = name
        st.session_state["hh_period_from"] = where
        if proposed:
            st.session_state["hh_period"] = proposed
    if "hh_period" not in st.session_state:
        today = date.today()
        st.session_state["hh_period"] = f"{today.year}-{today.month:02d}"
    period = st.text_input("Periode data (TTTT-BB)", key="hh_period")
    where = st.session_state.get("hh_period_from")
    if upload is not None:
        st.caption(f"Periode diusulkan dari {where}: periksa dan koreksi bila perlu sebelum "
                   "mengimpor." if where else
                   "Berkas tidak menyebut periode: isi periode kondisi datanya (bukan bulan "
                   "impor).")
    return period.strip()


def replace_allowed(engine: Engine, period: str) -> bool:
    """False until the user confirms replacing an existing ``period`` (True if it is new)."""
    if not periods.is_valid(period) or not periods.exists(engine, period):
        return True
    st.warning(periods.replace_question(period), icon=":material/warning:")
    return st.checkbox(f"Ya, ganti periode {fmt_period(period)}", key=f"hh_replace_{period}")


def offer_demo_delete(engine: Engine, imported_demo: bool = False) -> None:
    """After the first real register: offer to delete the fictional demo period(s)."""
    demo = periods.demo_periods(engine)
    real = [p for p in periods.list_periods(engine).query("~contoh")["periode"]]
    if not demo or not real or imported_demo or not access.allowed(auth.visitor(),
                                                                   "delete_period"):
        return
    st.info(f"Register sungguhan sudah masuk. Periode contoh fiktif "
            f"({', '.join(map(fmt_period, demo))}) masih tersimpan di sampingnya.",
            icon=":material/info:")
    if st.button("Hapus periode contoh", key="hh_delete_demo"):
        for period in demo:
            _delete(engine, period)
        st.rerun()


def manage(engine: Engine) -> None:
    """Deleting one stored period, for those allowed (admin, operator), after a confirmation."""
    if not access.allowed(auth.visitor(), "delete_period"):
        return
    table = periods.list_periods(engine)
    if table.empty:
        return
    with st.expander("Hapus satu periode"):
        period = st.selectbox("Periode", table["periode"].tolist(), key="hh_delete_period",
                              format_func=lambda p: fmt_period(p) + (
                                  " (data contoh)" if p in periods.demo_periods(engine) else ""))
        row = table.set_index("periode").loc[period]
        st.caption(f"Menghapus {fmt_int(row['rumah_tangga'])} rumah tangga, "
                   f"{fmt_int(row['dikarantina'])} baris karantina dan cache periode ini; "
                   "periode lain dan batas wilayah tidak berubah. Tercatat di jejak audit.")
        sure = st.checkbox(f"Ya, hapus periode {fmt_period(period)}",
                           key=f"hh_delete_sure_{period}")
        if st.button("Hapus periode", disabled=not sure, key="hh_delete_button"):
            _delete(engine, period)
            st.rerun()


def _delete(engine: Engine, period: str) -> None:
    who = auth.visitor()
    access.check(who, "delete_period")
    done = periods.delete_period(engine, period, who.name if who else None)
    data.clear_caches()
    st.session_state["hh_deleted"] = (f"Periode {fmt_period(period)} dihapus "
                                      f"({fmt_int(done['rumah_tangga'])} rumah tangga).")
