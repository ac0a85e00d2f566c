"""Data page, household register section: upload, mapping preview and correction, import with
progress, then the account of every row (quarantine and unlinked rows with reasons)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from geo import audit, exports, periods, register_files, snapshot_cache, store
from geo import households as hh
from geo.fmt import fmt_int, fmt_period, plain
from geo.privacy import mask_record, mask_text
from geo.schema import HOUSEHOLD_COLUMNS
from ui import auth, data, downloads
from ui import periods as ui_periods

COUNT_LABELS = {
    "rows_read": "Baris dibaca", "accepted": "Diterima", "quarantined": "Dikarantina",
    "linked_by_code": "Tertaut lewat kode", "linked_by_name": "Tertaut lewat nama",
    "linked_by_point": "Tertaut lewat titik", "unlinked": "Belum tertaut",
    "conflicts": "Konflik kode–titik",
}
IGNORE = "(abaikan)"
NO_PROFILE = "(tanpa profil)"
CHOOSE = "(pilih)"
UNMAPPED = "—"


def upload_limit_mb() -> int:
    """The smaller of Streamlit's upload limit and the importer's own."""
    try:
        streamlit_mb = int(st.get_option("server.maxUploadSize"))
    except Exception:  # noqa: BLE001
        streamlit_mb = 200
    return min(streamlit_mb, register_files.MAX_FILE_BYTES // 1024**2)


def _fmt(n: object) -> str:
    try:
        return fmt_int(int(n))
    except Exception:  # noqa: BLE001
        return str(n)


def render(engine: Engine, can_import: bool = True) -> None:
    """Draw the household-import section (works on an empty database too); without
    ``can_import`` only what is stored."""
    st.subheader("Impor register rumah tangga")
    limit = upload_limit_mb()
    st.caption(
        f"CSV (pemisah , ; tab), Excel .xlsx atau Parquet, paling besar {limit} MB per unggahan. "
        "Berkas lebih besar: pakai baris perintah `python -m geo import-households BERKAS "
        "--period TTTT-BB`. Kolom dipetakan otomatis dan bisa dikoreksi sebelum impor.")
    if not can_import:
        _stored(engine)
        return
    upload = st.file_uploader("Berkas register", type=["csv", "txt", "xlsx", "parquet"],
                              key="hh_upload")
    period = ui_periods.period_input(upload)
    if upload is not None:
        _preview_and_import(engine, upload, period)
    last = st.session_state.get("hh_result")
    if last:
        _account(last["counts"], last.get("report", {}), last.get("source", ""))
    ui_periods.offer_demo_delete(engine)  # whenever real data sits beside the demo
    deleted = st.session_state.pop("hh_deleted", None)
    if deleted:
        st.success(deleted)
    _stored(engine)
    ui_periods.manage(engine)


def _preview_and_import(engine: Engine, upload, period: str) -> None:  # noqa: ANN001
    overrides: dict[str, str] = st.session_state.setdefault("hh_overrides", {})
    if st.session_state.get("hh_upload_name") != upload.name:
        overrides.clear()
        st.session_state["hh_choice"] = {}
        st.session_state["hh_values"] = {}
        st.session_state["hh_upload_name"] = upload.name
    choice = st.session_state.setdefault("hh_choice", {})
    own: dict[str, dict[str, object]] = st.session_state.setdefault("hh_values", {})
    profiles = store.value_profiles(engine)
    profile = NO_PROFILE
    if profiles:
        profile = st.selectbox(
            "Profil pemetaan nilai tersimpan", [NO_PROFILE, *profiles], key="hh_profile",
            help="Pemetaan nilai yang disimpan dari berkas sebelumnya (mis. bulan lalu); "
                 "nilainya menang atas daftar kode dan frasa.")
    entries = hh.merge_entries(profiles.get(profile, {}), own)
    code_lists: dict[str, str] = choice.setdefault("code_lists", {})
    try:
        plan = hh.plan_import(upload, overrides, source_name=upload.name,
                              sheet=choice.get("sheet"), code_list=code_lists,
                              values=entries, profiles=profiles)
    except hh.ImportFailed as err:
        st.error(str(err))
        return
    fmt = plan.format
    if fmt.kind == "xlsx" and len(fmt.sheets) > 1:
        sheet = st.selectbox("Lembar Excel", fmt.sheets, index=fmt.sheets.index(fmt.sheet),
                             key=f"hh_sheet_{upload.name}")
        if sheet != fmt.sheet:
            choice["sheet"] = sheet
            st.rerun()
    where = (f"lembar {fmt.sheet!r}" if fmt.kind == "xlsx" else
             f"pemisah {fmt.delimiter!r}, pengodean {fmt.encoding}" if fmt.kind == "csv"
             else "Parquet")
    if fmt.sheets_note():
        st.info(plain(fmt.sheets_note()))
    st.write(f"**{plain(plan.source)}** — {plain(where)}, kepala kolom di baris "
             f"{fmt.header_row}.")

    st.markdown("**Pemetaan kolom** (koreksi bila perlu)")
    options = [IGNORE, *register_files.TARGET_COLUMNS]
    table = pd.DataFrame({
        "kolom berkas": fmt.headers,
        "kolom tabel": [plan.mapping.get(h, IGNORE) for h in fmt.headers],
    })
    edited = st.data_editor(
        table, hide_index=True, disabled=["kolom berkas"], key=f"hh_map_{upload.name}",
        column_config={"kolom tabel": st.column_config.SelectboxColumn(options=options)})
    new_overrides = {}
    for h, c in zip(edited["kolom berkas"], edited["kolom tabel"]):
        detected = plan.mapping.get(h, IGNORE)
        if c != detected:
            new_overrides[h] = "" if c == IGNORE else c
    if new_overrides:
        overrides.update(new_overrides)
        st.rerun()
    if plan.missing_columns:
        st.caption("Kolom tabel tanpa pasangan (dibiarkan kosong): "
                   + ", ".join(plan.missing_columns))
    _code_lists(plan, code_lists, upload.name)
    _value_table(plan, own, upload.name)
    _save_profile(engine, entries)
    with st.expander("Contoh baris (NIK dan No. KK disamarkan)"):
        st.dataframe(plan.sample.drop(columns=["_row"], errors="ignore"), hide_index=True)

    if plan.undecided:
        st.caption("Tombol Impor aktif setelah daftar kode setiap kolom di atas dipilih.")
    may_replace = ui_periods.replace_allowed(engine, period)
    if st.button("Impor", type="primary", key="hh_import",
                 disabled=bool(plan.undecided) or not may_replace):
        bar = st.progress(0.0, text="Mulai…")
        replaced = periods.exists(engine, period)
        try:
            result = hh.import_households(
                engine, upload, period, mapping=overrides, source_name=upload.name,
                sheet=choice.get("sheet"), code_list=code_lists, values=entries,
                progress=lambda f, t: bar.progress(f, text=t))
        except hh.ImportFailed as err:
            bar.empty()
            st.error(f"Impor gagal, data lama tidak berubah. {plain(err)}")
            return
        except Exception as err:  # noqa: BLE001
            bar.empty()
            st.error(f"Impor gagal karena kesalahan tak terduga ({type(err).__name__}); data "
                     "lama tidak berubah. Laporkan ke pengelola aplikasi.")
            return
        st.session_state["hh_result"] = {"counts": result.counts, "report": result.report,
                                         "source": upload.name}
        who = auth.visitor()
        audit.record_import(engine, who.name if who else None, "import_households",
                            upload.name, period, replaced, result.counts)
        bar.empty()
        data.clear_caches()
        st.success(f"Periode {period} tersimpan.")


def _code_lists(plan: hh.ImportPlan, chosen: dict[str, str], name: str) -> None:
    """The code list of each numbered column; a choice for those neither fit nor header
    decides (and for those the user already chose)."""
    used = [c for c in plan.code_choices.values() if c.numbers]
    if not used:
        return
    st.caption("Daftar kode jawaban per kolom (dipilih menurut kecocokan angka): " + "; ".join(
        f"{plain(c.header)}: {c.chosen or 'belum dipilih'}"
        + (f" (cocok {c.fits.get(c.chosen, 0):.0%}, {c.by})" if c.chosen else "")
        for c in used))
    for c in used:
        if not (c.undecided or c.column in chosen):
            continue
        if c.undecided:
            st.warning(f"Kolom {plain(c.header)} ({c.column}): {plain(c.problem)}. Pilih daftar "
                       "kodenya; "
                       "angka yang tidak ada di daftar dilaporkan, tidak ditebak.")
        options = [CHOOSE, *c.fits]
        picked = st.selectbox(f"Daftar kode untuk {plain(c.header)}", options,
                              index=options.index(chosen.get(c.column, CHOOSE)),
                              key=f"hh_codes_{name}_{c.column}",
                              format_func=lambda n, c=c: n if n == CHOOSE else
                              f"{n} (cocok {c.fits[n]:.0%})")
        if picked != chosen.get(c.column, CHOOSE):
            if picked == CHOOSE:
                chosen.pop(c.column, None)
            else:
                chosen[c.column] = picked
            st.rerun()


def _value_table(plan: hh.ImportPlan, own: dict[str, dict[str, object]], name: str) -> None:
    """The values met at the start of the file and what they become; editable."""
    rows = hh.value_rows(plan)
    unmapped = any(r["menjadi"] is None for r in rows)
    with st.expander("Pemetaan nilai (contoh dari awal berkas; bisa dikoreksi)",
                     expanded=unmapped):
        st.caption("Nilai yang tidak bisa dipetakan dibiarkan kosong dan dilaporkan, tidak "
                   "ditebak. Ubah kolom 'menjadi' untuk memetakannya; koreksi bisa disimpan "
                   "sebagai profil.")
        if not rows:
            return
        table = pd.DataFrame(rows)
        table["menjadi"] = table["menjadi"].map(lambda v: UNMAPPED if v is None else str(v))
        options = [UNMAPPED, *hh.value_options()]
        edited = st.data_editor(
            table, hide_index=True, disabled=["kolom", "nilai di berkas"],
            key=f"hh_values_{name}",
            column_config={"menjadi": st.column_config.SelectboxColumn(options=options)})
        changed = False
        for column, value, before, after in zip(table["kolom"], table["nilai di berkas"],
                                                table["menjadi"], edited["menjadi"]):
            if after == before or after in (None, UNMAPPED):
                continue
            try:
                hh.check_entry(column, value, after)
            except hh.ValueEntryError as err:
                st.warning(plain(err))
                continue
            own.setdefault(column, {})[value] = after
            changed = True
        if changed:
            st.rerun()


def _save_profile(engine: Engine, entries: dict[str, dict[str, object]]) -> None:
    cols = st.columns([3, 1])
    name = cols[0].text_input("Nama profil pemetaan nilai", key="hh_profile_name",
                              placeholder="mis. Dinsos kota 2026")
    if cols[1].button("Simpan sebagai profil", key="hh_profile_save"):
        if not entries:
            st.warning("Belum ada pemetaan nilai buatan sendiri untuk disimpan: ubah dulu "
                       "kolom 'menjadi' di tabel pemetaan nilai.")
        else:
            try:
                store.save_value_profile(engine, name, entries)
            except ValueError as err:
                st.error(plain(err))
            else:
                st.success(f"Profil {plain(repr(name.strip()))} tersimpan; pilih lagi untuk berkas "
                           "berikutnya.")


def _account(counts: dict, report: dict, source: str) -> None:
    st.markdown(f"**Hasil impor {plain(source)}**")
    cols = st.columns(4)
    for i, key in enumerate(store.COUNT_KEYS):
        cols[i % 4].metric(COUNT_LABELS[key], _fmt(counts.get(key, 0)))
    if report.get("sheets_note"):
        st.info(plain(report["sheets_note"]))
    values = report.get("unmapped_values") or {}
    if values:
        st.warning("Nilai yang tidak bisa dipetakan (dibiarkan kosong, tidak ditebak): "
                   + "; ".join(f"{plain(c)}: " + ", ".join(
                       f"{plain(k)} ({_fmt(n)} baris)" for k, n in list(v.items())[:6])
                       for c, v in values.items()))
    repairs = report.get("repairs") or {}
    if repairs:
        st.caption("Perbaikan format yang pasti (dicatat per baris): " + ", ".join(
            f"{k.replace('_', ' ')} {_fmt(v)}" for k, v in repairs.items()))


def _stored(engine: Engine) -> None:
    snaps = store.list_snapshots(engine)
    if snaps.empty:
        st.info("Belum ada register yang diimpor.")
        return
    st.markdown("**Periode tersimpan**")
    shown = snaps[["period", "source_file", *store.COUNT_KEYS]].copy()
    for key in store.COUNT_KEYS:
        shown[key] = shown[key].map(_fmt)
    shown["period"] = [fmt_period(p) + (" (data contoh fiktif)" if demo else "")
                       for p, demo in zip(snaps["period"], snaps["is_demo"].astype(bool))]
    shown = shown.rename(columns={"period": "Periode", "source_file": "Berkas", **COUNT_LABELS})
    st.dataframe(shown, hide_index=True)
    period = st.selectbox("Lihat karantina dan baris belum tertaut untuk periode",
                          snaps["period"].tolist(), key="hh_detail_period",
                          format_func=fmt_period)
    sid = int(snaps.loc[snaps["period"] == period, "id"].iloc[0])
    quarantine = _quarantine_shown(sid, data.data_version())
    st.markdown(f"**Karantina** ({_fmt(len(quarantine))} baris)")
    if len(quarantine):
        st.dataframe(quarantine.head(1000), hide_index=True)
        downloads.table_downloads(
            f"karantina_{period}", "hh_dl_quarantine", lambda: _table(quarantine, "Karantina"),
            formats=("csv_excel", "csv"), what="household_list_download",
            title="Unduh karantina:")
    unlinked = unlinked_table(engine, sid)
    st.markdown(f"**Belum tertaut atau konflik** ({_fmt(len(unlinked))} baris)")
    if len(unlinked):
        st.dataframe(unlinked.head(1000), hide_index=True)
        downloads.table_downloads(
            f"belum_tertaut_{period}", "hh_dl_unlinked",
            lambda: _table(unlinked, "Belum tertaut"), formats=("csv_excel", "csv"),
            what="household_list_download", title="Unduh baris belum tertaut:")


def _table(frame: pd.DataFrame, name: str) -> exports.Table:
    """A list of rows as an export: its own headers, capitalised, in the Excel CSV."""
    return exports.Table(frame, name, {c: (str(c)[:1].upper() + str(c)[1:]).replace("_", " ")
                                       for c in frame.columns})


@st.cache_data(show_spinner="Menyiapkan tabel karantina…", max_entries=4)
def _quarantine_shown(snapshot_id: int, version: tuple) -> pd.DataFrame:
    """:func:`quarantine_table` once per period and data version: masking every quarantined
    row took 2 s at a million households, on every rerun of this page."""
    return quarantine_table(data.engine(), snapshot_id)


def quarantine_table(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    """Quarantined rows: row number, reasons, original values with NIK/No. KK masked."""
    q = store.load_quarantine(engine, snapshot_id)
    if q.empty:
        return pd.DataFrame(columns=["baris", "alasan", "nilai asli"])
    return pd.DataFrame({"baris": q["row_number"], "alasan": q["reasons"].map(mask_text),
                         "nilai asli": q["values_json"].map(_mask_json)})


def _mask_json(text: str) -> str:
    """The row's original values with NIK, KK and phone numbers masked (by header and by
    content)."""
    try:
        values = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(values, dict):
        return ""
    return json.dumps(mask_record(values, register_files.personal_header), ensure_ascii=False)


def unlinked_table(engine: Engine, snapshot_id: int) -> pd.DataFrame:
    cols = ["row_number", "id_keluarga", "kode_kelurahan", "nama_kelurahan", "nama_kecamatan",
            "lintang", "bujur", "region_code", "link_method", "link_conflict", "link_note"]
    cols = [c for c in cols if c in store.HOUSEHOLD_TABLE_COLUMNS]
    frame = snapshot_cache.load_households_fast(engine, {"id": snapshot_id}, cols)
    frame = frame[frame["link_method"].isna() | (frame["link_conflict"] == 1)]
    return frame.rename(columns={"row_number": "baris", "link_note": "catatan / calon",
                                 "region_code": "kelurahan tertaut", "link_method": "cara"})


__all__ = ["render", "quarantine_table", "unlinked_table", "HOUSEHOLD_COLUMNS"]
