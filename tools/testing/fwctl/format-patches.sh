#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# format-patches.sh REPO OUTDIR
#
# Emit the whole slice as a git format-patch series against the base 6.12
# tree: the patches of the series first, then one patch adding the files
# this repo overlays, per top-level directory. Only the base files the
# series touches are committed as the base, so this takes seconds.
set -euo pipefail
repo=$(cd "$1" && pwd)
out=$2
tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

touched=$(grep -v '^#' "$repo/patches/series" | while read -r p; do
	sed -n 's|^+++ b/||p' "$repo/patches/$p"
done | sort -u)
top=$(tar -tf "$tarball" | head -n1 | cut -d/ -f1)
# shellcheck disable=SC2046
tar -xf "$tarball" -C "$work" --strip-components=1 \
	$(for f in $touched; do echo "$top/$f"; done)

cd "$work"
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
git init -q
git -c user.name=base -c user.email=base@localhost add -A
git -c user.name=base -c user.email=base@localhost commit -q -m "base: files of linux-source-6.12 touched by the series"
base=$(git rev-parse HEAD)
for p in $(grep -v '^#' "$repo/patches/series"); do
	git -c user.name=fwctl -c user.email=fwctl@localhost am -q "$repo/patches/$p"
done

add() { # dir subject body
	local d=$1
	(cd "$repo" && git ls-files -co --exclude-standard "$d" |
		grep -v '^tools/testing/fwctl/') > "$work/.list" || true
	[ -s "$work/.list" ] || return 0
	rsync -a --files-from="$work/.list" "$repo/" "$work/"
	rm -f "$work/.list"
	git add -A
	git -c user.name=fwctl -c user.email=fwctl@localhost commit -q -s \
		-m "$2" -m "$3"
}
add include "fwctl: add the UAPI and driver API headers" \
	"include/uapi/fwctl/ is the binary interface, include/linux/ the in-kernel API."
add drivers "fwctl: add the fwctl core, its test driver and the drivers using it" \
	"drivers/fwctl/ is the character device core; see Documentation/userspace-api/fwctl/."
add Documentation "Documentation: describe fwctl" \
	"The userspace API, the scopes, the security model and the driver API."
add tools "selftests/fwctl: add the fwctl selftests and tools" \
	"kselftest-harness tests of the user-visible contract and the userspace tools."
add samples "samples: add the fwctl samples" "A minimal vendor tool using only the UAPI headers."

rm -rf "$out"
mkdir -p "$out"
git format-patch -q -o "$out" "$base"..HEAD
ls "$out"
