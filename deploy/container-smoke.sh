#!/bin/sh
# Build the images from Debian's packages and the repo's HEAD, run them, smoke-test them:
# the app alone on SQLite in its volume, then compose.yaml (app, PostgreSQL, Redis).
#   deploy/container-smoke.sh          (as root; podman, mmdebstrap and runc installed)
set -eu
cd "$(dirname "$0")/.."
REPO=$(pwd)
# runc and the rlimits this kind of VM allows (crun refuses hybrid cgroups).
export CONTAINERS_CONF="${CONTAINERS_CONF:-$REPO/deploy/containers.conf}"
TAG=${TAG:-ci}
SECRET="ci-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
work=$(mktemp -d)
trap 'rm -rf "$work"; podman rm -f -v -t0 tracker-smoke >/dev/null 2>&1 || true' EXIT

deploy/base-image.sh localhost/tracker-base

# The image is built from what is committed, like a release; a host CA bundle helps pip only
# where an egress proxy re-signs TLS, and is not kept in the image.
git archive HEAD | tar -x -C "$work"
ca=""
[ -s /etc/ssl/certs/ca-certificates.crt ] && ca="-v /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro"
# shellcheck disable=SC2086
podman build --format docker --network host $ca -t "localhost/tracker:$TAG" -t localhost/tracker -f "$work/Containerfile" "$work"

wait_healthy() {
  i=0
  until curl -sf "$1/healthz" >/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 120 ] || { podman logs "$2"; return 1; }
    sleep 0.5
  done
}

echo "--- the app alone, SQLite in its data volume"
podman rm -f -v -t0 tracker-smoke >/dev/null 2>&1 || true
podman run -d --name tracker-smoke -p 127.0.0.1:8078:8000 \
  -e SECRET_KEY="$SECRET" -e HTTPS=False "localhost/tracker:$TAG" >/dev/null
wait_healthy http://127.0.0.1:8078 tracker-smoke
python3 deploy/smoke.py http://127.0.0.1:8078 || { podman logs tracker-smoke; exit 1; }
podman healthcheck run tracker-smoke && echo "ok   the image's HEALTHCHECK passes"
podman exec tracker-smoke tracker spool_flush
podman rm -f -v -t0 tracker-smoke >/dev/null

echo "--- compose.yaml: the app, PostgreSQL and Redis"
podman build --network host -t localhost/tracker-postgres deploy/images/postgres
podman build --network host -t localhost/tracker-redis deploy/images/redis
compose="$work/compose-venv/bin/podman-compose"
python3 -m venv "$work/compose-venv"
"$work/compose-venv/bin/pip" install -q 'podman-compose>=1.2'
export SECRET_KEY="$SECRET" PORT=8090
"$compose" -p trackerci down -v >/dev/null 2>&1 || true
"$compose" -p trackerci up -d
status=0
wait_healthy http://127.0.0.1:8090 trackerci_web_1 || status=1
[ $status = 0 ] && { python3 deploy/smoke.py http://127.0.0.1:8090 || status=1; }
[ $status = 0 ] && { podman exec trackerci_db_1 psql -U tracker -d tracker -Atc \
  "select 'visits in PostgreSQL: ' || count(*) from visits_visit" || status=1; }
[ $status = 0 ] || podman logs trackerci_web_1
"$compose" -p trackerci down -v >/dev/null 2>&1 || true
exit $status
