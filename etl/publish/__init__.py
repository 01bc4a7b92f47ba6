"""Writing the build for other GIS tools: QGIS styles, GeoParquet, PostgreSQL/PostGIS."""
