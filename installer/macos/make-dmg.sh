#!/usr/bin/env bash
# macOS: sign "dist/Chatlog Tray.app", put it in a compressed disk image, sign and notarize
# the image. Run after installer/build.sh. Every secret comes from the environment; each
# step that lacks its secrets is skipped with a message, so an unsigned DMG still comes out.
#
#   MACOS_SIGN_IDENTITY        "Developer ID Application: Name (TEAMID)" (or its SHA-1).
#                              Unset: no codesign (PyInstaller's ad-hoc signature stays).
#   MACOS_CERTIFICATE_P12      optional, base64 of a .p12 with that identity (CI): imported
#   MACOS_CERTIFICATE_PASSWORD into a temporary keychain deleted on exit.
#   Notarization, one of:
#     NOTARY_KEYCHAIN_PROFILE  a profile stored with `xcrun notarytool store-credentials`;
#     APPLE_API_KEY_PATH, APPLE_API_KEY_ID, APPLE_API_ISSUER   an App Store Connect API key;
#     APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD               an app-specific password.
#                              None of them (or no signature): not notarized.
#
# Output: dist/chatlog-tray-VERSION-macos-ARCH.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."

app="dist/Chatlog Tray.app"
entitlements="installer/macos/entitlements.plist"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n1)"
dmg="dist/chatlog-tray-$version-macos-$(uname -m).dmg"
[ -d "$app" ] || { echo "[dmg] $app not found: run installer/build.sh first" >&2; exit 1; }

log() { echo "[dmg] $*"; }

import_certificate() {
  [ -n "${MACOS_CERTIFICATE_P12:-}" ] || return 0
  local keychain="$RUNNER_TEMP_DIR/signing.keychain-db" password
  password="$(uuidgen)"
  echo "$MACOS_CERTIFICATE_P12" | base64 --decode >"$RUNNER_TEMP_DIR/certificate.p12"
  security create-keychain -p "$password" "$keychain"
  security set-keychain-settings -lut 21600 "$keychain"
  security unlock-keychain -p "$password" "$keychain"
  security import "$RUNNER_TEMP_DIR/certificate.p12" -k "$keychain" \
    -P "${MACOS_CERTIFICATE_PASSWORD:-}" -T /usr/bin/codesign
  security set-key-partition-list -S apple-tool:,apple: -s -k "$password" "$keychain" >/dev/null
  # Search the new keychain first, then the user's.
  security list-keychains -d user -s "$keychain" $(security list-keychains -d user | tr -d '"')
  log "imported the signing certificate into a temporary keychain"
}

sign_app() {
  # Inside out: every Mach-O file first, then the bundle. Hardened runtime and a secure
  # timestamp are what notarization requires.
  find "$app/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) -print0 |
    while IFS= read -r -d '' file; do
      if file -b "$file" | grep -q "Mach-O"; then
        codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY" "$file"
      fi
    done
  codesign --force --timestamp --options runtime --entitlements "$entitlements" \
    --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
  log "signed $app"
}

notarize() {
  local auth=()
  if [ -n "${NOTARY_KEYCHAIN_PROFILE:-}" ]; then
    auth=(--keychain-profile "$NOTARY_KEYCHAIN_PROFILE")
  elif [ -n "${APPLE_API_KEY_PATH:-}" ] && [ -n "${APPLE_API_KEY_ID:-}" ] &&
       [ -n "${APPLE_API_ISSUER:-}" ]; then
    auth=(--key "$APPLE_API_KEY_PATH" --key-id "$APPLE_API_KEY_ID" --issuer "$APPLE_API_ISSUER")
  elif [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] &&
       [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    auth=(--apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD")
  else
    log "no notarization credentials (NOTARY_KEYCHAIN_PROFILE, APPLE_API_KEY_*, APPLE_ID...):" \
      "skipping notarization"
    return 0
  fi
  log "submitting $dmg for notarization (waits for Apple's verdict)"
  xcrun notarytool submit "$dmg" "${auth[@]}" --wait --timeout 30m
  xcrun stapler staple "$dmg"
  xcrun stapler validate "$dmg"
  log "notarized and stapled $dmg"
}

RUNNER_TEMP_DIR="$(mktemp -d)"
cleanup() {
  if [ -f "$RUNNER_TEMP_DIR/signing.keychain-db" ]; then
    security delete-keychain "$RUNNER_TEMP_DIR/signing.keychain-db" || true
  fi
  rm -rf "$RUNNER_TEMP_DIR"
}
trap cleanup EXIT

signed=false
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  import_certificate
  sign_app
  signed=true
else
  log "MACOS_SIGN_IDENTITY not set: skipping codesign (the app keeps its ad-hoc signature)"
fi

# The image: the app next to a link to /Applications, compressed (UDZO).
staging="$RUNNER_TEMP_DIR/staging"
mkdir -p "$staging"
ditto "$app" "$staging/Chatlog Tray.app"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "Chatlog Tray" -srcfolder "$staging" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg" >/dev/null
log "created $dmg ($(du -h "$dmg" | cut -f1))"

if $signed; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
  notarize
else
  log "skipping notarization: it needs a signed app (MACOS_SIGN_IDENTITY)"
fi
