"""Download buttons for printed sheets (geo.sheets): the map sheet of the current map view and
the kartu kelurahan of the chosen kecamatan (or the city). Both PDFs are built only when the
button is clicked, through ``ui.auth.download_button`` (role check and audit trail)."""

from __future__ import annotations

from geo import access
from geo.filters import Filters
from geo.indicators import Settings
from geo.maps import Classes
from geo.sheets.kartu import kartu_data, kartu_pdf
from geo.sheets.map_sheet import classification_text, map_sheet_pdf
from geo.views.map_view import MapView
from ui import auth, data
from ui import filters as filters_ui
from ui.context import View

PAPERS = {"A4 tegak": ("A4", False), "A4 mendatar": ("A4", True),
          "A3 tegak": ("A3", False), "A3 mendatar": ("A3", True)}


def _printed_by() -> str:
    user = auth.visitor()
    return user.name if user else "–"


def map_sheet_button(paper_col: object, button_col: object, mapped: MapView, classes: Classes,
                     description: str, view: View, settings: Settings, method: str, k: int,
                     key: str = "peta_pdf") -> None:
    """Paper choice and "Unduh lembar peta (PDF)" for the view on screen (nothing for a role
    that may not download)."""
    if not access.allowed(auth.visitor(), "download"):
        return
    choice = paper_col.selectbox("Kertas", list(PAPERS), key=f"{key}_kertas",
                                 label_visibility="collapsed")
    paper, landscape = PAPERS[choice]

    def build() -> bytes:
        return map_sheet_pdf(mapped, classes, description, view.snapshot, settings,
                             _printed_by(), paper, landscape,
                             classification=classification_text(method, k)).pdf

    stem = f"lembar_peta_{mapped.ind_id}_{mapped.level}_{view.snapshot['period']}"
    auth.download_button(button_col, "Unduh lembar peta (PDF)", build,
                         f"{stem}_{paper}{'_mendatar' if landscape else ''}.pdf",
                         mime="application/pdf", icon=":material/print:", key=key)


def kartu_button(container: object, filters: Filters, view: View, settings: Settings,
                 hide: bool, key: str = "kartu_pdf") -> None:
    """"Unduh kartu kelurahan (PDF)" ("desa" in a kabupaten): one page per kelurahan of the one
    chosen kecamatan, or of the one chosen kabupaten/kota, or of the whole city (within the
    user's area). A province with no kabupaten/kota chosen is not printed whole (a page per
    kelurahan/desa: 1.552 in Banten): the button asks for a choice first."""
    kecamatan = filters.kecamatan[0] if len(filters.kecamatan) == 1 else None
    kota = filters.kota[0] if len(filters.kota) == 1 and not kecamatan else None
    user = auth.visitor()
    names = data.region_names(view.version)
    name_of = data.names_by_code(view.version)
    where = (f"kecamatan {name_of.get(kecamatan, kecamatan)}" if kecamatan
             else name_of.get(kota, kota) if kota else "seluruh wilayah")
    in_scope = filters_ui.area_choices(view.version, tuple(user.areas) if user else (), user)
    too_many = not kecamatan and not kota and len(in_scope.kota_names) > 1

    def build() -> bytes:
        kel = names[names["level"] == "kelurahan"]
        parents = dict(zip(kel["kode"], kel["kode_induk"]))

        def allowed(codes: list[str]) -> list[str]:
            inside = access.allowed_kelurahan(user, codes, parents)
            return [c for c in codes if c in inside]

        cards = kartu_data(data.engine(), view.snapshot["period"], kecamatan, settings,
                           hide=hide, allowed=allowed,
                           show_city=not (user and user.areas), kota=kota)
        return kartu_pdf(cards, _printed_by())

    auth.download_button(
        container, f"Unduh kartu {in_scope.kel_word.lower()} (PDF)", build,
        f"kartu_kelurahan_{kecamatan or kota or 'kota'}_{view.snapshot['period']}.pdf",
        mime="application/pdf", icon=":material/badge:", key=key, disabled=too_many,
        help="Pilih dulu satu kabupaten/kota atau satu kecamatan di panel samping: satu "
             "halaman A4 per kelurahan/desa." if too_many
        else f"Satu halaman A4 per {in_scope.kel_word.lower()} ({where}).")


def overview_button(container: object, ov: object, need: object, view: View,
                    key: str = "ringkasan_pdf") -> None:
    """"Cetak (PDF)": the overview on one A4 page (nothing for a role that may not download).
    ``need`` is :func:`geo.views.overview_view.need_view`'s (view, classes) or None."""
    if not access.allowed(auth.visitor(), "download"):
        return
    from geo.sheets.overview_sheet import overview_pdf

    def build() -> bytes:
        mapped, classes = need if need is not None else (None, None)
        return overview_pdf(ov, mapped, classes, view.snapshot, _printed_by())

    auth.download_button(container, "Cetak (PDF)", build,
                         f"ringkasan_{view.snapshot['period']}.pdf", mime="application/pdf",
                         icon=":material/print:", key=key,
                         help="Ringkasan ini pada satu halaman A4.")
