#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# format-patches.sh REPO OUTDIR
#
# Emit the whole slice as a git format-patch series against the base 6.12
# tree: one patch per subsystem adding the files this repo overlays (not
# built yet), then the patches of the series, whose hooks build them. Only the base files the
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
# The archive's top directory; head closing the pipe early is expected.
top=$( (tar -tf "$tarball" || true) | head -n1 | cut -d/ -f1)
# shellcheck disable=SC2046
tar -xf "$tarball" -C "$work" --strip-components=1 \
	$(for f in $touched; do echo "$top/$f"; done)

cd "$work"
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
git init -q
git -c user.name=base -c user.email=base@localhost add -A
git -c user.name=base -c user.email=base@localhost commit -q -m "base: files of linux-source-6.12 touched by the series"
base=$(git rev-parse HEAD)

add() { # "paths" subject body
	# shellcheck disable=SC2086
	(cd "$repo" && git ls-files -co --exclude-standard $1) > "$work/.list"
	[ -s "$work/.list" ] || return 0
	rsync -a --files-from="$work/.list" "$repo/" "$work/"
	rm -f "$work/.list"
	git add -A
	git diff --cached --quiet && return 0
	git -c user.name=fwctl -c user.email=fwctl@localhost commit -q -s \
		-m "$2" -m "$3"
}
add "include/uapi/fwctl/fwctl.h include/linux/fwctl.h drivers/fwctl Documentation/userspace-api/fwctl/index.rst Documentation/userspace-api/fwctl/fwctl.rst" \
	"fwctl: add the fwctl core" \
	"The /dev/fwctl/fwctlN character devices, their UAPI, the driver API, a test driver and KUnit tests. See Documentation/userspace-api/fwctl/fwctl.rst."
add "include/linux/pci-mmpt.h drivers/pci/mmpt Documentation/driver-api/pci/mmpt.rst" \
	"PCI/MMPT: add the MMPT mailbox library" \
	"One implementation of the MMPT / CXL mailbox register protocol for every consumer. See Documentation/driver-api/pci/mmpt.rst."
add "include/uapi/fwctl/cxl.h drivers/cxl/fwctl" \
	"cxl/fwctl: add the CXL command policy and mailbox RPC" \
	"Which CXL command runs at which fwctl scope, decided from the device's Command Effects Log."
add "drivers/cxl/switch Documentation/userspace-api/fwctl/fwctl-cxl.rst Documentation/ABI/testing/sysfs-bus-pci-drivers-cxl_switch_cci" \
	"cxl/switch: add the CXL switch mailbox CCI driver" \
	"The switch's FM-API as a fwctl device, its identity and ports in sysfs, and /dev/cxl/switchN for existing tools."
add "tools/testing/selftests/fwctl" \
	"selftests/fwctl: add the fwctl selftests" \
	"kselftest-harness tests of the user-visible contract, run against the test driver and emulated CXL switches."
add "include drivers Documentation samples tools/fwctl" \
	"fwctl: add the remaining files of the slice" \
	"Anything not covered by the patches above."

# Then the base changes, in series order: what the code needs, the hooks
# that build it, documentation and MAINTAINERS. Every step builds.
for p in $(grep -v '^#' "$repo/patches/series"); do
	git -c user.name=fwctl -c user.email=fwctl@localhost am -q "$repo/patches/$p"
done

rm -rf "$out"
mkdir -p "$out"
git format-patch -q -o "$out" "$base"..HEAD
ls "$out"
