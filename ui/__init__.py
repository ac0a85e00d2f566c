"""Streamlit pieces shared by pages (geo/ never imports Streamlit; this package may)."""
