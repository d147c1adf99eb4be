#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The tour "make demo" shows: the emulated CXL fabric and what fwctl offers.
echo "=== FWCTL-DEMO"
echo "--- kernel: $(uname -r), lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null)"
echo "--- CXL fabric on the PCI bus (vendor:device class driver)"
for d in /sys/bus/pci/devices/*; do
	v=$(cat "$d/vendor") dv=$(cat "$d/device") c=$(cat "$d/class")
	case "$v:$dv" in
	0x19e5:0xa123) what="CXL switch mailbox CCI" ;;
	0x19e5:0xa128) what="CXL switch upstream port" ;;
	0x19e5:0xa129) what="CXL switch downstream port" ;;
	0x8086:0x0d93) what="CXL type-3 memory device" ;;
	*) continue ;;
	esac
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	echo "  ${d##*/}  ${v#0x}:${dv#0x} $c ${drv:--}  $what"
done
echo "--- CXL memory devices: $(ls /sys/bus/cxl/devices 2>/dev/null | grep -c '^mem')"
echo "--- fwctl devices"
echo add > /sys/kernel/fwctl_test/add 2>/dev/null
for f in /sys/class/fwctl/*; do
	[ -e "$f" ] || continue
	p=$(readlink "$f/device" 2>/dev/null)
	parent="(none: test device)"
	[ -n "$p" ] && parent=${p##*/}
	echo "  ${f##*/}  /dev/fwctl/${f##*/}  parent: $parent"
done
echo "--- taint: $(cat /proc/sys/kernel/tainted)"
echo "=== FWCTL-DEMO-END"
