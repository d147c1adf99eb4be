#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh REPO OUT.cpio.gz TESTDIR [MODULE...]
#
# A busybox initramfs with the test init, the selftests from TESTDIR (static
# binaries) and the given modules.
set -euo pipefail
: "${KOUT:?}"
repo=$1 out=$2 tests=$3
shift 3
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,fwctl/tests,fwctl/bin,fwctl/modules}
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$repo/tools/testing/fwctl/initramfs/init" "$root/init"
for f in "$repo"/tools/testing/fwctl/initramfs/*.sh; do
	[ -f "$f" ] && cp "$f" "$root/fwctl/"
done
for t in "$tests"/*; do
	[ -f "$t" ] && [ -x "$t" ] && cp "$t" "$root/fwctl/tests/"
done
if [ -d "$tests/bin" ]; then
	cp "$tests"/bin/* "$root/fwctl/bin/" 2>/dev/null || true
fi
# ndctl's cxl (Debian's, dynamically linked) with the libraries it loads,
# so the guest runs the distribution's tool unchanged.
if [ -x /usr/bin/cxl ]; then
	mkdir -p "$root/usr/bin"
	cp /usr/bin/cxl "$root/usr/bin/cxl"
	for lib in $(ldd /usr/bin/cxl | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi
# Modules are signed with the build's key: lockdown refuses unsigned ones.
# FWCTL_NO_SIGN=1 copies them as they are (modules for a stock kernel).
for m in "$@"; do
	cp "$m" "$root/fwctl/modules/"
	[ "${FWCTL_NO_SIGN:-0}" = 1 ] && continue
	"$KOUT/scripts/sign-file" sha256 "$KOUT/certs/signing_key.pem" \
		"$KOUT/certs/signing_key.x509" "$root/fwctl/modules/${m##*/}"
done
chmod +x "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
	gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
