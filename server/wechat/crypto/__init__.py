"""Encrypted WeChat databases: the user's key, page decryption, export and in-place reading.

    keys      DatabaseKey, RawKey, KeyRing: every key form, per-file derivation, never printed
    params    one CipherProfile per WeChat generation (page size, reserve, hash, iterations)
    pages     PageCipher: HMAC check and AES-256-CBC per page; the key check on page 1
    wal       the committed frames of a -wal file
    database  one file (+ -wal) -> one consistent plain image, into memory or a file
    memory    in-place mode: apsw connections over the VFS, handed to the readers
    vfs       apsw VFS: read-only, main database only, pages served from a snapshot
    snapshot  one encrypted file + its WAL's committed frames, decrypted page by page
    pagecache the bounded LRU of decrypted pages (the only plaintext kept)
    facade    the part of sqlite3.Connection the readers use, over apsw
    export    `chatlog-tray decrypt`: plain copies, incremental, verified, atomic
    progress  progress events and the terminal progress bar
    command   the `decrypt` subcommand's arguments

Qt-free; uses `cryptography` for AES, HMAC and PBKDF2, and `apsw` for the VFS.
"""
