"""Login, the first admin and the per-page check, for the Streamlit app. The rules themselves
are :mod:`geo.access` (roles) and :mod:`geo.accounts` (passwords, sessions, lockout); this
module only draws the forms and stops a page that is refused.

While the database holds only the fictional demo, the app opens without login (a visitor with
a planner's view of made-up data, and a banner saying so). The Data page then asks for an
admin login, or, before any admin exists, for the one-time setup code the server printed on
its console. Once a real period is stored, every page needs a login.
"""

from __future__ import annotations

import streamlit as st

from geo import access, accounts, audit, store
from geo.accounts import AccountError, User
from geo.suppression import k as small_count
from ui import context, data

SESSION_KEY = _TOKEN = "_peta_session_token"  # the browser session's login token
_VISITOR = "_peta_visitor"  # who is looking, settled once per run by the frame


def demo_only() -> bool:
    """Whether every stored period is the fictional demo (or none is stored); from the
    cached list of periods, no query on a rerun."""
    return bool(data.snapshots(data.data_version())["is_demo"].astype(bool).all())


@st.cache_resource(show_spinner=False)
def _setup_code_printed(database: str) -> bool:
    """Print a one-time setup code on the server's console, once per process and database,
    while no admin exists (as Jupyter prints its token)."""
    code = accounts.issue_setup_code(data.engine())
    print(f"\n  Peta Sinergi: kode penyiapan admin pertama: {code}\n"
          "  Masukkan kode ini di halaman Data untuk membuat akun admin.\n", flush=True)
    return True


def current_user() -> User | None:
    """The logged-in user of this browser session (None: not logged in, or expired)."""
    return accounts.user_for_token(data.engine(), st.session_state.get(_TOKEN))


def identify() -> User | None:
    """Settle who is looking for this run (the frame calls it first; one session lookup per
    rerun however many checks the page makes)."""
    user = current_user()
    if user is None and demo_only():
        user = access.DEMO_VISITOR
    st.session_state[_VISITOR] = user
    return user


def visitor() -> User | None:
    """Who is looking: the logged-in user, or the demo visitor while only demo data exists."""
    if _VISITOR in st.session_state:
        return st.session_state[_VISITOR]
    return identify()


def login_form(key: str = "login") -> None:
    """"Nama pengguna", "Kata sandi", "Masuk"."""
    with st.form(key):
        st.markdown("**Masuk ke Peta Sinergi**")
        name = st.text_input("Nama pengguna")
        password = st.text_input("Kata sandi", type="password")
        if st.form_submit_button("Masuk", type="primary"):
            _log_in(name, password)


def _log_in(name: str, password: str, first_admin_code: str | None = None) -> None:
    """Log in (creating the first admin first when a setup code is given) and rerun; an
    Indonesian message when refused."""
    try:
        if first_admin_code is not None:
            accounts.create_first_admin(data.engine(), first_admin_code, name, password)
        user, token = accounts.login(data.engine(), name, password)
    except AccountError as err:
        st.error(str(err))
        return
    st.session_state[_TOKEN] = token
    st.session_state[_VISITOR] = user
    st.rerun()


def setup_form() -> None:
    """Create the first admin with the setup code from the server's console."""
    _setup_code_printed(store.database_url())
    st.info("Belum ada admin. Sebelum data sungguhan diimpor, buat akun admin pertama dengan "
            "kode penyiapan yang tercetak di konsol server (tempat `streamlit run app.py` "
            "dijalankan).", icon=":material/key:")
    with st.form("setup_admin"):
        code = st.text_input("Kode penyiapan")
        name = st.text_input("Nama pengguna")
        password = st.text_input("Kata sandi", type="password",
                                 help=f"Minimal {accounts.MIN_PASSWORD} karakter.")
        if st.form_submit_button("Buat admin", type="primary"):
            _log_in(name, password, first_admin_code=code)


def gate() -> User:
    """Who may go on to the page: stops with the login (or setup) form when nobody may."""
    user = visitor()
    if user is not None:
        return user
    st.title("Peta Sinergi")
    if not accounts.admin_exists(data.engine()):
        setup_form()
    else:
        login_form()
    st.stop()
    raise AssertionError("unreachable")


def require(what: str) -> User:
    """The one check a page (or a download, an action) calls before it reads any data."""
    if st.session_state.get("_view") is None and not st.session_state.get("_rerouted"):
        context.route_through_app()  # a deep link ran the page without the frame: go through it
    user = visitor()
    try:
        access.check(user, what)
    except access.AccessDenied as err:
        if user is access.DEMO_VISITOR:  # demo data: the Data page is where an admin logs in
            st.info("Aplikasi menampilkan data contoh fiktif tanpa login. Untuk mengimpor data "
                    "sungguhan, masuk sebagai admin atau operator.")
            if accounts.admin_exists(data.engine()):
                login_form()
            else:
                setup_form()
            st.stop()
        audit.record(data.engine(), user.name if user else None, "access_refused", akses=what)
        st.error(str(err), icon=":material/lock:")
        st.stop()
    return user


def sidebar_account(user: User) -> None:
    """Who is logged in, and the logout button."""
    if user is access.DEMO_VISITOR:
        st.sidebar.caption("Data contoh fiktif: tanpa login.")
        return
    st.sidebar.caption(f"Masuk sebagai **{user.name}** ({user.role})")
    if st.sidebar.button("Keluar", key="logout"):
        accounts.logout(data.engine(), st.session_state.pop(_TOKEN, None))
        st.session_state.pop(_VISITOR, None)
        st.rerun()


def small_counts_hidden(key: str, container: object = None, default: bool = True) -> bool:
    """The "hide small counts" switch; pimpinan and forum cannot turn it off."""
    where = container or st
    user = visitor()
    if access.must_suppress(user, asked=False):  # the rule is geo.access's
        where.caption(f"Angka kecil (< {small_count()}) selalu disembunyikan untuk peran ini.")
        return True
    return bool(where.toggle(f"Sembunyikan angka kecil (< {small_count()}) untuk forum terbuka",
                             value=default, key=key))


def download_button(container: object, label: str, build: object, file_name: str,
                    what: str = "download", **kwargs: object) -> None:
    """A download button the user's role allows (none otherwise); each download is written to
    the audit trail with the file name and the filters in force."""
    user = visitor()
    if not access.allowed(user, what):
        return

    def audited() -> bytes:
        from ui import filters

        audit.record(data.engine(), user.name, "download", berkas=file_name,
                     filter=filters.current().to_query())
        return build()

    (container or st).download_button(label, audited, file_name=file_name, on_click="ignore",
                                      **kwargs)


def record_once(action: str, **detail: object) -> None:
    """Write an audit row once per session for the same action and detail (a list viewed
    again on a rerun is not a new view)."""
    seen = st.session_state.setdefault("_audited", set())
    key = (action, tuple(sorted((k, str(v)) for k, v in detail.items())))
    if key in seen:
        return
    seen.add(key)
    user = visitor()
    audit.record(data.engine(), user.name if user else None, action, **detail)
