#!/bin/sh
# The base image, from Debian's own packages with mmdebstrap: no image registry involved.
#   deploy/base-image.sh [image-name]     (as root; default localhost/tracker-base)
set -eu
IMAGE=${1:-localhost/tracker-base}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
podman image exists "$IMAGE" && exit 0
tarball=$(mktemp --suffix=.tar)
trap 'rm -f "$tarball"' EXIT
mmdebstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$tarball" \
  "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
podman import "$tarball" "$IMAGE"
