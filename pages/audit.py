"""Jejak audit (admin): who did what and when; read-only, filterable, exportable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import audit, exports
from geo.fmt import fmt_int
from ui import auth, data, downloads

admin = auth.require("audit")
st.title("Jejak audit")
st.caption("Catatan setiap masuk, gagal masuk, impor, unduhan, tampilan daftar rumah tangga, "
           "NIK yang dibuka dan perubahan pengguna. Hanya bisa ditambah: tidak ada yang dapat "
           "mengubah atau menghapusnya, juga admin.")
trail = audit.entries(data.engine())
a, b = st.columns(2)
who = a.selectbox("Pengguna", ["Semua", *sorted(trail["pengguna"].dropna().unique())],
                  key="audit_user")
what = b.selectbox("Tindakan", ["Semua", *audit.ACTIONS], key="audit_action",
                   format_func=lambda k: audit.ACTIONS.get(k, k))
if who != "Semua":
    trail = trail[trail["pengguna"] == who]
if what != "Semua":
    trail = trail[trail["tindakan"] == what]
st.markdown(f"**{fmt_int(len(trail))} catatan**")
shown = trail.iloc[::-1].fillna({"pengguna": "–"}).rename(columns=str.capitalize)
st.dataframe(shown, hide_index=True, width="stretch", key="audit_table")
downloads.table_downloads(
    "jejak_audit", "audit",
    lambda: exports.Table(trail, "Jejak audit", {c: c.capitalize() for c in trail.columns}),
    notes=lambda: pd.DataFrame([("Isi", "Jejak audit, urut dari yang terlama"),
                                ("Pengguna", who), ("Tindakan", audit.ACTIONS.get(what, what))],
                               columns=["Keterangan", "Isi"]),
    what="view_audit")
