"""Indonesian words on Streamlit's own controls.

Streamlit writes some words itself, in English, with no setting to change them
(streamlit/streamlit#13500): the file uploader's "Upload" button and its "200MB per file • CSV…"
hint, the "Press Enter to apply" / "Press Enter to submit form" hint under a text field (the
login form's first words), and the reason the uploader itself refuses a file (wrong type, too
large), shown only as an English tooltip. This stylesheet, added once per run by
:func:`ui.frame.run_frame`, hides those words and writes Indonesian ones in their place. Each
uploader's own caption names its formats, so the hint keeps only the size limit.
``tests/test_browser_import.py`` fails when a Streamlit release renames the elements this relies
on.
"""

from __future__ import annotations

UPLOAD_BUTTON = "Pilih berkas"
ENTER_APPLY = "Tekan Enter untuk menerapkan"
ENTER_SUBMIT = "Tekan Enter untuk mengirim"


def upload_hint(limit_mb: int) -> str:
    return f"Tarik berkas ke sini · paling besar {limit_mb} MB per berkas"


def upload_refused(limit_mb: int) -> str:
    """Beside a file the uploader itself refused (wrong type, too large): it reaches no Python
    code, and Streamlit's reason is an English tooltip shown only on hover."""
    return (f"Tidak diterima: jenis berkas bukan yang tertera di atas, atau lebih dari "
            f"{limit_mb} MB")


def stylesheet(limit_mb: int) -> str:
    """The ``<style>`` element (``st.html`` of styles only takes no room on the page)."""
    button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
    hint = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    enter = '[data-testid="InputInstructions"] > span'
    return f"""<style>
{button}, {hint}, {enter} {{ font-size: 0; }}
{button}::after {{ content: "{UPLOAD_BUTTON}"; font-size: 0.875rem; }}
{hint}::after {{ content: "{upload_hint(limit_mb)}"; font-size: 0.875rem; }}
{enter}::after {{ content: "{ENTER_APPLY}"; font-size: 0.75rem; }}
[data-testid="stForm"] {enter}::after {{ content: "{ENTER_SUBMIT}"; }}
[data-testid="stFileChip"][aria-invalid="true"]::after {{
  content: "{upload_refused(limit_mb)}"; font-size: 0.875rem; margin-left: 0.75rem;
  align-self: center; }}
</style>"""
