"""Streamlit helpers of the Usulan Musrenbang page: cached tables, the forms (decision,
entry, import, kamus). The rules are :mod:`geo.proposals`; this module only draws and calls."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import func, select

from geo import access, indicators, store
from geo.indicator_table import tables_from
from geo.proposals import decisions, kamus
from geo.proposals import evidence as pe
from geo.proposals import gaps as pg
from geo.proposals.importer import add_proposal, import_proposals, load_proposals
from geo.proposals.values import REJECTED, SOURCES, STATUSES
from geo.register_errors import ImportFailed
from ui import auth, data


def proposals_version() -> tuple:
    """A cheap fingerprint of the stored proposals, decisions and kamus (one query)."""
    u, d, k = store.usulan.c, store.usulan_keputusan.c, store.kamus_usulan.c
    with data.engine().connect() as conn:
        return tuple(conn.execute(select(
            select(func.max(u.dibuat_pada)).scalar_subquery(),
            select(func.count()).select_from(store.usulan).scalar_subquery(),
            select(func.max(d.id)).scalar_subquery(),
            select(func.max(k.diubah_pada)).scalar_subquery())).one())


@st.cache_data(show_spinner="Menghitung indikator per kelurahan…", max_entries=4)
def need_table(snapshot_id: int, version: tuple, settings_key: tuple) -> pd.DataFrame:
    """The kelurahan table of the whole register (no sidebar filter), from the evaluation the
    map and the planning pages share (the period's cube): no household is read again. With
    the forum flags (what a forum's map hides), cached with it."""
    from ui.planning import _settings_from_key, prepared

    settings = _settings_from_key(settings_key)
    tables, _ = tables_from(prepared(snapshot_id, version, settings),
                            data.region_names(version), ("kelurahan",), settings, forum=True)
    return tables["kelurahan"]


def ranked_and_gaps(snapshot_id: int, version: tuple, settings_key: tuple, proposals: tuple,
                    top: int, shown: frozenset[str], weights: pe.Weights, hide: bool
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(proposals in ``shown`` kelurahan scored under ``weights``, needs in the top ``top``
    no proposal answers). The evidence (of every kelurahan, whatever the area filter) and
    the gaps are cached; only the score, which the weights change, is worked out on a
    rerun."""
    ev = _evidence(snapshot_id, version, settings_key, proposals, top)
    ev = ev[ev["kode"].isin(shown)].reset_index(drop=True)
    gap = _gaps(snapshot_id, version, settings_key, proposals, top, shown, hide)
    return pe.score(ev, weights, hide), gap


@st.cache_data(show_spinner=False, max_entries=4)
def _evidence(snapshot_id: int, version: tuple, settings_key: tuple, proposals: tuple,
              top: int) -> pd.DataFrame:
    props, entries, _ = stored(proposals)
    return pe.evidence_from(need_table(snapshot_id, version, settings_key), entries, props, top)


@st.cache_data(show_spinner=False, max_entries=8)
def _gaps(snapshot_id: int, version: tuple, settings_key: tuple, proposals: tuple, top: int,
          shown: frozenset[str], hide: bool) -> pd.DataFrame:
    table = need_table(snapshot_id, version, settings_key)
    props, entries, _ = stored(proposals)
    return pg.unanswered(table[table["kode"].isin(shown)], props,
                         kamus.opd_indicators(entries), top, hide, table)


@st.cache_data(show_spinner=False, max_entries=4)
def stored(version: tuple) -> tuple[pd.DataFrame, list[kamus.Entry], pd.DataFrame]:
    """(proposals, kamus, decision history) as stored."""
    engine = data.engine()
    return load_proposals(engine), kamus.load(engine), decisions.history(engine)


def clear() -> None:
    stored.clear()


def decision_form(ranked: pd.DataFrame, period: str) -> None:
    """Accept or reject one proposal, with the reason; who and when are recorded."""
    user = auth.visitor()
    if not access.allowed(user, "usulan_decide") or ranked.empty:
        return
    with st.form("usulan_decide"):
        st.markdown("**Keputusan forum**")
        ids = ranked["id"].tolist()
        labels = dict(zip(ids, ranked["kelurahan"] + " · " + ranked["kegiatan"]))
        chosen = st.selectbox("Usulan", ids, format_func=lambda i: f"{i} — {labels[i]}")
        status = st.radio("Keputusan", ["diterima_opd", "masuk_renja", "diverifikasi",
                                        REJECTED], format_func=STATUSES.get, horizontal=True)
        reason = st.text_input("Alasan (wajib bila ditolak)")
        if st.form_submit_button("Simpan keputusan", type="primary"):
            try:
                decisions.decide(data.engine(), chosen, status, user.name, reason, period)
            except ValueError as err:
                st.error(str(err))
                return
            clear()
            st.success(f"Keputusan atas {chosen} tersimpan ({STATUSES[status]}, oleh "
                       f"{user.name}).")


def entry_form(entries: list[kamus.Entry], names: pd.DataFrame) -> None:
    """One proposal entered by hand (checked like a file's row)."""
    user = auth.visitor()
    if not access.allowed(user, "usulan_import"):
        return
    kel = names[names["level"] == "kelurahan"]
    with st.expander("Masukkan usulan baru"), st.form("usulan_entry", clear_on_submit=True):
        a, b = st.columns(2)
        kelurahan = a.selectbox("Kelurahan", kel["kode"].tolist(),
                                format_func=dict(zip(kel["kode"], kel["nama"])).get)
        activity = b.selectbox("Kegiatan (kamus usulan)", [e.kegiatan for e in entries])
        source = a.selectbox("Sumber", list(SOURCES), format_func=SOURCES.get)
        volume = b.text_input("Volume", "1")
        money = a.text_input("Perkiraan biaya (Rp, kosong = biaya kamus × volume)", "")
        problem = b.text_input("Permasalahan", "")
        if st.form_submit_button("Simpan usulan"):
            try:
                ident = add_proposal(data.engine(), {
                    "kode_kelurahan": kelurahan, "kegiatan": activity, "sumber": source,
                    "volume": volume, "anggaran": money, "permasalahan": problem},
                    user.name)
            except ValueError as err:
                st.error(f"Usulan tidak disimpan: {err}")
                return
            clear()
            st.success(f"Usulan {ident} tersimpan.")


NO_PROPOSALS = ("Belum ada usulan Musrenbang yang diimpor. Operator atau admin mengimpor "
                "ekspor usulan (CSV/XLSX SIPD) di bagian “Impor berkas usulan” di bawah, atau "
                "dengan python -m geo proposals import BERKAS. Peta dan daftar kebutuhan yang "
                "belum dijawab usulan tetap berlaku.")


def import_form() -> None:
    user = auth.visitor()
    if not access.allowed(user, "usulan_import"):
        return
    with st.expander("Impor berkas usulan (CSV/XLSX ekspor SIPD)"):
        st.caption("Kolom dikenali dari namanya (id_usulan, desa/kelurahan, kode_kelurahan, "
                   "giat_teks/kegiatan, vol, satuan, pagu/anggaran “Rp 1.250.000”, skpd, "
                   "jenis_usul, status, batal_teks, lat/lng). Impor ulang berkas yang sama "
                   "menggantinya utuh.")
        upload = st.file_uploader("Berkas usulan", type=["csv", "xlsx"], key="usulan_file")
        if upload is None or not st.button("Impor usulan", key="usulan_import"):
            return
        try:
            result = import_proposals(data.engine(), upload, user.name, name=upload.name)
        except ImportFailed as err:
            st.error(str(err))
            return
        clear()
        st.success(f"{result.source}: {result.rows_read} baris dibaca, {result.accepted} "
                   f"diterima, {result.quarantined} dikarantina.")
        if result.reasons:
            st.dataframe(pd.DataFrame({"Alasan": result.reasons}), hide_index=True,
                         width="stretch")


def kamus_section(entries: list[kamus.Entry]) -> None:
    user = auth.visitor()
    with st.expander("Kamus usulan (kegiatan → OPD, satuan, biaya, indikator)"):
        st.caption("Indikator: " + ", ".join(f"`{i}` {indicators.get(i).label}"
                                            for i in indicators.NEED_INDICATORS))
        table = kamus.table(entries)
        if not access.allowed(user, "kamus_edit"):
            st.dataframe(table, hide_index=True, width="stretch")
            return
        edited = st.data_editor(table, num_rows="dynamic", hide_index=True, width="stretch",
                                key="kamus_editor")
        if st.button("Simpan kamus", key="kamus_save"):
            try:
                kamus.save(data.engine(), kamus.from_table(edited), user.name)
            except ValueError as err:
                st.error(f"Kamus tidak disimpan: {err}")
                return
            clear()
            st.success("Kamus usulan tersimpan.")
