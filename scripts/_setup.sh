# Sourced by scripts/run and scripts/test: make .venv with the project installed.
# Reinstalls only when pyproject.toml changed since the last install.

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
  local stamp=".venv/.installed${extras:+-$extras}"
  local want
  want=$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest())')
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing dependencies${extras:+ ($extras)} ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
  fi
  compile_translations
}

# The .mo catalogs are built from the committed .po files, never committed themselves.
# Cheap enough to run every time, so an edited .po is always served.
compile_translations() {
  if [ -d translations ]; then
    .venv/bin/pybabel --quiet compile -d translations
  fi
}
