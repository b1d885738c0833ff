#!/bin/sh
# Make sure the Debian packages the tests drive are installed: Chromium (the browser test and
# the PDF edition) and poppler-utils (pdftotext, to read the PDF back).
# As root, install what is missing with apt-get; otherwise print the one command to run and
# exit 2 before any test starts.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages the tests need:$missing" >&2
  # Another apt-get (a second checkout's make test) may hold the lock: wait for it. apt's own
  # chatter is shown only when it fails.
  if ! log=$(apt-get -o DPkg::Lock::Timeout=600 update -qq 2>&1 &&
             DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing 2>&1); then
    printf '%s\n' "$log" >&2
    echo "apt-get could not install:$missing" >&2
    exit 2
  fi
  exit 0
fi
echo "make test needs Debian packages that are missing; install them with: sudo apt-get install -y$missing" >&2
exit 2
