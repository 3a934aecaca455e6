#!/usr/bin/env bash
# Build the Chatlog Tray bundle on Linux or macOS:
#   dist/chatlog-tray/               the one-folder app (run dist/chatlog-tray/chatlog-tray)
#   dist/Chatlog Tray.app            macOS only: the menu bar app
#   dist/chatlog-tray-VERSION-OS-ARCH.tar.gz (Linux) or .zip (macOS, the .app)
# Needs the build venv: `uv sync --group build` (PyInstaller). Set PYINSTALLER to use another
# command than `uv run --no-sync pyinstaller`, e.g. PYINSTALLER=".venv/bin/pyinstaller".
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a pyinstaller <<<"${PYINSTALLER:-uv run --no-sync pyinstaller}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n1)"
arch="$(uname -m)"
case "$(uname -s)" in
  Darwin) os=macos ;;
  Linux) os=linux ;;
  *) echo "build.sh is for Linux and macOS; use installer/build.ps1 on Windows" >&2; exit 1 ;;
esac

started=$SECONDS
echo "[build] chatlog-tray $version for $os-$arch"
rm -rf dist/chatlog-tray "dist/Chatlog Tray.app"
"${pyinstaller[@]}" --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/chatlog-tray.spec

archive="dist/chatlog-tray-$version-$os-$arch"
if [ "$os" = macos ]; then
  rm -f "$archive.zip"
  # ditto keeps the symlinks, extended attributes and signatures an .app needs.
  ditto -c -k --sequesterRsrc --keepParent "dist/Chatlog Tray.app" "$archive.zip"
  archive="$archive.zip"
else
  rm -f "$archive.tar.gz"
  tar -C dist -czf "$archive.tar.gz" chatlog-tray
  archive="$archive.tar.gz"
fi
echo "[build] $(du -sh dist/chatlog-tray | cut -f1) dist/chatlog-tray," \
  "$(du -h "$archive" | cut -f1) $archive, in $((SECONDS - started)) s"
