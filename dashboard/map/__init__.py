"""The map: build (the folium map), popups, basemap, labels, overlays, legend, the layer
control, and the folium patches (``_folium``), applied explicitly. See ``build.build_map``."""
