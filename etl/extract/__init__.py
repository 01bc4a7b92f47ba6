"""Per-document extraction steps (see /docs architecture: ``etl/extract/``)."""
