"""The shared filters in the sidebar, kept in the URL so a copied link opens the same view.

``ui.frame`` calls :func:`sidebar_filters` after the period picker on every run and stores the
result; pages read it with :func:`current`. A page that changes the filters itself (a click on
a kecamatan in the map) calls :func:`request`: the value is applied before the widgets are drawn
on the next run (Streamlit forbids changing a widget's value after it is drawn).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from geo import access
from geo.accounts import User
from geo.codes import level_word, parent_code
from geo.filters import (
    DESIL_MAX,
    DESIL_MIN,
    QUERY_KEYS,
    Filters,
    ignored_areas,
    kecamatan_of,
)
from geo.fmt import plain
from geo.schema import PROGRAMS, VULNERABLE
from geo.views.common import distinct_names
from ui import data
from ui.context import View

_STATE = "_filters"
_PENDING = "_filters_pending"
_LINK_NOTE = "_filters_link_note"  # areas of the opening link this data does not hold
K_KOTA, K_KEC, K_KEL, K_DESIL, K_PROG, K_VULN = ("f_kab", "f_kec", "f_kel", "f_desil",
                                                  "f_program", "f_rentan")
_KEYS = (K_KOTA, K_KEC, K_KEL, K_DESIL, K_PROG, K_VULN)


def current() -> Filters:
    """The filters the sidebar set on this run (no filter before the sidebar ran)."""
    return st.session_state.get(_STATE) or Filters()


def request(filters: Filters) -> None:
    """Change the filters from a page, then rerun so the sidebar shows the new values."""
    st.session_state[_PENDING] = filters
    _write_query(filters)  # now, so the address bar never shows the old filters
    st.rerun()


def _load_into_widgets(filters: Filters) -> None:
    st.session_state[K_KOTA] = list(filters.kota)
    st.session_state[K_KEC] = list(filters.kecamatan)
    st.session_state[K_KEL] = list(filters.kelurahan)
    st.session_state[K_DESIL] = (filters.desil_min, filters.desil_max)
    st.session_state[K_PROG] = list(filters.programs)
    st.session_state[K_VULN] = list(filters.vulnerable)


def _reset() -> None:
    _load_into_widgets(Filters())


@dataclass(frozen=True)
class AreaChoices:
    """The areas the sidebar offers one user scope: kelurahan and kecamatan names by code (in
    the scope), and every kelurahan's kecamatan."""

    parent_of: dict[str, str]
    kel_names: dict[str, str]
    kec_names: dict[str, str]
    kota_names: dict[str, str]  # offered only when there are several (a province)
    kel_word: str = "Kelurahan"  # "Desa" in a kabupaten, "Kelurahan/Desa" in a province


@st.cache_resource(show_spinner=False, max_entries=64)
def area_choices(version: object, areas: tuple[str, ...], _user: User | None) -> AreaChoices:
    """Made once per data version and user area scope (``areas``, the user's): a province's
    thousands of names are not sorted out again on every rerun."""
    names = data.region_names(version)
    kel_table = names[names["level"] == "kelurahan"]
    parent_of = kel_table.set_index("kode")["kode_induk"].to_dict()
    # a user limited to some kecamatan/kelurahan is offered only those (geo.access)
    allowed = access.allowed_kelurahan(_user, kel_table["kode"], parent_of)
    kel_table = kel_table[kel_table["kode"].isin(allowed)]
    label = distinct_names(names)  # "Mekarsari (Cibeber)" where a province has 13 Mekarsari
    kec_codes = names.loc[(names["level"] == "kecamatan")
                          & names["kode"].isin(set(kel_table["kode_induk"])), "kode"]
    kota_names = names[(names["level"] == "kota") & names["kode"].isin(
        {parent_code(k, "kota") for k in kec_codes})].set_index("kode")["nama"].to_dict()
    return AreaChoices(parent_of, {k: label[k] for k in kel_table["kode"]},
                       {k: label[k] for k in kec_codes}, kota_names,
                       level_word("kelurahan", kel_table["kode"]))


