"""Pengguna (admin): accounts, roles and area scope."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import accounts
from geo.accounts import AccountError
from ui import auth, data

admin = auth.require("pengguna")
st.title("Pengguna")
engine = data.engine()

users = accounts.list_users(engine)
st.dataframe(pd.DataFrame({
    "Nama pengguna": [u.name for u in users],
    "Peran": [u.role for u in users],
    "Wilayah": [", ".join(u.areas) or "semua" for u in users],
    "Status": ["nonaktif" if u.disabled else "aktif" for u in users],
}), hide_index=True, width="stretch", key="users_table")
with st.expander("Peran dan haknya"):
    for role, text in accounts.ROLES.items():
        st.markdown(f"- **{role}**: {text}")

st.subheader("Tambah pengguna")
with st.form("user_add", clear_on_submit=True):
    name = st.text_input("Nama pengguna baru")
    role = st.selectbox("Peran", list(accounts.ROLES))
    areas = st.text_input("Wilayah (kode kecamatan/kelurahan, pisahkan dengan koma; kosong = "
                          "semua)")
    password = st.text_input("Kata sandi awal", type="password")
    if st.form_submit_button("Tambah", type="primary"):
        try:
            accounts.add_user(engine, name, role, password,
                              [a.strip() for a in areas.split(",") if a.strip()],
                              by=admin.name)
            st.success(f"Pengguna {name} ditambahkan.")
        except AccountError as err:
            st.error(str(err))

st.subheader("Ubah pengguna")
names = [u.name for u in users if not u.disabled]
if names:
    with st.form("user_change"):
        who = st.selectbox("Pengguna", names)
        new_password = st.text_input("Kata sandi baru (kosong = tidak diganti)",
                                     type="password")
        disable = st.checkbox("Nonaktifkan akun ini")
        if st.form_submit_button("Simpan"):
            try:
                if new_password:
                    accounts.set_password(engine, who, new_password, by=admin.name)
                if disable:
                    if who == admin.name:
                        raise AccountError("Anda tidak dapat menonaktifkan akun sendiri.")
                    accounts.disable_user(engine, who, by=admin.name)
                st.success("Tersimpan.")
            except AccountError as err:
                st.error(str(err))
