"""Media behind messages: finding the file or blob, decoding it, fitting it for a model.

`refs` names a media message; `locate` finds its file in the data directory (never outside);
`dat` decodes WeChat's `.dat` pictures; `voice` reads and decodes voice blobs; `fit` shrinks a
picture for a model; `service` puts them together for the MCP tool and the HTTP route.
"""
