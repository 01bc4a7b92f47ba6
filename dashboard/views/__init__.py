"""The dashboard's pages: one module per page, each page one function.

(Not called ``pages/``: Streamlit treats a ``pages/`` folder beside the main script as
pages of its own.)
"""
