"""The map: build (the folium map), popups, basemap, labels, overlays, legend, and the
folium patches (``_folium``), applied explicitly. See ``build.build_map``."""
