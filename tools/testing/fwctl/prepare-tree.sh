#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh REPO SRC
#
# Make SRC a base 6.12 kernel tree carrying the repo's patch series and
# overlaid files. Idempotent: the tarball is extracted and the series applied
# only when the series changed, and the result is synced into SRC by content;
# the overlay copies only files whose contents changed. Either way only what
# really changed gets a new mtime, so an edit to one .c in the repo rebuilds
# only that object.
set -euo pipefail

repo=$(cd "$1" && pwd)
src=$2
tarball=${LINUX_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
stamp="$src/.fwctl-series"

series_id() {
	(cd "$repo/patches" && cat series $(grep -v '^#' series)) |
		sha256sum | cut -d' ' -f1
}

want=$(series_id)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	[ -f "$tarball" ] || { echo "prepare-tree: $tarball missing (make deps)" >&2; exit 1; }
	echo "  TREE    extracting $(basename "$tarball") into $src"
	rm -rf "$src.new"
	mkdir -p "$src.new"
	tar -xf "$tarball" -C "$src.new" --strip-components=1
	for p in $(grep -v '^#' "$repo/patches/series"); do
		echo "  PATCH   $p"
		patch -d "$src.new" -p1 -s --no-backup-if-mismatch \
			< "$repo/patches/$p"
	done
	echo "$want" > "$src.new/.fwctl-series"
	if [ -d "$src" ]; then
		# Sync by content, without keeping times: only files the series
		# change differently get a new mtime, so only they rebuild.
		rsync -rl --checksum "$src.new/" "$src/"
		rm -rf "$src.new"
	else
		mv "$src.new" "$src"
	fi
fi

# Overlay: compare contents, keep the tree's mtime when nothing changed.
for d in drivers include Documentation tools samples; do
	[ -d "$repo/$d" ] || continue
	rsync -r --checksum --times "$repo/$d/" "$src/$d/"
done
