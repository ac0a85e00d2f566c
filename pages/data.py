"""Data page: import household registers and boundaries, and see what happened to every row."""

from __future__ import annotations

import streamlit as st

from geo import access, accounts
from ui import auth, context, data

user = auth.require("data")
view = context.current()
context.page_header("Data", view)
can_import = access.allowed(user, "import")
if not can_import:  # the demo visitor: the first real import needs an admin
    st.info("Impor data sungguhan memerlukan akun admin atau operator.", icon=":material/key:")
    if accounts.admin_exists(data.engine()):
        auth.login_form("data_login")
    else:
        auth.setup_form()

households_tab, boundaries_tab = st.tabs(["Register rumah tangga", "Batas wilayah"])
with households_tab:
    from ui import import_households

    import_households.render(data.engine(), can_import)
with boundaries_tab:
    from ui import import_boundaries

    import_boundaries.render(data.engine(), can_import)
