#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The tour "make demo" shows: the emulated CXL fabric and what fwctl offers,
# through the fwctl command-line tool.
echo "=== FWCTL-DEMO"
say() { echo; echo "### $*"; }
run() { echo "\$ $*"; "$@"; echo "(exit $?)"; }

say "kernel $(uname -r), lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null)"
say "the CXL fabric on the PCI bus"
for d in /sys/bus/pci/devices/*; do
	v=$(cat "$d/vendor") dv=$(cat "$d/device")
	case "$v:$dv" in
	0x19e5:0xa123) what="CXL switch mailbox CCI" ;;
	0x19e5:0xa128) what="CXL switch upstream port" ;;
	0x19e5:0xa129) what="CXL switch downstream port" ;;
	0x8086:0x0d93) what="CXL type-3 memory device" ;;
	*) continue ;;
	esac
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	echo "  ${d##*/}  ${v#0x}:${dv#0x} ${drv:--}  $what"
done

dev=$(ls /sys/bus/pci/drivers/cxl_switch_cci/*/fwctl 2>/dev/null | grep fwctl | head -n1)
say "fwctl devices"
run fwctl -H list
say "the switch identifies itself"
run fwctl identify "$dev"
say "its ports"
run fwctl -H switch "$dev"
say "its Command Effects Log, and the scope each command needs here"
run fwctl cel "$dev"
say "Identify of the type-3 device behind port 0, through a tunnel"
run fwctl tunnel "$dev" 0 identify
say "refused: Physical Port Control would pull host devices away"
run fwctl rpc "$dev" --opcode 0x5102 --scope debug-write-full --hex 0001
say "refused: QEMU's switch aborts on Set Timestamp, so it is never sent"
run fwctl rpc "$dev" --opcode 0x0301 --scope debug-write-full --hex 0000000000000000
mem=$(ls /sys/bus/cxl/devices/mem0/fwctl 2>/dev/null | grep fwctl | head -n1)
say "the memory device mem0 has its own fwctl device, $mem"
run fwctl identify "$mem"
say "its features"
run fwctl -H features "$mem"
say "refused: Activate FW tunnelled to the memory device behind port 0; the kernel owns firmware updates"
run fwctl rpc "$dev" --opcode 0x5300 --scope debug-write-full --hex 00000c00000000020200000000000000
say "refused: Scan Media, the kernel tracks poison from its results"
run fwctl rpc "$mem" --opcode 0x4304 --scope debug-write --hex 0000000000000000000040000000000000
say "refused: Set LSA, the kernel owns the labels it caches"
run fwctl rpc "$mem" --opcode 0x4103 --scope debug-write-full --hex 0000000000000000ff
say "refused: patrol scrub changes configuration immediately, debug-write is too low"
scrub=96dad7d6fde8482ba73375774e06db8a00000000000001000000000000000000
run fwctl rpc "$mem" --opcode 0x0502 --scope debug-write --hex ${scrub}0c01
say "taint before an accepted write: $(cat /proc/sys/kernel/tainted)"
say "accepted: the same Set Feature at debug-write-full"
run fwctl rpc "$mem" --opcode 0x0502 --scope debug-write-full --hex ${scrub}0c01
say "taint after it: $(cat /proc/sys/kernel/tainted) (bit 19, 'J': fwctl write)"
say "what the audit trail recorded"
dmesg | grep -E 'op=(fwctl_rpc|cxl_fwctl)' | tail -n 5
echo "=== FWCTL-DEMO-END"
