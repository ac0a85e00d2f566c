"""Jejak audit (admin): who did what and when; read-only, filterable, exportable."""

from __future__ import annotations

import streamlit as st

from geo import audit
from geo.fmt import fmt_int
from ui import auth, data, explorer

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
auth.download_button(st, "Unduh CSV", lambda: explorer.csv_bytes(trail), "jejak_audit.csv",
                     what="view_audit", mime="text/csv", key="audit_csv")
