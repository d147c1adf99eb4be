#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: every test of the fwctl slice with one verdict. Called by
# "make check" with the make variables in the environment. Ends with the line
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
: "${BUILD:?}" "${SRC:?}" "${KOUT:?}" "${JOBS:=2}"
logs=$BUILD/logs
mkdir -p "$logs"
passed=0 failed=0 skipped=0
summary=()

tally() { # suite passed failed skipped
	passed=$((passed + $2))
	failed=$((failed + $3))
	skipped=$((skipped + $4))
	summary+=("$(printf '%-28s %4d passed, %4d failed, %4d skipped' "$1" "$2" "$3" "$4")")
}

stage() { echo; echo "### $*"; }

# --- KUnit ------------------------------------------------------------
# The suites are built into the e2e kernel (configs/kunit.config), off
# unless kunit.enable=1: kunit.py exec boots that kernel and turns them on.
# One kernel build fewer per base, and the suites run under KASAN, UBSAN
# and lockdep, whose reports fail the stage as they fail a selftest guest
# (kmemleak scans only when a guest's init asks it to).
if [ "${CHECK_KUNIT:-1}" = 1 ]; then
	stage "KUnit (tools/testing/kunit/kunit.py exec --arch=x86_64 on the e2e kernel)"
	kcs=()
	while IFS= read -r d; do
		kcs+=(--kunitconfig="$SRC/$d")
	done < <({ cd "$repo" && find drivers -name .kunitconfig
		   # The core's, which the 7.3 series adds on either base.
		   "$here/import-core.sh" --list "$repo" - |
			grep '/\.kunitconfig$'; } | sort -u)
	log=$logs/kunit.log
	kpath=$PATH
	# kunit.py of 6.15 and later asks for KVM first: TCG unless opted in.
	[ "${FWCTL_KVM:-0}" = 1 ] || kpath=$here/tcg-only:$PATH
	rm -f "$KOUT/test.log"
	(cd "$SRC" && PATH=$kpath python3 tools/testing/kunit/kunit.py exec --arch=x86_64 \
		--build_dir="$KOUT" --timeout=600 "${kcs[@]}") > "$log" 2>&1
	rc=$?
	grep -E '\[(PASSED|FAILED|SKIPPED|CRASHED)\]|^=+ |Testing complete|ERROR' "$log"
	sum=$(grep 'Testing complete' "$log" | tail -n1)
	p=$(echo "$sum" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	f=$(echo "$sum" | sed -n 's/.*failed: \([0-9]*\).*/\1/p')
	s=$(echo "$sum" | sed -n 's/.*skipped: \([0-9]*\).*/\1/p')
	c=$(echo "$sum" | sed -n 's/.*crashed: \([0-9]*\).*/\1/p')
	p=${p:-0} f=$(( ${f:-0} + ${c:-0} )) s=${s:-0}
	if [ $rc != 0 ] && [ "$f" = 0 ]; then
		echo "kunit.py failed (exit $rc); see $log"
		tail -n 30 "$log"
		f=1
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "kunit.py ran no test; see $log"
		f=1
	fi
	# The raw kernel log of the run: a sanitizer or lockdep report, a WARN
	# or an oops fails the stage even when every case passed.
	splats=$(python3 "$here/guest-log.py" --splats "$KOUT/test.log")
	if [ -n "$splats" ]; then
		echo "kernel reports in the KUnit run ($KOUT/test.log):"
		echo "$splats" | head -n 20
		f=$((f + 1))
	fi
	tally kunit "$p" "$f" "$s"
fi

# --- static checks ----------------------------------------------------
if [ "${CHECK_STATIC:-1}" = 1 ]; then
	stage "static checks (checkpatch --strict, kernel-doc, sparse C=2, W=1)"
	out=$("$here/static-check.sh" 2>&1)
	echo "$out" | grep -v '^RESULT'
	set -- $(echo "$out" | sed -n 's/^RESULT //p')
	tally static "${1:-0}" "${2:-1}" "${3:-0}"
fi

# --- end to end in QEMU ---------------------------------------------
boot() { # name topology append [kernel-dir initramfs]
	local name=$1 topo=$2 append=$3 log=$logs/guest-$1.log out
	local kdir=${4:-$KOUT} initrd=${5:-$BUILD/initramfs.cpio.gz}
	stage "selftests in QEMU: $name (topology $topo${append:+, $append})"
	"$here/qemu-run.sh" -f "$topo" -a "fwh.mode=check fwh.suite=$name $append" \
		"$kdir/arch/x86/boot/bzImage" "$initrd" "$log"
	out=$(python3 "$here/guest-log.py" "$log" "$name")
	echo "$out" | grep -v '^RESULT'
	set -- $(echo "$out" | sed -n 's/^RESULT //p')
	tally "selftests/$name" "$1" "$2" "$3"
}
if [ "${CHECK_E2E:-1}" = 1 ]; then
	boot default default ""
	boot lockdown default "lockdown=integrity"
	boot three-switches three "fwh.tests=topology,cxl_switch"
	# The fabric manager's kernel (CONFIG_CXL_FWCTL_FABRIC_MANAGER): the
	# switch suites, which expect its scopes in the suites named fabric*.
	fm="fwh.tests=cxl_switch,cxl_mock,cxl_adversarial,cxl_fabric"
	boot fabric default "$fm" "${FMOUT:?}" "$BUILD/fabric/initramfs.cpio.gz"
	boot fabric-lockdown default "lockdown=integrity $fm" "$FMOUT" \
		"$BUILD/fabric/initramfs.cpio.gz"
fi

# --- DKMS modules on the stock Debian kernel of the base -------------------
base=${BASE:-6.12}
if [ "${CHECK_STOCK:-1}" = 1 ]; then
	stage "DKMS build against the stock Debian $base kernel's headers, switch selftests on it"
	log=$logs/guest-stock.log
	if "$here/stock.sh" "$log"; then
		out=$(python3 "$here/guest-log.py" "$log" stock)
		echo "$out" | grep -v '^RESULT'
		set -- $(echo "$out" | sed -n 's/^RESULT //p')
		tally "selftests/stock-$base" "$1" "$2" "$3"
	else
		echo "stock kernel stage failed before the guest ran"
		tally "selftests/stock-$base" 0 1 0
	fi
fi

echo
echo "### summary, base $base (logs in $logs)"
printf '%s\n' "${summary[@]}"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
