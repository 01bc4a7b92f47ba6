"""Reading the corpus: page boilerplate (more of discover/decode/html/metadata may move here)."""
