# Sourced by test.sh and bench.sh: a throwaway PostgreSQL 15 cluster in a temp dir, removed on exit.
#   start_postgres [server options...]   sets pg_dir, pg_port and postgres_connection (Npgsql form, database postgres)
#   stop_postgres                         stops and deletes it (the caller's EXIT trap calls it)
# The caller chooses the durability: tests turn fsync off, benchmarks keep it on.

pg_bin=${pg_bin:-/usr/lib/postgresql/15/bin}
pg_dir=""

# initdb and postgres refuse to run as root, so as root they run as the postgres user (created
# by the postgresql-common package). The cd keeps su from complaining about an unreadable cwd.
as_postgres() {
  if [[ $EUID -eq 0 ]]; then
    su postgres -s /bin/sh -c "cd / && $*"
  else
    sh -c "$*"
  fi
}

# shellcheck disable=SC2317  # only called from the caller's EXIT trap
stop_postgres() {
  if [[ -n $pg_dir && -d $pg_dir ]]; then
    if [[ -f $pg_dir/data/postmaster.pid ]]; then
      as_postgres "$pg_bin/pg_ctl -D '$pg_dir/data' stop -m immediate" >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
  fi
}

# A port nobody listens on right now: the kernel picks one when binding to port 0.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
  local options="$*"
  pg_dir=$(mktemp -d -t flowthrough-pg.XXXXXX)
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$pg_dir"; fi

  printf '==> %s\n' "Creating a throwaway PostgreSQL cluster in $pg_dir"
  if ! as_postgres "$pg_bin/initdb -D '$pg_dir/data' --auth=trust -U postgres --encoding=UTF8 --locale=C.UTF-8" \
      >"$pg_dir/initdb.log" 2>&1; then
    cat "$pg_dir/initdb.log" >&2
    printf 'initdb failed\n' >&2
    return 1
  fi

  # Another process could take the port between free_port and the server's bind; retry a few times.
  local attempt
  for attempt in 1 2 3; do
    pg_port=$(free_port)
    if as_postgres "$pg_bin/pg_ctl -D '$pg_dir/data' -l '$pg_dir/server.log' -w -t 60 start -o \
        '-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 $options'" >/dev/null; then
      break
    fi
    if [[ $attempt -eq 3 ]]; then
      cat "$pg_dir/server.log" >&2
      printf 'PostgreSQL did not start\n' >&2
      return 1
    fi
    printf '==> %s\n' "PostgreSQL could not start on port $pg_port; trying another port"
  done

  # Prove the server answers over TCP, as the app and the tests will connect.
  if ! psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -XAtq -c 'select 1' >/dev/null; then
    cat "$pg_dir/server.log" >&2
    printf 'PostgreSQL started but does not accept connections on port %s\n' "$pg_port" >&2
    return 1
  fi
  printf '==> %s\n' "PostgreSQL 15 is up on 127.0.0.1:$pg_port"
  postgres_connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Include Error Detail=true"
}
