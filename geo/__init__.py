"""Peta Sinergi: the product's logic. Importable and testable without Streamlit."""
