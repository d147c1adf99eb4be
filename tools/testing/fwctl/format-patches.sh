#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# format-patches.sh REPO OUTDIR
#
# Emit the whole slice as a git format-patch series against the base tree
# ($BASE, default 6.12): one patch per subsystem adding the files this repo
# overlays (not built yet), then the patches of the series ($PATCHDIR), whose
# hooks build them. Only the base files the series touches are committed as
# the base, so this takes seconds. The files the tree does not take from the
# repo (SRC/.fwctl-not-overlaid, written by prepare-tree.sh: on 7.3 our
# fwctl core, which mainline has) are left out.
set -euo pipefail
repo=$(cd "$1" && pwd)
out=$2
kbase=${BASE:-6.12}
pdir=$repo/${PATCHDIR:-patches}
tarball=${LINUX_TARBALL:-/usr/src/linux-source-$kbase.tar.xz}
: "${SRC:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
skip=$work/.skip
cp "$SRC/.fwctl-not-overlaid" "$skip" 2>/dev/null || : > "$skip"
# What is not proposed upstream (BASE=7.3: /dev/cxl/switchN): files left
# out (not-upstream), and hooks taken out of the files emitted
# (not-upstream.patch, applied to each file as it is added).
noup=$pdir/not-upstream.patch
[ -f "$pdir/not-upstream" ] &&
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$pdir/not-upstream" >> "$skip"

# The base files the series changes (files it creates are not in the base).
# On 6.12 the fwctl core is not the tarball's: it is imported below.
touched=$(grep -v '^#' "$pdir/series" | while read -r p; do
	sed -n 's|^+++ b/||p' "$pdir/$p"
done | sort -u | grep -xF -f "$SRC/.fwctl-base-files" |
	{ if [ "$kbase" = 6.12 ]; then
		grep -vxF -f <("$repo/tools/testing/fwctl/import-core.sh" --list "$repo" -)
	  else cat; fi; } || true)
# The archive's top directory; head closing the pipe early is expected.
top=$( (tar -tf "$tarball" || true) | head -n1 | cut -d/ -f1)
# shellcheck disable=SC2046
tar -xf "$tarball" -C "$work" --strip-components=1 \
	$(for f in $touched; do echo "$top/$f"; done)

cd "$work"
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
git init -q
git -c user.name=base -c user.email=base@localhost add -A
git -c user.name=base -c user.email=base@localhost commit -q -m "base: files of linux-source-$kbase touched by the series"
base=$(git rev-parse HEAD)

# The 6.12 backport has /dev/cxl/switchN for existing tools; upstream not.
swnode=""
[ -f "$noup" ] || swnode=", and /dev/cxl/switchN for existing tools"
add() { # "paths" subject body
	# shellcheck disable=SC2086
	(cd "$repo" && git ls-files -co --exclude-standard $1) |
		{ grep -vxF -f "$skip" || true; } > "$work/.list"
	[ -s "$work/.list" ] || return 0
	rsync -a --files-from="$work/.list" "$repo/" "$work/"
	if [ -f "$noup" ]; then
		awk -v list="$work/.list" '
			BEGIN { while ((getline l < list) > 0) want[l] = 1 }
			/^diff --git / { f = $3; sub(/^a\//, "", f); keep = (f in want) }
			keep { print }
		' "$noup" > "$work/.noup"
		if [ -s "$work/.noup" ]; then
			patch -d "$work" -p1 -s --no-backup-if-mismatch < "$work/.noup"
		fi
		rm -f "$work/.noup"
	fi
	rm -f "$work/.list"
	git add -A
	git diff --cached --quiet && return 0
	git -c user.name=fwctl -c user.email=fwctl@localhost commit -q -s \
		-m "$2" -m "$(echo "$3" | fmt -w 72)"
}
if [ "$kbase" = 6.12 ]; then
	# Mainline's core as the 7.3 series leaves it, as prepare-tree.sh
	# builds it on 6.12.
	"$repo/tools/testing/fwctl/import-core.sh" "$repo" "$work"
	git add -A
	git -c user.name=fwctl -c user.email=fwctl@localhost commit -q -s \
		-m "fwctl: add mainline's fwctl core with the 7.3 series" \
		-m "$(fmt -w 72 <<< "The core of linux-source-7.3 with the fwctl patches of patches-7.3 (tools/testing/fwctl/import-core.sh): one core for both bases. The 6.12 series hooks it into the build.")"
	add "Documentation/userspace-api/fwctl/index.rst" \
		"Documentation: fwctl: add the index of the fwctl userspace API" \
		"The index of mainline's fwctl documentation, which 6.12 lacks."
fi
add "include/linux/fwctl-compat.h" \
	"fwctl: name what differs between the base kernels of the slice" \
	"The MMPT library, the CXL policy and the switch CCI driver are the same files on Linux 6.12 and 7.3; include/linux/fwctl-compat.h names what the two spell differently."
add "include/linux/pci-mmpt.h drivers/pci/mmpt Documentation/driver-api/pci/mmpt.rst" \
	"PCI/MMPT: add the MMPT mailbox library" \
	"One implementation of the MMPT / CXL mailbox register protocol for every consumer. See Documentation/driver-api/pci/mmpt.rst."
add "include/uapi/fwctl/cxl.h drivers/cxl/fwctl" \
	"cxl/fwctl: add the CXL command policy and mailbox RPC" \
	"Which CXL command runs at which fwctl scope, decided from the device's Command Effects Log."
add "drivers/cxl/switch Documentation/userspace-api/fwctl/fwctl-cxl.rst Documentation/ABI/testing/sysfs-bus-pci-drivers-cxl_switch_cci" \
	"cxl/switch: add the CXL switch mailbox CCI driver" \
	"The switch's FM-API as a fwctl device, its identity and ports in sysfs${swnode}."
add "tools/testing/selftests/fwctl" \
	"selftests/fwctl: add the fwctl selftests" \
	"kselftest-harness tests of the user-visible contract, run against the test driver and emulated CXL switches."
add "include drivers Documentation samples tools/fwctl" \
	"fwctl: add the remaining files of the slice" \
	"Anything not covered by the patches above."

# Then the base changes, in series order: what the code needs, the hooks
# that build it, documentation and MAINTAINERS. Every step builds.
for p in $(grep -v '^#' "$pdir/series"); do
	git -c user.name=fwctl -c user.email=fwctl@localhost am -q "$pdir/$p"
done

rm -rf "$out"
mkdir -p "$out"
git format-patch -q -o "$out" "$base"..HEAD
ls "$out"
