# Sourced by scripts/run and scripts/test: make .venv with the project installed.
# Installs from the hash-checked lock (requirements/*.txt); again only when it changed.

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "AidDesk needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  return 1
}

ensure_venv() {
  local extras="$1"  # "" or "test"
  if [ ! -x .venv/bin/python ]; then
    local python
    python=$(find_python)
    echo "Creating .venv with $python ..."
    "$python" -m venv .venv
  fi
  # Every package comes from the lock, with its hash checked (scripts/lock makes the lock).
  local lock="requirements/${extras:-base}.txt"
  local stamp=".venv/.installed-${extras:-base}"
  local want
  want=$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()+open("pyproject.toml","rb").read()).hexdigest())' "$lock")
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing dependencies from $lock ..."
    .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
    .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation --editable .
    echo "$want" > "$stamp"
  fi
}
