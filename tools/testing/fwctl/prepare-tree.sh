#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare-tree.sh REPO SRC
#
# Make SRC a base kernel tree carrying the repo's patch series and overlaid
# files. The base is $BASE (default 6.12): the tarball is
# /usr/src/linux-source-$BASE.tar.xz (LINUX_TARBALL overrides), the series
# patches/series on 6.12 and patches-$BASE/series on any other base.
#
# The overlay copies the repo's drivers/, include/, Documentation/, tools/
# and samples/ into SRC, except the files the base tree has itself: on a
# base with a fwctl core of its own (7.3) our core, its headers and its UAPI
# are not copied; the series changes the base's files instead. A base may
# list more repo files to leave out in patches-$BASE/not-overlaid (one path
# a line, # comments). The files left out are listed in
# SRC/.fwctl-not-overlaid.
#
# On 6.12, which has no fwctl core, the core is mainline's as the 7.3
# series leaves it: import-core.sh writes it into the tree before the 6.12
# series applies, as if the base had it. The repo keeps no core of its own.
#
# Idempotent: the tarball is extracted and the series applied only when the
# series changed, and the result is synced into SRC by content; the overlay
# copies only files whose contents changed. Either way only what really
# changed gets a new mtime, so an edit to one .c in the repo rebuilds only
# that object.
set -euo pipefail

repo=$(cd "$1" && pwd)
src=$2
base=${BASE:-6.12}
tarball=${LINUX_TARBALL:-/usr/src/linux-source-$base.tar.xz}
if [ "$base" = 6.12 ]; then pdir=$repo/patches; else pdir=$repo/patches-$base; fi
stamp="$src/.fwctl-series"

[ -f "$pdir/series" ] || { echo "prepare-tree: no $pdir/series for BASE=$base" >&2; exit 1; }

series_id() {
	{
		(cd "$pdir" && cat series $(grep -v '^#' series))
		if [ "$base" = 6.12 ]; then
			cat "$repo/tools/testing/fwctl/import-core.sh"
			(cd "$repo/patches-7.3" && cat series $(grep -v '^#' series))
		fi
	} | sha256sum | cut -d' ' -f1
}

want=$(series_id)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	[ -f "$tarball" ] || { echo "prepare-tree: $tarball missing (make deps)" >&2; exit 1; }
	echo "  TREE    extracting $(basename "$tarball") into $src"
	rm -rf "$src.new"
	mkdir -p "$src.new"
	tar -xf "$tarball" -C "$src.new" --strip-components=1
	if [ "$base" = 6.12 ]; then
		echo "  IMPORT  the fwctl core of linux-source-7.3 and patches-7.3"
		"$repo/tools/testing/fwctl/import-core.sh" "$repo" "$src.new"
	fi
	# What the base has before the series: the overlay never replaces it.
	(cd "$src.new" && find . -type f -o -type l) | sed 's|^\./||' |
		grep -v '^\.fwctl-' | LC_ALL=C sort > "$src.new/.fwctl-base-files.tmp"
	mv "$src.new/.fwctl-base-files.tmp" "$src.new/.fwctl-base-files"
	for p in $(grep -v '^#' "$pdir/series"); do
		echo "  PATCH   $p"
		patch -d "$src.new" -p1 -s --no-backup-if-mismatch \
			< "$pdir/$p"
	done
	# What the series creates: the repo must not have it too (below).
	(cd "$src.new" && find . -type f -o -type l) | sed 's|^\./||' |
		grep -v '^\.fwctl-' | LC_ALL=C sort |
		LC_ALL=C comm -23 - "$src.new/.fwctl-base-files" \
		> "$src.new/.fwctl-series-files"
	echo "$want" > "$src.new/.fwctl-series"
	if [ -d "$src" ]; then
		# Sync by content, without keeping times: only files the series
		# change differently get a new mtime, so only they rebuild. A
		# file the series no longer creates goes; the repo's files are
		# overlaid again below (recopied, so they rebuild once).
		rsync -rl --checksum --delete "$src.new/" "$src/"
		rm -rf "$src.new"
	else
		mv "$src.new" "$src"
	fi
fi

# A tree prepared before the list above existed: list the tarball.
if [ ! -f "$src/.fwctl-base-files" ]; then
	top=$( (tar -tf "$tarball" || true) | head -n1 | cut -d/ -f1)
	tar -tf "$tarball" | sed -e "s|^$top/||" -e '/\/$/d' -e '/^$/d' |
		LC_ALL=C sort > "$src/.fwctl-base-files"
fi

# The repo files the overlay leaves out: those the base provides, and the
# base's own list.
dirs="drivers include Documentation tools samples"
# shellcheck disable=SC2086
(cd "$repo" && find $dirs -type f 2>/dev/null) | LC_ALL=C sort |
	LC_ALL=C comm -12 - "$src/.fwctl-base-files" > "$src/.fwctl-not-overlaid.new"
if [ -f "$pdir/not-overlaid" ]; then
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$pdir/not-overlaid" \
		>> "$src/.fwctl-not-overlaid.new"
fi
LC_ALL=C sort -u "$src/.fwctl-not-overlaid.new" > "$src/.fwctl-not-overlaid"
rm -f "$src/.fwctl-not-overlaid.new"

# A file both the series creates and the repo has: one would silently
# replace the other. Either the series stops creating it or the base's
# not-overlaid list names it.
if [ -f "$src/.fwctl-series-files" ]; then
	# shellcheck disable=SC2086
	both=$( (cd "$repo" && find $dirs -type f 2>/dev/null) | LC_ALL=C sort |
		LC_ALL=C comm -12 - "$src/.fwctl-series-files" |
		LC_ALL=C comm -23 - "$src/.fwctl-not-overlaid")
	if [ -n "$both" ]; then
		echo "prepare-tree: created by the series and in the repo; list them in" \
			"${pdir#"$repo"/}/not-overlaid or drop them from the series:" >&2
		echo "$both" | sed 's/^/  /' >&2
		exit 1
	fi
fi

# Overlay: compare contents, keep the tree's mtime when nothing changed.
# A file that changed gets the time of the copy, not the repo's: one edited
# while a build compiled it would otherwise look older than its object.
for d in $dirs; do
	[ -d "$repo/$d" ] || continue
	sed -n "s|^$d/|/|p" "$src/.fwctl-not-overlaid" > "$src/.fwctl-exclude"
	rsync -r --checksum --exclude-from="$src/.fwctl-exclude" \
		"$repo/$d/" "$src/$d/"
done
rm -f "$src/.fwctl-exclude"
