# Sourced by scripts/run: the instance folder and its two secrets, readable by their owner
# only (0700, 0600), also when an older copy or a hand-made file left them open to others.
prepare_instance() {
  local folder="$1"
  mkdir -p "$folder"
  chmod 700 "$folder"
  # The two secrets are made once and kept in instance/; back them up with the database.
  # Without card_key no printed card can be checked, so never lose it.
  for name in secret_key card_key; do
    if [ ! -s "$folder/$name" ] && [ -z "$(printenv "$(echo "$name" | tr a-z A-Z)" || true)" ]; then
      (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' > "$folder/$name")
      echo "Created $folder/$name"
    fi
    if [ -e "$folder/$name" ]; then
      chmod 600 "$folder/$name"
    fi
  done
}
