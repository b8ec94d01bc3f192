# Sourced by tests/suite.sh. `need_packages PKG...` installs Debian packages
# that are missing, running `apt-get update` at most once per suite run.
need_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "${COCKPIT_APT_UPDATED:-}" ]; then
    apt-get update -qq
    export COCKPIT_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
