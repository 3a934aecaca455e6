"""Read-only access to local WeChat data (Windows 3.x, 4.x, macOS 3.x); Qt-free.

The rest of the app opens a `ChatStore` (server/wechat/store.py: `open_store`) and queries it
(`MessageQuery` in query.py, `TimeRange` in timerange.py); the errors it raises are in
errors.py, the records it returns in model.py. Everything else here is the machinery.
"""
