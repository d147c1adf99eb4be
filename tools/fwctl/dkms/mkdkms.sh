#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkdkms.sh REPO OUTDIR [VERSION]
#
# FWCTL_SWITCH_COMPAT=y builds /dev/cxl/switchN into the switch driver, for
# libcxlmi's ioctl transport and other tools not yet on /dev/fwctl; by
# default the package has only fwctl, as CONFIG_CXL_SWITCH_CCI_COMPAT is
# default n in a kernel tree.
#
# Assemble the DKMS source tree of fwctl in OUTDIR/fwctl-VERSION (what goes
# to /usr/src/fwctl-VERSION): the sources of the four modules with their
# in-tree Makefiles, our headers, the compat header and Kbuild, and the
# private CXL core headers (drivers/cxl/cxl.h, cxlmem.h, cxlpci.h) of the
# base (BASE, 6.12 or 7.3), which linux-headers packages do not ship. They
# come from the linux-source-BASE tarball (LINUX_TARBALL), the same source
# the stock kernels of the base are built from; the package builds only for
# kernels of that base. On 6.12 modversions checks the layouts at load time;
# Debian's 7.3 has no CONFIG_MODVERSIONS.
set -euo pipefail
repo=$(cd "$1" && pwd)
out=$2
version=${3:-1.0+g$(git -C "$repo" rev-parse --short=8 HEAD 2>/dev/null || echo 0)}
base=${BASE:-6.12}
compat=${FWCTL_SWITCH_COMPAT:-n}
case $compat in y | n) ;; *) echo "mkdkms: FWCTL_SWITCH_COMPAT is y or n" >&2; exit 1 ;; esac
tarball=${LINUX_TARBALL:-/usr/src/linux-source-$base.tar.xz}
dst=$out/fwctl-$version

rm -rf "$dst"
mkdir -p "$dst"
cd "$repo"
# The fwctl core is mainline's with the 7.3 series, as the 6.12 build takes
# it (import-core.sh): its headers, UAPI and main.c.
core=$(mktemp -d)
trap 'rm -rf "$core"' EXIT
"$repo/tools/testing/fwctl/import-core.sh" "$repo" "$core"
for f in include/linux/fwctl.h include/uapi/fwctl/fwctl.h \
	include/uapi/fwctl/cxl.h include/uapi/cxl/features.h \
	drivers/fwctl/main.c drivers/fwctl/fwctl_internal.h drivers/fwctl/trace.h; do
	mkdir -p "$dst/$(dirname "$f")"
	cp "$core/$f" "$dst/$f"
done
# Its Makefile, without the in-tree test modules, which the package lacks,
# and including the compat header as the 6.12 series' hook makes it do.
mkdir -p "$dst/drivers/fwctl"
{
	sed -n -e '/^obj-\$(CONFIG_FWCTL) /p' -e '/^fwctl-y /p' \
		-e '/^CFLAGS_main.o /p' "$core/drivers/fwctl/Makefile"
	echo 'ccflags-y += -DFWCTL_COMPAT_FORCED -include $(src)/../../include/linux/fwctl-compat.h'
} > "$dst/drivers/fwctl/Makefile"
files="include/linux/fwctl-compat.h include/linux/pci-mmpt.h
drivers/pci/mmpt/Makefile
drivers/pci/mmpt/mmpt.c drivers/pci/mmpt/mmpt.h drivers/pci/mmpt/trace.h
drivers/cxl/fwctl/Makefile
drivers/cxl/fwctl/policy.c drivers/cxl/fwctl/rpc.c drivers/cxl/fwctl/cxl_fwctl.h
drivers/cxl/fwctl/trace.h
drivers/cxl/switch/Makefile drivers/cxl/switch/switch.c
drivers/cxl/switch/pci.c drivers/cxl/switch/compat.c drivers/cxl/switch/switch.h"
for f in $files; do
	mkdir -p "$dst/$(dirname "$f")"
	cp "$f" "$dst/$f"
done
cp tools/fwctl/dkms/Kbuild tools/fwctl/dkms/fwctl_compat.h "$dst/"
# "7.3" as the regular expression 7\.3, escaped once more for sed.
base_re=${base//./\\\\.}
sed -e "s/@VERSION@/$version/" -e "s/@BASE@/$base/" -e "s/@BASE_RE@/$base_re/" \
	-e "s/@COMPAT@/$compat/" \
	tools/fwctl/dkms/dkms.conf.in > "$dst/dkms.conf"
top=$( (tar -tf "$tarball" || true) | head -n1 | cut -d/ -f1)
tar -xf "$tarball" -C "$dst" --strip-components=1 \
	"$top/drivers/cxl/cxl.h" "$top/drivers/cxl/cxlmem.h" \
	"$top/drivers/cxl/cxlpci.h"
# Only the series' fix of cxlmem.h's return-code lookup, which our modules
# call; its other changes (struct cxl_dev_state) would not match the stock
# cxl_core's layouts.
fix=patches/0011-cxl-mbox-look-up-device-return-codes-within-the-table.patch
[ "$base" = 6.12 ] ||
	fix=patches-$base/0040-cxl-mbox-look-up-device-return-codes-within-the-tabl.patch
patch -d "$dst" -p1 -s --no-backup-if-mismatch < "$repo/$fix"
echo "$dst"
