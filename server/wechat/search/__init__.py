"""A full-text index of the rendered message bodies, kept beside (never inside) the WeChat data.

`grams` turns text into index terms, `index` is the index file, `documents` says what text of
a row the scan would match, `service` builds and updates the index in the background and
answers keyword queries from it once it is ready (see docs/search.md).
"""
