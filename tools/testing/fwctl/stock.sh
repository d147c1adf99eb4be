#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stock.sh LOG: the stock-kernel stage of "make check". Builds fwctl, the
# MMPT library, the CXL policy and the switch CCI driver with dkms against
# the headers of Debian's stock kernel of the base, boots that kernel's
# image on the default CXL topology with an initramfs that loads the stock
# CXL modules and ours, and runs the switch selftests there. The dkms trees
# stay in $BUILD/stock, the system's /var/lib/dkms is not touched.
#
# BASE=6.12: the installed linux-headers-6.12-amd64 and
# linux-image-6.12-amd64. BASE=7.3: the packages "make deps BASE=7.3"
# downloaded to /var/cache/fwctl/debs-7.3, unpacked under $BUILD/stock,
# the headers made usable on bookworm by stock-headers.sh.
set -euo pipefail
: "${BUILD:?}" "${KOUT:?}"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
log=$1
base=${BASE:-6.12}
work=$BUILD/stock
mkdir -p "$work"

case $base in
6.12)
	# The newest stock 6.12 kernel with both its image and its headers.
	kver=
	for d in /lib/modules/6.12.*-amd64; do
		k=${d##*/}
		[ -f "/boot/vmlinuz-$k" ] && [ -d "$d/build" ] && kver=$k
	done
	if [ -z "$kver" ]; then
		echo "stock: no Debian 6.12 kernel with headers (make deps)" >&2
		exit 1
	fi
	kdir=/lib/modules/$kver/build
	vmlinuz=/boot/vmlinuz-$kver
	mroot=/
	;;
7.3)
	: "${SRC:?}"
	debs=/var/cache/fwctl/debs-7.3
	if [ ! -f "$debs/.complete" ]; then
		echo "stock: no stock 7.3 packages in $debs (make deps BASE=7.3)" >&2
		exit 1
	fi
	kdir=$("$here/stock-headers.sh" "$debs" "$SRC" "$work/headers")
	kver=${kdir##*/linux-headers-}
	# The image and the CXL drivers with what they need, from the
	# linux-image (linux-binary) and linux-modules packages.
	mroot=$work/image
	stamp=$( (cd "$debs" && ls -l linux-binary-*.deb linux-modules-*.deb) | md5sum)
	if [ "$(cat "$mroot/.stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$mroot"
		mkdir -p "$mroot"
		dpkg-deb -x "$(ls "$debs"/linux-binary-*.deb)" "$mroot"
		dpkg-deb --fsys-tarfile "$(ls "$debs"/linux-modules-*.deb)" |
			tar -x -C "$mroot" --wildcards '*/drivers/cxl/*' \
				'*/drivers/nvdimm/*' '*/drivers/dax/*'
		mv "$mroot"/usr/lib "$mroot"/lib
		# Only part of the modules: depmod's lists of the rest stay empty.
		for f in modules.order modules.builtin modules.builtin.modinfo; do
			: > "$mroot/lib/modules/$kver/$f"
		done
		depmod -b "$mroot" "$kver"
		echo "$stamp" > "$mroot/.stamp"
	fi
	vmlinuz=$mroot/lib/modules/$kver/vmlinuz
	;;
*)
	echo "stock: no stock kernel stage for BASE=$base" >&2
	exit 1
	;;
esac
echo "  STOCK   $kver"

rm -rf "$work/src" "$work/dkms" "$work/mods"
mkdir -p "$work/src" "$work/dkms" "$work/mods"
# With /dev/cxl/switchN, which the cxl_switch suite tests too.
dir=$(FWCTL_SWITCH_COMPAT=y "$repo/tools/fwctl/dkms/mkdkms.sh" "$repo" "$work/src")
ver=${dir##*/fwctl-}
dk=(dkms --dkmstree "$work/dkms" --sourcetree "$work/src")
"${dk[@]}" add -m fwctl -v "$ver" > "$work/dkms.log" 2>&1
if ! "${dk[@]}" build -m fwctl -v "$ver" -k "$kver" --kernelsourcedir "$kdir" \
	>> "$work/dkms.log" 2>&1; then
	cat "$work/dkms.log" >&2
	find "$work/dkms" -name make.log -exec cat {} + >&2
	exit 1
fi
echo "  DKMS    fwctl $ver built for $kver"
built=$work/dkms/fwctl/$ver/$kver/x86_64/module

# Load order: the stock CXL drivers with what they depend on, then ours in
# dependency order.
n=0
declare -A seen
add() { # module.ko[.xz]; the copy's path in $added
	local name=${1##*/}
	name=${name%.xz}
	[ -z "${seen[$name]:-}" ] || return 0
	seen[$name]=1
	n=$((n + 1))
	added=$work/mods/$(printf %02d $n)-$name
	case $1 in
	*.xz) xz -dc "$1" > "$added" ;;
	*) cp "$1" "$added" ;;
	esac
}
# The machine's modprobe.d is not the guest's: -C /dev/null.
for m in $(modprobe -C /dev/null -d "$mroot" -S "$kver" -a --show-depends \
		cxl_acpi cxl_pci cxl_mem |
	   sed -n 's/^insmod \([^ ]*\).*/\1/p'); do
	add "$m"
done
ours=()
for m in fwctl pci_mmpt cxl_fwctl cxl_switch_cci; do
	add "$(ls "$built/$m".ko*)"
	ours+=("$added")
done

# The stock configuration asks for aligned functions (CALL_PADDING wants
# 16 bytes). Where stock-headers.sh dropped gcc 14's
# -fmin-function-alignment, kbuild passed -falign-functions, which gcc does
# not apply to functions it makes cold: check that every function entry of
# our modules is aligned anyway. The .cold parts of split functions (jumped
# to, never called) and static call trampolines are not entries.
align=$(sed -n 's/^CONFIG_FUNCTION_ALIGNMENT=//p' "$kdir/.config")
if grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$kdir/.config" &&
   ! grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$kdir/include/config/auto.conf"; then
	bad=0 fns=0
	for k in "${ours[@]}"; do
		while read -r val name; do
			case $name in *.cold | __SCT__*) continue ;; esac
			fns=$((fns + 1))
			[ $((0x$val % align)) = 0 ] && continue
			echo "stock: ${k##*/}: $name is not $align-byte aligned" >&2
			bad=1
		done < <(readelf -sW "$k" | awk '$4 == "FUNC" { print $2, $8 }')
	done
	if [ $bad != 0 ] || [ $fns = 0 ]; then
		echo "stock: the function alignment check failed ($fns entries)" >&2
		exit 1
	fi
	echo "  ALIGN   $fns function entries $align-byte aligned without -fmin-function-alignment"
fi

FWCTL_NO_SIGN=1 "$here/mkinitramfs.sh" "$repo" "$work/initramfs.cpio.gz" \
	"$BUILD/selftests" "$work"/mods/*.ko
"$here/qemu-run.sh" -f default \
	-a "fwh.mode=check fwh.suite=stock fwh.tests=cxl_switch" \
	"$vmlinuz" "$work/initramfs.cpio.gz" "$log"
