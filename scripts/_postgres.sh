# Used by scripts/test: a throw-away PostgreSQL server for one test run.
#
# pg_find_bin prints the folder of PostgreSQL's server programs (initdb, pg_ctl, postgres):
# initdb on PATH, else the newest /usr/lib/postgresql/*/bin; nothing when there is none.
# pg_start creates a cluster in a new temporary folder and starts it, listening only on
# a Unix socket in that folder (no TCP port, nothing to collide with), with `trust`
# authentication for the superuser `vinculo`, fsync off (the data is thrown away), and
# creates the database `vinculo`; it sets PG_URL (a DATABASE_URL) and PG_DIR.
# PostgreSQL refuses to run as root: as root, the server runs as the unprivileged system
# user `postgres` (Debian's package creates it), else `nobody`, which owns the folder.
# pg_stop stops the server at once and deletes the folder (call it from a trap).

pg_find_bin() {
    local initdb dir
    if initdb="$(command -v initdb 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$initdb")")"
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return
        fi
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return
        fi
    done
}

PG_DIR=""
PG_URL=""
PG_AS=()

pg_start() {
    local bin="$1"
    PG_AS=()
    if [ "$(id -u)" -eq 0 ]; then
        local user=postgres
        id -u "$user" >/dev/null 2>&1 || user=nobody
        if ! command -v runuser >/dev/null 2>&1; then
            echo "cannot start PostgreSQL: running as root and runuser (util-linux) is missing" >&2
            return 1
        fi
        PG_AS=(runuser -u "$user" --)
        # /tmp, not $TMPDIR: the server's user must reach it, and the socket path is short
        PG_DIR="$(mktemp -d /tmp/vinculo-pg.XXXXXX)"
        chown "$user" "$PG_DIR"
    else
        PG_DIR="$(mktemp -d /tmp/vinculo-pg.XXXXXX)"
    fi
    # the server's user may not be allowed into the current folder: work from PG_DIR
    if ! (cd "$PG_DIR" && "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U vinculo \
        --auth=trust --encoding=UTF8 --no-locale --no-sync) >"$PG_DIR/initdb.log" 2>&1; then
        echo "initdb failed:" >&2
        cat "$PG_DIR/initdb.log" >&2
        return 1
    fi
    if ! (cd "$PG_DIR" && "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
        -w -t 60 -o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start) >/dev/null 2>&1; then
        echo "PostgreSQL did not start:" >&2
        cat "$PG_DIR/server.log" >&2
        return 1
    fi
    "$bin/createdb" -h "$PG_DIR" -U vinculo vinculo
    # the socket folder as the URL's host, percent-encoded (dj-database-url)
    PG_URL="postgres://vinculo@${PG_DIR//\//%2F}/vinculo"
}

pg_stop() {
    local bin="$1"
    if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
        if [ -f "$PG_DIR/data/postmaster.pid" ]; then
            (cd "$PG_DIR" && "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop) \
                >/dev/null 2>&1 || true
        fi
        rm -rf "$PG_DIR"
    fi
    PG_DIR=""
}
