#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu-run.sh [-i] [-t SECONDS] [-f TOPOLOGY] [-a APPEND] KERNEL INITRD LOG
#
# Boot KERNEL with INITRD on an emulated CXL fabric under QEMU and copy the
# serial console to LOG. TCG by default; FWCTL_KVM=1 opts into KVM.
# FWCTL_QEMU_EXTRA adds QEMU arguments (the benchmark's trace options).
# -i makes the console interactive (make shell).
set -euo pipefail

interactive=0
timeout_s=${FWCTL_QEMU_TIMEOUT:-420}
topology=default
append=
while getopts "it:f:a:" o; do
	case $o in
	i) interactive=1 ;;
	t) timeout_s=$OPTARG ;;
	f) topology=$OPTARG ;;
	a) append=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
kernel=$1 initrd=$2 log=$3
qemu=${QEMU:-qemu-system-x86_64}
work=$(dirname "$log")/qemu-$topology
mkdir -p "$work"

# Memory backends: sparse files, created once.
backing() {
	[ -f "$work/$1" ] || truncate -s "$2" "$work/$1"
	echo "$work/$1"
}

args=(-M q35,cxl=on -m 2G,maxmem=8G,slots=4 -smp 2 -nographic -no-reboot
      -kernel "$kernel" -initrd "$initrd")
if [ "${FWCTL_KVM:-0}" = 1 ]; then
	args+=(-accel kvm -cpu host)
else
	args+=(-accel tcg)
fi

# One switch: upstream port, its mailbox CCI, DSPs 0/1, a pmem and a vmem
# type-3 behind them. $1 names the switch, $2 is the host bridge bus number,
# $3 the type-3 serial base.
switch() {
	local s=$1 bus=$2 sn=$3
	args+=(-object "memory-backend-ram,id=vmem$s,share=on,size=256M"
	       -object "memory-backend-file,id=cxl-mem$s,share=on,mem-path=$(backing t3-$s.raw 256M),size=256M"
	       -object "memory-backend-file,id=cxl-lsa$s,share=on,mem-path=$(backing lsa-$s.raw 256M),size=256M"
	       -device "pxb-cxl,bus_nr=$bus,bus=pcie.0,id=cxl.$s"
	       -device "cxl-rp,port=0,bus=cxl.$s,id=root_port$s,chassis=$s,slot=0"
	       -device "cxl-upstream,port=33,bus=root_port$s,id=us$s,multifunction=on,addr=0.0,sn=$((12345678 + s))"
	       -device "cxl-switch-mailbox-cci,bus=root_port$s,addr=0.1,target=us$s"
	       -device "cxl-downstream,port=0,bus=us$s,id=swport${s}_0,chassis=$s,slot=4"
	       -device "cxl-downstream,port=1,bus=us$s,id=swport${s}_1,chassis=$s,slot=5"
	       -device "cxl-type3,bus=swport${s}_0,persistent-memdev=cxl-mem$s,lsa=cxl-lsa$s,id=cxl-pmem$s,sn=$((sn + 1))"
	       -device "cxl-type3,bus=swport${s}_1,volatile-memdev=vmem$s,id=cxl-vmem$s,sn=$((sn + 2))")
}

case $topology in
default)
	switch 0 12 0
	switches=1
	fmw="-M cxl-fmw.0.targets.0=cxl.0,cxl-fmw.0.size=4G,cxl-fmw.0.interleave-granularity=4k"
	;;
three)
	switch 0 12 0
	switch 1 52 16
	switch 2 92 32
	switches=3
	args[3]=6G,maxmem=16G,slots=8
	# One vCPU: these suites need no concurrency, and two TCG vCPUs on
	# an oversubscribed host have been seen to stall this larger guest.
	args[5]=1
	fmw="-M cxl-fmw.0.targets.0=cxl.0,cxl-fmw.0.size=4G,cxl-fmw.0.interleave-granularity=4k"
	fmw="$fmw,cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.size=4G,cxl-fmw.1.interleave-granularity=4k"
	fmw="$fmw,cxl-fmw.2.targets.0=cxl.2,cxl-fmw.2.size=4G,cxl-fmw.2.interleave-granularity=4k"
	;;
*)
	echo "qemu-run: unknown topology $topology" >&2
	exit 2
	;;
esac
# shellcheck disable=SC2206
args+=($fmw ${FWCTL_QEMU_EXTRA:-})
args+=(-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=4 log_buf_len=4M fwh.switches=$switches $append")

if [ $interactive = 1 ]; then
	exec "$qemu" "${args[@]}"
fi
rc=0
timeout --foreground -k 5 "$timeout_s" "$qemu" "${args[@]}" < /dev/null > "$log" 2>&1 || rc=$?
if [ $rc = 124 ]; then
	echo "qemu-run: guest did not power off within ${timeout_s}s" >> "$log"
fi
exit $rc
