"""Data page, boundary section: upload a boundary file, choose layer/fields/CRS when needed,
import with progress, then the quality report. Works on an empty database."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select

from geo import audit, store
from geo.boundaries import (
    FIELD_ALIASES,
    LEVEL_LABEL,
    LEVELS,
    MAX_DISPLACEMENT_M,
    UPLOAD_TYPES,
    BoundaryImportFailed,
    import_boundaries,
    list_layers,
)
from geo.fmt import fmt_int, fmt_num, fmt_pct, plain
from geo.link import unlinked_warning
from ui import auth, data

FIELD_LABELS = {
    "kode": "Kode kelurahan/desa", "nama": "Nama kelurahan/desa", "kode_kec": "Kode kecamatan",
    "nama_kec": "Nama kecamatan", "kode_kab": "Kode kabupaten/kota",
    "nama_kab": "Nama kabupaten/kota", "kode_prov": "Kode provinsi", "nama_prov": "Nama provinsi",
}
AUTO = "(otomatis)"


def _fmt(n: object) -> str:
    try:
        return fmt_int(int(n))
    except Exception:  # noqa: BLE001
        return str(n)


def _pct(share: float) -> str:
    return fmt_pct(share * 100, 3)


def _stored_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(store.regions.c.level, func.count())
                            .group_by(store.regions.c.level)).all()
        source = conn.execute(select(func.max(store.regions.c.source_file))).scalar()
    counts = {level: n for level, n in rows}
    counts["_source"] = source
    return counts


def render(engine: Engine, can_import: bool = True) -> None:
    """Draw the boundary-upload section and the last import's quality report (without
    ``can_import``: only what is stored)."""
    st.subheader("Impor batas wilayah")
    counts = _stored_counts(engine)
    stored = [f"{LEVEL_LABEL[lv]} {_fmt(counts[lv])}" for lv in LEVELS if counts.get(lv)]
    if stored:
        st.caption(f"Tersimpan sekarang ({plain(counts['_source'] or 'tanpa nama berkas')}): "
                   + ", ".join(stored) + ". Impor baru menggantikan semuanya; rumah tangga "
                   "ditautkan ulang ke batas baru.")
    else:
        st.info("Belum ada batas wilayah. Unggah berkas kelurahan/desa untuk mulai.")
    st.caption(
        "GeoJSON, Shapefile (dalam .zip bersama .shx, .dbf, .prj), GeoPackage, KML/KMZ atau "
        "GeoParquet, dari BIG, BPS atau pemda. Kolom kode dan nama dikenali otomatis; kecamatan "
        "dan kabupaten/kota disusun dari kelurahan/desa bila berkas hanya berisi kelurahan/desa.")
    if not can_import:
        return
    upload = st.file_uploader("Berkas batas wilayah", type=list(UPLOAD_TYPES),
                              key="bnd_upload")
    if upload is not None:
        _options_and_import(engine, upload)
    last = st.session_state.get("bnd_report")
    if last:
        show_report(last)


def _options_and_import(engine: Engine, upload) -> None:  # noqa: ANN001
    layer = None
    try:
        layers = list_layers(upload)
    except BoundaryImportFailed as exc:
        st.error(plain(exc))
        return
    if len(layers) > 1:
        layer = st.selectbox("Lapisan", layers, key="bnd_layer",
                             help="Berkas ini berisi beberapa lapisan poligon; pilih satu.")
    with st.expander("Kolom dan sistem koordinat (bila tidak dikenali otomatis)"):
        crs = st.text_input("Kode EPSG sistem koordinat", key="bnd_crs",
                            placeholder="mis. 32748 untuk UTM zona 48S",
                            help="Hanya bila berkas tidak menyatakan CRS-nya sendiri.")
        cols = st.columns(2)
        fields: dict[str, str] = {}
        for i, role in enumerate(FIELD_ALIASES):
            value = cols[i % 2].text_input(FIELD_LABELS[role], key=f"bnd_field_{role}",
                                           placeholder=AUTO)
            if value.strip():
                fields[role] = value.strip()
    if not st.button("Impor batas wilayah", type="primary", key="bnd_go"):
        return
    with st.status(f"Mengimpor {plain(upload.name)} …", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            report = import_boundaries(engine, upload, fields=fields or None,
                                       crs=crs.strip() or None, layer=layer,
                                       progress=progress, source_name=upload.name)
        except BoundaryImportFailed as exc:
            status.update(label="Impor gagal; data lama tetap utuh", state="error")
            st.error(plain(exc))
            return
        status.update(label=f"{plain(upload.name)} diimpor", state="complete", expanded=False)
    st.session_state["bnd_report"] = report.to_dict()
    who = auth.visitor()
    audit.record_import(engine, who.name if who else None, "import_boundaries", upload.name)
    data.clear_caches()


def show_report(report: dict) -> None:
    """The quality report of an import (``BoundaryReport.to_dict()``)."""
    st.markdown(f"**Laporan mutu: {plain(report.get('source', ''))}**")
    levels = report.get("levels", {})
    cols = st.columns(4)
    cols[0].metric("Fitur dibaca", _fmt(report.get("features", 0)))
    cols[1].metric("Kelurahan/desa", _fmt(levels.get("kelurahan", 0)))
    cols[2].metric("Kecamatan", _fmt(levels.get("kecamatan", 0)))
    cols[3].metric("Geometri diperbaiki", _fmt(report.get("repaired", 0)))
    if report.get("desa"):
        st.caption(f"{_fmt(report.get('kelurahan', 0))} kelurahan dan "
                   f"{_fmt(report['desa'])} desa.")
    for warning in report.get("warnings", []):
        st.warning(plain(warning))
    problems = [
        ("duplicates", "Kode ganda (digabung)"), ("missing_names", "Tanpa nama"),
        ("outside_indonesia", "Di luar Indonesia"), ("dropped", "Tidak disimpan"),
        ("parent_mismatch", "Kode induk tidak cocok dengan kolom induk"),
    ]
    for key, title in problems:
        items = report.get(key) or []
        if items:
            st.warning(f"{title}: {_fmt(len(items))}")
            st.dataframe(pd.DataFrame(items).astype(str), hide_index=True)
    coverage = report.get("coverage") or []
    if coverage:
        st.markdown("**Tumpang tindih dan celah antar-tetangga**")
        st.dataframe(pd.DataFrame([{
            "Kode": c["kode"], "Kabupaten/kota": c.get("nama") or "",
            "Luas (km²)": fmt_num(c["area_km2"], 2),
            "Tumpang tindih (km²)": fmt_num(c["overlap_km2"], 3),
            "Tumpang tindih": _pct(c["overlap_share"]), "Celah": _fmt(c["gaps"]),
            "Luas celah (km²)": fmt_num(c["gap_km2"], 3), "Celah (%)": _pct(c["gap_share"]),
        } for c in coverage]), hide_index=True)
    per_kec = report.get("per_kecamatan") or []
    if per_kec:
        st.markdown("**Jumlah kelurahan/desa per kecamatan**")
        st.dataframe(pd.DataFrame([{
            "Kode": k["kode"], "Kecamatan": k.get("nama") or "", "Kelurahan": k["kelurahan"],
            "Desa": k["desa"], "Jumlah": k["jumlah"]} for k in per_kec]), hide_index=True)
    display = report.get("display") or {}
    if display:
        with st.expander("Geometri tampilan peta"):
            st.dataframe(pd.DataFrame([{
                "Tingkat": LEVEL_LABEL.get(level, level), "Fitur": _fmt(d["features"]),
                "Ukuran GeoJSON (KB)": _fmt(round(d["geojson_bytes"] / 1024)),
                "Pergeseran maks. (m)": fmt_num(d["max_displacement_m"], 2),
                f"> {MAX_DISPLACEMENT_M:.0f} m": d["over_limit"]}
                for level, d in display.items()]), hide_index=True)
            over = [o for d in display.values() for o in d.get("over_limit_list", [])]
            if over:
                st.caption("Batas yang bergeser lebih dari batas toleransi di peta (biasanya "
                           "karena tumpang tindih di berkas sumber; geometri penuh untuk "
                           "penautan tidak berubah):")
                st.dataframe(pd.DataFrame(over).astype(str), hide_index=True)
    relink = report.get("relink") or {}
    if relink:
        text = (f"Rumah tangga ditautkan ulang: {_fmt(relink.get('households', 0))} rumah "
                f"tangga, {_fmt(relink.get('changed', 0))} berubah tautan; belum tertaut "
                f"{_fmt(relink.get('unlinked_before', 0))} → "
                f"{_fmt(relink.get('unlinked_after', 0))}.")
        warning = unlinked_warning(relink.get("unlinked_after", 0),
                                   relink.get("households", 0))
        if warning:
            st.warning(f"{text} {warning}")
        else:
            st.success(text)
