# Sourced by scripts/system-deps.sh and scripts/browser-deps.sh, not run on its own.
# apt_install PURPOSE PACKAGE...: installs the Debian packages with apt-get when run as root, or
# with sudo when it is there; otherwise names them for PURPOSE and returns 1.
apt_install() {
    local purpose="$1"
    shift
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing system packages for ${purpose}: $*" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
        echo "==> installing system packages for ${purpose} with sudo: $*" >&2
        sudo apt-get update -qq >/dev/null
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    else
        echo "isms needs these system packages for ${purpose}: $*" >&2
        echo "install them with your package manager (e.g. apt-get install $*)" >&2
        return 1
    fi
}
