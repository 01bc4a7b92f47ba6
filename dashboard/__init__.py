"""The atlas's Streamlit dashboard: reads the build, never re-runs extraction."""
