"""Reading a proposals export (SIPD or a local mirror): header aliases, row checks, reasons.

The file is read by the household import's reader (:mod:`geo.register_files`: format,
encoding, delimiter, sheet, header row, row numbers as a person sees them); which header is
which field is decided here, from :data:`HEADER_ALIASES` (musrenbang.md). Every row read is
either a :class:`Row` ready to store or a quarantined row with every reason, in Indonesian,
naming the file, the row and the column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from geo.proposals import values as pv
from geo.proposals.kamus import Lookup
from geo.register_columns import header_key
from geo.register_errors import ImportFailed, no_rows
from geo.register_files import Source, detect_format
from geo.table_files import read_whole

# field -> headers seen in exports (compared without case and punctuation)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id_usulan": ("id_usulan", "id_unik", "kode", "No. Usulan", "no_usulan", "id"),
    "tahun": ("tahun", "tahun_anggaran"),
    "sumber": ("sumber", "id_jenis_usul", "jenis_usul", "pengusul", "profil", "jenis_usulan"),
    "kecamatan": ("kecamatan", "nama_kecamatan", "id_kecamatan"),
    "kelurahan": ("kelurahan", "desa", "nama_kelurahan", "desa_kelurahan", "alamat_teks",
                  "alamat"),
    "kode_kelurahan": ("kode_kelurahan", "id_kelurahan", "kode_desa", "kd_desa", "kode_wilayah"),
    "urusan": ("urusan", "id_bidang_urusan", "bidang_urusan", "bidang"),
    "kegiatan": ("kegiatan", "giat_teks", "nama_kamus", "usulan", "kamus_usulan"),
    "permasalahan": ("permasalahan", "masalah"),
    "opd": ("opd", "pd_awal", "skpd", "perangkat_daerah", "pd"),
    "volume": ("volume", "vol"),
    "satuan": ("satuan",),
    "anggaran": ("anggaran", "pagu", "rab", "biaya", "perkiraan_biaya", "nilai"),
    "status": ("status", "is_verif", "status_usulan"),
    "alasan": ("alasan", "batal_teks", "alasan_tolak", "keterangan_tolak"),
    "lintang": ("lintang", "lat", "latitude"),
    "bujur": ("bujur", "lng", "lon", "longitude"),
    "koordinat": ("koordinat",),
    "lampiran": ("file_foto", "file_rab", "file_proposal", "lampiran"),
}
FIELD_LABEL = {"id_usulan": "ID usulan", "kegiatan": "kegiatan", "volume": "volume",
               "anggaran": "anggaran", "kelurahan": "kelurahan", "kode_kelurahan": "kode kelurahan"}
_INDEX = {header_key(a): (f, n) for f, aliases in HEADER_ALIASES.items()
          for n, a in enumerate((f, *aliases))}


def mapping_of(headers: list[str]) -> dict[str, list[str]]:
    """field -> the file's headers for it: every attachment header; for the other fields the
    header earliest in the alias list (``kelurahan`` before ``alamat``)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for h in headers:
        hit = _INDEX.get(header_key(h))
        if hit:
            found.setdefault(hit[0], []).append((hit[1], h))
    return {f: [h for _, h in hits] if f == "lampiran" else [min(hits)[1]]
            for f, hits in found.items()}


@dataclass
class Row:
    """A proposal ready to store (kelurahan not yet linked)."""

    row_number: int
    fields: dict[str, object]


@dataclass
class Read:
    source: str
    rows_read: int = 0
    rows: list[Row] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)  # row_number, values_json, reasons

    def reject(self, row_number: int, values: dict, reasons: list[str]) -> None:
        self.quarantined.append({
            "row_number": row_number, "reasons": "; ".join(reasons),
            "values_json": json.dumps({k: v for k, v in values.items() if v is not None},
                                      ensure_ascii=False, default=str)})


def read_file(path: object, lookup: Lookup, name: str | None = None) -> Read:
    """Every row of the file checked; ImportFailed when the file cannot be used at all."""
    src = Source.of(path, name)
    hints = {a: f for f, aliases in HEADER_ALIASES.items() for a in (f, *aliases)}
    try:
        fmt = detect_format(src, hints)
    except ImportFailed as err:
        if "kepala kolom" not in str(err):
            raise
        raise ImportFailed(
            f"{src.name}: kepala kolom usulan tidak dikenali (dicari mis. id_usulan, "
            "kelurahan, kegiatan/giat_teks, volume, anggaran/pagu). Pastikan baris kepala "
            "kolom ada.") from None
    columns = mapping_of(fmt.headers)
    missing = [FIELD_LABEL[f] for f in ("kegiatan", "volume")
               if f not in columns]
    if "kelurahan" not in columns and "kode_kelurahan" not in columns and not (
            "lintang" in columns or "koordinat" in columns):
        missing.append("kelurahan (nama, kode atau titik)")
    if missing:
        raise ImportFailed(f"{src.name}: kolom wajib tidak ada: {', '.join(missing)}. Kolom "
                           f"berkas: {', '.join(fmt.headers[:30])}.")
    out = Read(src.name)
    frame = read_whole(src, fmt)
    cells = [c for c in frame.columns if c != "_row" and not str(c).startswith("_lebih_")]
    frame = frame[~pv.blank_cells(frame[cells]).all(axis=1)]  # a blank line is not a row
    for record in frame[[*cells, "_row"]].to_dict(orient="records"):
        row_number = int(record.pop("_row"))
        raw = {k: (None if pv.blank(v) else str(v).strip()) for k, v in record.items()}
        out.rows_read += 1
        fields, reasons = check_row(raw, columns, lookup)
        if reasons:
            where = f"{src.name} baris {row_number}"
            out.reject(row_number, raw, [f"{where}: {r}" for r in reasons])
        else:
            out.rows.append(Row(row_number, fields))
    if not out.rows_read:
        raise no_rows(src.name, "daftar usulan")
    return out


