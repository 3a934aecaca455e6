"""Encrypted WeChat databases: the user's key, page decryption, export and in-place reading.

    keys      DatabaseKey, RawKey, KeyRing: every key form, per-file derivation, never printed
    params    one CipherProfile per WeChat generation (page size, reserve, hash, iterations)
    pages     PageCipher: HMAC check and AES-256-CBC per page; the key check on page 1
    wal       the committed frames of a -wal file
    database  one file (+ -wal) -> one consistent plain image, into memory or a file
    memory    in-place mode: decrypted images shared in memory, nothing on disk
    export    `chatlog-tray decrypt`: plain copies, incremental, verified, atomic
    progress  progress events and the terminal progress bar
    command   the `decrypt` subcommand's arguments

Qt-free; uses `cryptography` for AES, HMAC and PBKDF2.
"""
