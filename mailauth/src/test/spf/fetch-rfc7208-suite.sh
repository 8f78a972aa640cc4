#!/bin/sh
# Fetches the RFC 7208 SPF test suite (openspf.org, in pyspf's Debian source package) and prints the folder that
# holds rfc7208-tests.yml, for MAILROOM_SPF_TESTSUITE:
#   export MAILROOM_SPF_TESTSUITE="$(mailauth/src/test/spf/fetch-rfc7208-suite.sh)"
# Only the Debian archive is used. The suite is another project's file: it is not kept in our tree.
# Usage: fetch-rfc7208-suite.sh [WORKDIR]   (default /tmp/mailroom-spf-suite; needs root for apt-get update)
set -eu
work="${1:-/tmp/mailroom-spf-suite}"
found() { find "$work" -name rfc7208-tests.yml -path '*/test/*' 2>/dev/null | head -n 1; }
if [ -z "$(found)" ]; then
    if [ ! -f /etc/apt/sources.list.d/debian-src.sources ]; then
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/debian-src.sources
    fi
    apt-get update -qq >&2
    mkdir -p "$work"
    # apt-get source unpacks the package; when a part of it is missing from the mirror (the .debian.tar.xz was,
    # once) it still leaves the upstream tarball, which holds the suite: unpack that ourselves.
    (cd "$work" && apt-get source -qq pyspf >&2) || true
    if [ -z "$(found)" ]; then
        orig="$(ls "$work"/pyspf_*.orig.tar.gz 2>/dev/null | head -n 1)"
        [ -n "$orig" ] || { echo "pyspf source not downloaded" >&2; exit 1; }
        tar xzf "$orig" -C "$work"
    fi
fi
suite="$(found)"
[ -n "$suite" ] || { echo "rfc7208-tests.yml not found under $work" >&2; exit 1; }
dirname "$suite"
