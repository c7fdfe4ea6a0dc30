#!/usr/bin/env bash
# Plenary's two commands.  Both are idempotent on a fresh Debian machine with Python 3.11+:
#   ./dev.sh run    install everything, migrate the embedded SQLite database, load the demo
#                   organisation if it is missing, and serve http://127.0.0.1:8000/
#   ./dev.sh test   install everything (Debian's chromium too) and run the whole test suite:
#                   unit, HTTP, SQLite and PostgreSQL database tests, browser tests
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
BIN=$VENV/bin
VENDOR=web/static/vendor
SUDO=""
if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
fi
APT_UPDATED=""

apt_install() {
    # Install Debian packages only when a probe says they are missing.
    if [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
        echo "dev.sh needs the Debian packages: $*" >&2
        echo "Install them as root (apt-get install $*) or install sudo, then run this again." >&2
        exit 2
    fi
    if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

ensure_system() {
    "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
        || { echo "Plenary needs Python 3.11 or newer (found $("$PYTHON" --version 2>&1))" >&2; exit 2; }
    "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    command -v npm >/dev/null || apt_install nodejs npm
    # the bulletin PDF embeds DejaVu (italic faces are only in -extra)
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf ] || apt_install fonts-dejavu-core fonts-dejavu-extra
    command -v openssl >/dev/null || apt_install openssl
}

ensure_python_packages() {
    # a venv left without pip by an interrupted first run is rebuilt
    "$BIN/python" -m pip --version >/dev/null 2>&1 || "$PYTHON" -m venv --clear "$VENV"
    local stamp="$VENV/.installed"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        "$BIN/python" -m pip install -q --upgrade pip
        "$BIN/python" -m pip install -q -e '.[test]'
        touch "$stamp"
    fi
}

ensure_static() {
    # htmx comes from the npm registry at the version package-lock.json pins; never committed.
    if [ ! -f "$VENDOR/htmx.min.js" ] || [ ! -f "$VENDOR/htmx-sse.min.js" ] \
        || [ package-lock.json -nt "$VENDOR/htmx.min.js" ]; then
        npm ci --no-audit --no-fund --loglevel=error
        mkdir -p "$VENDOR"
        cp node_modules/htmx.org/dist/htmx.min.js "$VENDOR/htmx.min.js"
        cp node_modules/htmx-ext-sse/dist/sse.min.js "$VENDOR/htmx-sse.min.js"
    fi
}

ensure_browser() {
    [ -x /usr/bin/chromium ] || apt_install chromium
}

install() {
    ensure_system
    ensure_python_packages
    ensure_static
}

case "${1:-}" in
    run)
        install
        "$BIN/plenary" migrate
        "$BIN/plenary" demo --if-missing
        exec "$BIN/plenary" serve "${@:2}"
        ;;
    test)
        install
        ensure_browser
        exec "$BIN/python" -m pytest "${@:2}"
        ;;
    install)
        install
        ensure_browser
        ;;
    *)
        echo "usage: ./dev.sh run|test|install" >&2
        exit 2
        ;;
esac
