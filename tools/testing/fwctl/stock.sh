#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stock.sh LOG: the stock-kernel stage of "make check". Builds fwctl, the
# MMPT library, the CXL policy and the switch CCI driver with dkms against
# the headers of Debian's stock 6.12 kernel (linux-headers-6.12-amd64),
# boots that kernel's image (linux-image-6.12-amd64) on the default CXL
# topology with an initramfs that loads the stock CXL modules and ours,
# and runs the switch selftests there. The dkms trees stay in
# $BUILD/stock, the system's /var/lib/dkms is not touched.
set -euo pipefail
: "${BUILD:?}" "${KOUT:?}"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
log=$1
work=$BUILD/stock

# The newest stock 6.12 kernel with both its image and its headers.
kver=
for d in /lib/modules/6.12.*-amd64; do
	k=${d##*/}
	[ -f "/boot/vmlinuz-$k" ] && [ -d "$d/build" ] && kver=$k
done
[ -n "$kver" ] || { echo "stock: no Debian 6.12 kernel with headers (make deps)" >&2; exit 1; }
echo "  STOCK   $kver"

rm -rf "$work/src" "$work/dkms" "$work/mods"
mkdir -p "$work/src" "$work/dkms" "$work/mods"
dir=$("$repo/tools/fwctl/dkms/mkdkms.sh" "$repo" "$work/src")
ver=${dir##*/fwctl-}
dk=(dkms --dkmstree "$work/dkms" --sourcetree "$work/src")
"${dk[@]}" add -m fwctl -v "$ver" > "$work/dkms.log" 2>&1
if ! "${dk[@]}" build -m fwctl -v "$ver" -k "$kver" >> "$work/dkms.log" 2>&1; then
	cat "$work/dkms.log" >&2
	find "$work/dkms" -name make.log -exec cat {} + >&2
	exit 1
fi
echo "  DKMS    fwctl $ver built for $kver"

# Load order: the stock CXL drivers, then ours in dependency order.
n=0
add() { # module.ko[.xz]
	local name=${1##*/}
	name=${name%.xz}
	n=$((n + 1))
	case $1 in
	*.xz) xz -dc "$1" > "$work/mods/$n-$name" ;;
	*) cp "$1" "$work/mods/$n-$name" ;;
	esac
}
mdir=/lib/modules/$kver/kernel/drivers/cxl
add "$mdir/cxl_acpi.ko.xz"
add "$mdir/cxl_pci.ko.xz"
add "$mdir/cxl_mem.ko.xz"
built=$work/dkms/fwctl/$ver/$kver/x86_64/module
for m in fwctl pci_mmpt cxl_fwctl cxl_switch_cci; do
	add "$(ls "$built/$m".ko*)"
done

FWCTL_NO_SIGN=1 "$here/mkinitramfs.sh" "$repo" "$work/initramfs.cpio.gz" \
	"$BUILD/selftests" "$work"/mods/*.ko
"$here/qemu-run.sh" -f default \
	-a "fwh.mode=check fwh.suite=stock fwh.tests=cxl_switch" \
	"/boot/vmlinuz-$kver" "$work/initramfs.cpio.gz" "$log"
