"""Export one chat over a time span to HTML, JSON or CSV. Qt-free.

`options` says what to export; `collect` pages through the chat's messages in time order;
`attach` decodes a message's picture or voice for the HTML; `render_html`, `render_json` and
`render_csv` turn pages into text; `destination` refuses a place inside WeChat's folder;
`atomic` writes through a temporary file and a rename; `engine` puts them together for the
CLI, the HTTP API and the desktop window (docs/architecture.md, "Export").
"""