def _cell(raw: dict, columns: dict[str, list[str]], name: str) -> tuple[str | None, str]:
    headers = columns.get(name) or []
    return (raw.get(headers[0]) if headers else None), (headers[0] if headers else name)


def check_row(raw: dict, columns: dict[str, list[str]], lookup: Lookup
              ) -> tuple[dict[str, object], list[str]]:
    """(fields, reasons): one row's values parsed; every problem named with its column."""
    reasons: list[str] = []
    fields: dict[str, object] = {}

    def parse(name: str, parser, *args) -> object:  # noqa: ANN001
        value, header = _cell(raw, columns, name)
        try:
            return parser(value, *args)
        except ValueError as err:
            reasons.append(f"kolom {header}: {err}")
            return None

    activity_text, activity_header = _cell(raw, columns, "kegiatan")
    entry = lookup.activity(activity_text)
    if entry is None:
        reasons.append(f"kolom {activity_header}: " + (
            "kegiatan kosong" if activity_text is None else
            f"kegiatan {activity_text!r} tidak ada di kamus usulan (tambahkan ke kamus atau "
            "pakai nama kamus)"))
    fields["kegiatan"] = entry.kegiatan if entry else None
    fields["kegiatan_teks"] = activity_text
    fields["volume"] = parse("volume", pv.parse_volume)
    money, money_header = _cell(raw, columns, "anggaran")
    if money is None and entry is not None and entry.biaya_satuan and fields["volume"]:
        fields["anggaran"] = fields["volume"] * entry.biaya_satuan  # the kamus' indicative cost
        fields["anggaran_dari_kamus"] = True
    else:
        fields["anggaran"] = parse("anggaran", pv.parse_rupiah)
    fields["sumber"] = parse("sumber", pv.parse_source)
    fields["status"] = parse("status", pv.parse_status)
    fields["tahun"] = parse("tahun", pv.parse_year)
    lat = parse("lintang", pv.parse_coordinate, -11.5, 6.5, "lintang")
    lon = parse("bujur", pv.parse_coordinate, 94.0, 141.5, "bujur")
    point, point_header = _cell(raw, columns, "koordinat")
    if point is not None and lat is None:
        parts = point.replace(";", ",").split(",")
        try:
            lat = pv.parse_coordinate(parts[0], -11.5, 6.5, "lintang")
            lon = pv.parse_coordinate(parts[1], 94.0, 141.5, "bujur")
        except (ValueError, IndexError):
            reasons.append(f"kolom {point_header}: koordinat {point!r} bukan 'lintang, bujur'")
    fields["lintang"], fields["bujur"] = lat, lon
    fields["alasan"] = _cell(raw, columns, "alasan")[0]
    if fields["status"] == pv.REJECTED and not fields["alasan"]:
        fields["alasan"] = "(alasan tidak tercantum di berkas)"
    for name in ("id_usulan", "urusan", "permasalahan", "satuan"):
        fields[name] = _cell(raw, columns, name)[0]
    fields["opd"] = lookup.opd(_cell(raw, columns, "opd")[0], entry)
    if fields["satuan"] is None and entry is not None:
        fields["satuan"] = entry.satuan
    fields["kecamatan_teks"] = _cell(raw, columns, "kecamatan")[0]
    fields["kelurahan_teks"] = _cell(raw, columns, "kelurahan")[0]
    fields["kode_kelurahan"] = _cell(raw, columns, "kode_kelurahan")[0]
    files = [raw.get(h) for h in columns.get("lampiran", []) if raw.get(h)]
    fields["lampiran"] = "; ".join(files) or None
    if fields["kelurahan_teks"] is None and fields["kode_kelurahan"] is None and lat is None:
        reasons.append("kolom kelurahan: kelurahan kosong (isi nama, kode atau titik)")
    return fields, reasons


def frame_for_linking(rows: list[Row]) -> pd.DataFrame:
    """The columns geo.link.link_frame reads, one row per proposal."""
    return pd.DataFrame({
        "kode_kelurahan": [r.fields.get("kode_kelurahan") for r in rows],
        "nama_kelurahan": [r.fields.get("kelurahan_teks") for r in rows],
        "nama_kecamatan": [r.fields.get("kecamatan_teks") for r in rows],
        "lintang": [r.fields.get("lintang") for r in rows],
        "bujur": [r.fields.get("bujur") for r in rows],
    }, dtype=object)
