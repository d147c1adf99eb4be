#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# import-core.sh REPO DEST
#
# Write mainline's fwctl core into DEST as the 7.3 series leaves it: the
# core's files from linux-source-7.3 (LINUX73_TARBALL overrides
# /usr/src/linux-source-7.3.tar.xz), then, of each patch of the 7.3 series
# (patches-7.3/series), the parts that change those files.
#
# This is how the 6.12 backport gets its core, as a distribution backports
# a subsystem: the repo keeps no core of its own, and a fix made in the 7.3
# series is the fix on 6.12. What 6.12 spells differently is in
# include/linux/fwctl-compat.h, which the 6.12 series' hook makes the core
# include. The parts of those patches that change other files (the CXL
# driver mainline has and 6.12 has not; lockdown, which the 6.12 series
# changes itself) are left out.
#
# DEST is an empty directory or a freshly extracted tree (prepare-tree.sh
# runs it before the 6.12 series applies): only the core's files are
# written, as the 7.3 series leaves them, so on a tree the 6.12 series has
# already changed it would undo that series' changes to them. With --list,
# print the core's files (after the series) and write nothing.
set -euo pipefail

list=0
if [ "${1:-}" = --list ]; then
	list=1
	shift
fi
repo=$(cd "$1" && pwd)
dest=$2
tarball=${LINUX73_TARBALL:-/usr/src/linux-source-7.3.tar.xz}
pdir=$repo/patches-7.3

# The core: mainline's files (those of linux-source-7.3, named here so
# that neither --list nor an import has to read the whole archive's
# listing: each pass through it decompresses 160 MB) and what the series
# adds beside them, which core_re picks from the patches.
mainline="drivers/fwctl/Kconfig drivers/fwctl/Makefile drivers/fwctl/main.c
include/linux/fwctl.h include/uapi/fwctl/fwctl.h include/uapi/fwctl/cxl.h
include/uapi/cxl/features.h Documentation/userspace-api/fwctl/fwctl.rst"
core_re='^(drivers/fwctl/(Kconfig|Makefile|[^/]*\.[ch]|\.kunitconfig)|include/linux/fwctl\.h|include/uapi/fwctl/(fwctl|cxl)\.h|include/uapi/cxl/features\.h|Documentation/userspace-api/fwctl/fwctl\.rst|Documentation/ABI/testing/sysfs-kernel-fwctl_test)$'
patches=$(grep -v '^#' "$pdir/series")

if [ "$list" = 1 ]; then
	{
		# shellcheck disable=SC2086
		printf '%s\n' $mainline
		for p in $patches; do
			sed -n 's|^+++ b/||p' "$pdir/$p"
		done
	} | grep -E "$core_re" | LC_ALL=C sort -u
	exit 0
fi

[ -f "$tarball" ] || { echo "import-core: $tarball missing (make deps)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work" "$work.files"' EXIT
# The archive's top directory; head closing the pipe early is expected.
top=$( (tar -tf "$tarball" || true) | head -n1 | cut -d/ -f1)
# One pass; a file mainline lacks ends the import with tar's error.
# shellcheck disable=SC2046
tar -xf "$tarball" -C "$work" --strip-components=1 \
	$(for f in $mainline; do echo "$top/$f"; done)

# Each patch cut into one diff per file; those of the core's files apply.
for p in $patches; do
	awk -v re="$core_re" '
		/^diff --git / { f = $3; sub(/^a\//, "", f); keep = (f ~ re) }
		# A signature ("-- ", then the git version) ends the patch; a
		# removed line that was "- " does not.
		$0 == "-- " {
			if ((getline nxt) <= 0 || nxt ~ /^[0-9]+\.[0-9]/)
				exit
			if (keep)
				print
			$0 = nxt
		}
		keep { print }
	' "$pdir/$p" > "$work/.part"
	if [ -s "$work/.part" ]; then
		patch -d "$work" -p1 -s --no-backup-if-mismatch < "$work/.part"
	fi
done
rm -f "$work/.part"

mkdir -p "$dest"
(cd "$work" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) > "$work.files"
rsync -r --checksum --files-from="$work.files" "$work/" "$dest/"
