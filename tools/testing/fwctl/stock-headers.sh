#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stock-headers.sh DEBS SRC OUT
#
# A private copy of the headers of a stock Debian kernel whose packages are
# in DEBS (linux-headers-*-amd64, linux-headers-*-common, linux-kbuild-*),
# made usable for external module builds on this machine when the kernel
# was built with a newer toolchain: Debian's 7.3 packages come from trixie
# (gcc 14, glibc 2.38), this machine is bookworm (gcc 12, glibc 2.36). The
# packages are unpacked under OUT/root, the system is not touched. Prints
# the headers directory, the kernel source directory for make -C and dkms.
#
# What the copy changes, each only when this machine needs it:
#  - the host tools kbuild runs on a module build (fixdep, modpost, objtool)
#    are rebuilt with this machine's compiler and C library from SRC, a
#    tree of the same kernel version;
#  - CC: the kernel's compiler (x86_64-linux-gnu-gcc-14) is replaced by
#    this machine's gcc;
#  - include/config/auto.conf, which only the Makefiles read, loses
#    CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT when gcc lacks
#    -fmin-function-alignment (kbuild then passes -falign-functions, its own
#    fallback for compilers before gcc 14), and CONFIG_DEBUG_INFO_BTF_MODULES
#    when pahole is older than the kernel's (the modules get no BTF).
# The C headers (autoconf.h) are not changed: the modules see the stock
# kernel's configuration, so structure layouts stay those of the kernel.
set -euo pipefail
self=$(cd "$(dirname "$0")" && pwd)/${0##*/}
debs=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
out=$3
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/root

stamp=$( (cd "$debs" && ls -l linux-headers-*.deb linux-kbuild-*.deb; cat "$self") | md5sum)
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$root"/usr/src/linux-headers-*-amd64
	exit 0
fi
rm -rf "$root" "$out/.stamp"
for d in "$debs"/linux-headers-*-amd64_*.deb "$debs"/linux-headers-*-common_*.deb \
	"$debs"/linux-kbuild-*.deb; do
	[ -f "$d" ] || { echo "stock-headers: no ${d##*/} in $debs" >&2; exit 1; }
	dpkg-deb -x "$d" "$root"
done
hdr=$(echo "$root"/usr/src/linux-headers-*-amd64)
kbuild=$(echo "$root"/usr/lib/linux-kbuild-*)
if [ ! -d "$hdr" ] || [ ! -d "$kbuild" ]; then
	echo "stock-headers: unexpected package layout in $debs" >&2
	exit 1
fi
conf=$hdr/include/config/auto.conf

# The headers' Makefile names the common headers by their absolute path.
sed -i "s|/usr/src/|$root/usr/src/|g" "$hdr/Makefile"

# The kernel's compiler, when this machine does not have it.
cc=$(make -s -f - show-cc <<EOT
include $hdr/.kernelvariables
show-cc:
	@echo \$(CC)
EOT
)
cc=${cc##* }
if ! command -v "$cc" > /dev/null; then
	sed -i 's/^\(CC = .*\)gcc-[0-9.]*$/\1gcc/' "$hdr/.kernelvariables"
	{
		echo "stock-headers: $cc is not installed: modules are built with"
		echo "  $(gcc --version | head -n1), the kernel was built with"
		echo "  $(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"/\1/p' "$hdr/.config")"
	} >&2
	if grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$conf" &&
	   ! gcc -fmin-function-alignment=16 -x c -c -o /dev/null /dev/null 2> /dev/null; then
		sed -i '/^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=/d' "$conf"
		echo "stock-headers: no -fmin-function-alignment: -falign-functions instead" >&2
	fi
fi

# Module BTF needs a pahole at least as new as the kernel's.
want=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$conf")
have=$(pahole --version 2> /dev/null | sed -n 's/^v\([0-9]*\)\.\([0-9]*\).*/\1\2/p')
if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$conf" &&
   [ "${have:-0}" -lt "${want:-0}" ]; then
	sed -i '/^CONFIG_DEBUG_INFO_BTF_MODULES=/d' "$conf"
	echo "stock-headers: pahole ${have:-none} older than the kernel's $want:" \
		"modules without BTF" >&2
fi

# The host tools, from SRC with this machine's toolchain: an O= build of the
# stock configuration (olddefconfig adapts it to this compiler; only the
# host tools are kept).
ver=$(make -s -C "$src" kernelversion)
case ${hdr##*/linux-headers-} in
"$ver"+* | "$ver"-*) ;;
*) echo "stock-headers: $src is $ver, the headers are ${hdr##*/linux-headers-}" >&2; exit 1 ;;
esac
tb=$out/tools
mkdir -p "$tb"
cp "$hdr/.config" "$tb/.config"
make -s -C "$src" O="$tb" olddefconfig > "$tb/build.log" 2>&1
if ! make -s -C "$src" O="$tb" -j"${JOBS:-2}" modules_prepare >> "$tb/build.log" 2>&1; then
	cat "$tb/build.log" >&2
	exit 1
fi
for t in scripts/basic/fixdep scripts/mod/modpost tools/objtool/objtool; do
	rm -f "$kbuild/$t" "$kbuild/$t".real-*
	cp "$tb/$t" "$kbuild/$t"
done
echo "stock-headers: fixdep, modpost and objtool rebuilt from $src ($ver)" >&2

echo "$stamp" > "$out/.stamp"
echo "$hdr"
