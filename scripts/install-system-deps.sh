#!/usr/bin/env bash
# System packages the project needs, from Debian. Idempotent: installs only what is missing.
set -euo pipefail
packages=(
  python3-venv
  # WeasyPrint (notice PDFs) loads these through cffi at import time; a slim image lacks them.
  libglib2.0-0
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz0b
  libfontconfig1
  fontconfig
  # Without hb-subset WeasyPrint subsets the 26 MB CJK font with fontTools: ~6 s per notice instead of 0.2 s.
  libharfbuzz-subset0
  # The notices are Chinese; fonts come from Debian through fontconfig, never downloaded at run time.
  fonts-noto-cjk
  # pg_dump and pg_restore: `assistance backup` and `assistance restore` on PostgreSQL.
  postgresql-client
  # pdftotext, pdfinfo, pdffonts: the document tests read the rendered PDFs back.
  poppler-utils
  # The browser tests (tests/e2e/test_e2e_web_browser.py) drive Debian's Chromium through Playwright's
  # Python package; Playwright's own browser download is never used.
  chromium
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# The interpreter the Makefile makes the environment with (PYTHON); a pyenv or other non-Debian
# Python 3.11 already has venv, so only install it when that one lacks it.
if "${PYTHON:-python3.11}" -c 'import venv, ensurepip' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
