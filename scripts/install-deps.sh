#!/usr/bin/env bash
# Installs the programs tecno needs, when missing: ffmpeg and espeak-ng to
# build lessons; with --test, also what the test suite uses (flite, poppler,
# CJK fonts, Chromium). As root on Debian/Ubuntu it runs apt-get; otherwise it
# prints the command.
set -euo pipefail

# program → Debian package
declare -A pkgs=(
  [ffmpeg]=ffmpeg
  [ffprobe]=ffmpeg
  [espeak-ng]=espeak-ng
)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(
    [flite]=flite
    [pdftoppm]=poppler-utils
    # The browser test plays out/index.html in headless Chromium.
    [chromium]=chromium
  )
fi
missing=()
for prog in "${!pkgs[@]}"; do
  command -v "$prog" >/dev/null 2>&1 || missing+=("${pkgs[$prog]}")
done
# Fonts for CJK text on slides (the renderer falls back to installed fonts).
if [ "${1:-}" = "--test" ] && ! ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then
  missing+=(fonts-noto-cjk)
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all dependencies present"
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "install-deps: done"
elif command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${missing[*]}; run:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
elif command -v brew >/dev/null 2>&1; then
  echo "install-deps: missing programs; run:"
  echo "  brew install ffmpeg espeak-ng flite poppler; brew install --cask chromium"
  exit 1
else
  echo "install-deps: please install: ${missing[*]}"
  exit 1
fi
