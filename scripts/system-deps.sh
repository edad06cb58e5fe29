#!/bin/sh
# Makes sure the system packages erasure-docs needs are present (Debian/Ubuntu names).
#   libpango / libpangoft2 : WeasyPrint's text layout
#   libharfbuzz-subset0    : fast font subsetting (without it every PDF takes ~1.9x longer)
#   fonts-liberation2      : Liberation Serif, metric-compatible with Times New Roman, embedded in every PDF
#   poppler-utils          : pdftotext / pdffonts / pdftoppm, used by the tests to read PDFs back (and by the
#                            web app for page pictures)
# `make test` adds, as arguments: chromium and chromium-driver, the real browser of the web app's tests.
# As root on Debian or Ubuntu it installs what is missing with apt-get; otherwise it prints the command.
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 poppler-utils"
[ "$#" -gt 0 ] && PACKAGES="$PACKAGES $*"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
else
  echo "system-deps: not a Debian-like system; make sure Pango >= 1.44, HarfBuzz (with hb-subset)," >&2
  echo "  the Liberation fonts (version 2) and poppler-utils are installed." >&2
  exit 0
fi
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "system-deps: missing system packages:$missing" >&2
  echo "  install them with:  sudo apt-get install -y$missing" >&2
  exit 1
fi
