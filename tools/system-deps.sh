#!/usr/bin/env bash
# Make sure the Debian packages Qt needs (offscreen and under Xvfb), a CJK font,
# binutils (for PyInstaller) and, for Debian's own Python, its venv module are present.
# Installs them when it can (root + apt-get); otherwise stops and prints the exact command.
# PYTHON: the interpreter the Makefile makes .venv with (default python3).
set -euo pipefail
PKGS=(libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 libxkbcommon0
      xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
      libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1
      fonts-wqy-microhei binutils)
# Debian splits ensurepip (which `python3 -m venv` needs) into python3.X-venv, which
# python3 does not pull in; other Pythons (pyenv, a build of one's own) carry it.
PY=${PYTHON:-python3}
if command -v "$PY" >/dev/null 2>&1 && ! "$PY" -c "import ensurepip" >/dev/null 2>&1; then
  ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  PKGS+=("python$ver-venv")
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-like system; install Qt's runtime libraries, Xvfb and a CJK font yourself" >&2
  exit 0
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "system-deps: installing ${missing[*]} with sudo"
  sudo env DEBIAN_FRONTEND=noninteractive sh -c "$cmd"
else
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "Run as root:  $cmd" >&2
  exit 1
fi