def sidebar_filters(view: View, user: User | None = None) -> Filters:
    """Draw the filter widgets in the sidebar and return what they select.

    On a session's first run the widgets start from the URL's query parameters; afterwards the
    widgets lead and the URL follows, so the address bar always reproduces the view.
    """
    choices = area_choices(view.version, tuple(user.areas) if user else (), user)
    parent_of, kel_names, kec_names = choices.parent_of, choices.kel_names, choices.kec_names

    pending = st.session_state.pop(_PENDING, None)
    if pending is not None:
        _load_into_widgets(pending)
    elif any(key not in st.session_state for key in _KEYS):
        _load_into_widgets(Filters.from_query(st.query_params))
        ignored = ignored_areas(st.query_params, {"kab": choices.kota_names,
                                                  "kec": kec_names, "kel": kel_names})
        st.session_state[_LINK_NOTE] = (
            f"Wilayah di tautan ini tidak ada di data ini (atau di luar wilayah akun) dan "
            f"diabaikan: {', '.join(plain(p[:40]) for p in ignored[:5])}"
            f"{' dan lainnya' if len(ignored) > 5 else ''}. Pilih wilayahnya di bawah."
            if ignored else None)

    sb = st.sidebar
    sb.markdown("**Filter**")
    link_note = sb.empty()  # filled below, once the areas chosen are known
    # drop codes this data does not have (an old link, another city's boundaries)
    kota_names = choices.kota_names if len(choices.kota_names) > 1 else {}
    st.session_state[K_KOTA] = [c for c in st.session_state[K_KOTA] if c in kota_names]
    chosen_kota = sb.multiselect(
        "Kabupaten/Kota", list(kota_names), key=K_KOTA,
        format_func=lambda c: kota_names.get(c, c),
        placeholder="Semua kabupaten/kota") if kota_names else []
    in_kota = set(chosen_kota)
    kec_options = [c for c in kec_names if not in_kota or parent_code(c, "kota") in in_kota]
    st.session_state[K_KEC] = [c for c in st.session_state[K_KEC] if c in set(kec_options)]
    chosen_kec = sb.multiselect(
        "Kecamatan", kec_options, key=K_KEC, format_func=lambda c: kec_names.get(c, c),
        placeholder="Semua kecamatan")
    in_kec = set(chosen_kec)
    kel_options = [c for c in kel_names if (not in_kec or kecamatan_of(c) in in_kec)
                   and (not in_kota or parent_code(c, "kota") in in_kota)]
    st.session_state[K_KEL] = [c for c in st.session_state[K_KEL] if c in set(kel_options)]
    chosen_kel = sb.multiselect(
        choices.kel_word, kel_options, key=K_KEL, format_func=lambda c: kel_names.get(c, c),
        placeholder=f"Semua {choices.kel_word.lower()}")
    if access.may_select_households(user):
        desil, programs, vulnerable = _household_widgets(sb)
    else:  # a forum: the three filters are not drawn, and scope_filters drops a link's
        _load_household_defaults()
        desil, programs, vulnerable = (DESIL_MIN, DESIL_MAX), [], []
        sb.caption(AREA_ONLY_NOTE)
    filters = Filters(tuple(chosen_kec), tuple(chosen_kel), int(desil[0]), int(desil[1]),
                      tuple(programs), tuple(vulnerable), tuple(chosen_kota))
    if filters.has_area:  # the planner chose an area: the link's note is done
        st.session_state.pop(_LINK_NOTE, None)
    elif st.session_state.get(_LINK_NOTE):
        link_note.warning(st.session_state[_LINK_NOTE], icon=":material/link_off:")
    if not filters.is_empty:
        sb.button("Hapus filter", on_click=_reset, key="f_reset", icon=":material/close:")
    _write_query(filters)
    if user is not None and user.areas:
        sb.caption("Wilayah akun ini: " + ", ".join(
            plain(kel_names.get(c) or kec_names.get(c) or c) for c in user.areas))
    filters = access.scope_filters(user, filters, parent_of, parent_of)
    st.session_state[_STATE] = filters
    return filters


AREA_ONLY_NOTE = ("Akun forum memfilter menurut wilayah saja. Filter desil, program dan "
                  "kelompok rentan tidak tersedia: selisih dua pilihan filter dapat membuka "
                  "angka kecil yang disembunyikan. Indikator tetap memuat desil 1 dan desil "
                  "1–4.")


def _household_widgets(sb) -> tuple[tuple[int, int], list[str], list[str]]:  # noqa: ANN001
    """The household part of the filters: desil range, programs received, groups."""
    desil = sb.slider("Desil kesejahteraan", DESIL_MIN, DESIL_MAX, key=K_DESIL,
                      help="Desil 1 = 10% termiskin. Di luar rentang penuh 1–10, rumah tangga "
                           "tanpa desil tidak dihitung.")
    programs = sb.multiselect(
        "Menerima program", list(PROGRAMS), key=K_PROG, format_func=PROGRAMS.get,
        placeholder="Semua", help="Rumah tangga yang menerima semua program yang dipilih.")
    vulnerable = sb.multiselect(
        "Kelompok rentan", list(VULNERABLE), key=K_VULN, format_func=VULNERABLE.get,
        placeholder="Semua",
        help="Rumah tangga yang punya anggota dari setiap kelompok yang dipilih.")
    return desil, programs, vulnerable


def _load_household_defaults() -> None:
    """A link's desil, program and group are not kept for a role that may not use them."""
    st.session_state[K_DESIL] = (DESIL_MIN, DESIL_MAX)
    st.session_state[K_PROG] = []
    st.session_state[K_VULN] = []


def _write_query(filters: Filters) -> None:
    wanted = filters.to_query()
    for key in QUERY_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


# ------------------------------------------------------------------ a page's own choices

@dataclass(frozen=True)
class Param:
    """A page widget kept in the URL as ``name``: ``key`` is its session-state key,
    ``decode`` reads the URL's text (None: not valid, keep the default), ``encode`` writes
    it. Like the filters: the URL leads on the widget's first run, then the widget leads."""

    name: str
    key: str
    default: object
    decode: Callable[[str], object | None] = str
    encode: Callable[[object], str] = str


def params_from_url(*params: Param) -> None:
    """Before the widgets are drawn: a widget not yet in this session starts from the URL
    (or its default). The widgets are then drawn with ``key`` only, no ``value``."""
    for p in params:
        if p.key in st.session_state:
            continue
        raw = st.query_params.get(p.name)
        value = p.decode(raw) if raw is not None else None
        st.session_state[p.key] = p.default if value is None else value


def params_to_url(*params: Param) -> None:
    """After the widgets: write their values into the URL (a default value is left out)."""
    for p in params:
        value = st.session_state.get(p.key, p.default)
        if value == p.default:
            if p.name in st.query_params:
                del st.query_params[p.name]
            continue
        text = p.encode(value)
        if st.query_params.get(p.name) != text:
            st.query_params[p.name] = text

