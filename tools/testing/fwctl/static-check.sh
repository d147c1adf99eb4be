#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# static-check.sh: checkpatch --strict, kernel-doc, sparse (C=2) and W=1 over
# every file the repo owns. Each check over each file is one result; a check
# passes only with zero findings. Needs the tree (prepare-tree.sh) and a
# configured kernel in $KOUT. Prints "RESULT passed failed skipped".
#
# BASE=7.3: the repo files the tree does not use (SRC/.fwctl-not-overlaid:
# mainline has its own fwctl core) are not checked, the series is
# $PATCHDIR/series, and sparse is skipped, with a note, when the base's
# scripts/checker-valid.sh rejects the installed sparse (7.3 needs
# __typeof_unqual__, which bookworm's sparse 0.6.4 lacks).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
: "${SRC:?}" "${KOUT:?}" "${JOBS:=2}"
passed=0 failed=0 skipped=0
eobjs=() unbuilt=() uprogs=()

res() { # ok what [details]
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "  PASS $2"
	else
		failed=$((failed + 1))
		echo "  FAIL $2"
		[ -n "${3:-}" ] && echo "$3" | sed 's/^/    /'
	fi
}

cd "$repo"
pdir=${PATCHDIR:-patches}
unused() { # drop the files the tree does not take from the repo
	if [ -s "$SRC/.fwctl-not-overlaid" ]; then
		grep -vxF -f "$SRC/.fwctl-not-overlaid"
	else
		cat
	fi
}
mapfile -t kfiles < <(git ls-files -co --exclude-standard drivers include samples |
		      grep -E '\.[ch]$|/Kconfig[^/]*$|/Makefile$|/Kbuild$' | unused)
mapfile -t ufiles < <(git ls-files -co --exclude-standard tools |
		      grep -E '\.[ch]$' | unused)
mapfile -t patches < <(grep -v '^#' "$pdir/series")

# checkpatch --strict on our files and on the series. It runs from the
# base tree: inside this git checkout it would judge patches differently.
cp="$SRC/scripts/checkpatch.pl --strict --quiet --no-tree --no-summary --show-types"
cp="$cp --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG"
out=""
for f in "${kfiles[@]}" "${ufiles[@]}"; do
	o=$(cd "$SRC" && $cp -f "$repo/$f" 2>&1) || out+="$o"$'\n'
done
res $([ -z "$out" ]; echo $?) "checkpatch --strict: ${#kfiles[@]} kernel and ${#ufiles[@]} tools files" "$out"
out=""
# FILE_PATH_CHANGES asks of every patch that adds a file whether
# MAINTAINERS needs updating: whether it lists our files is checked below.
# UNKNOWN_COMMIT_ID: the base tree is an extracted tarball, without the
# history a Fixes: tag's commit could be looked up in.
for p in "${patches[@]}"; do
	o=$(cd "$SRC" && scripts/checkpatch.pl --strict --quiet --no-tree \
		--no-summary --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID \
		"$repo/$pdir/$p" 2>&1) ||
		out+="$p: $o"$'\n'
done
res $([ -z "$out" ]; echo $?) "checkpatch --strict: ${#patches[@]} patches of the series" "$out"

if [ "$pdir" = patches ]; then
	# The series carries MAINTAINERS' entry: it must be the file's content.
	want=$(sed 's/^/+/' MAINTAINERS)
	got=$(grep -A1000 '^+FWCTL SUBSYSTEM' patches/*-MAINTAINERS-*.patch |
	      sed -n '/^+/p' | head -n "$(wc -l < MAINTAINERS)")
	res $([ "$want" = "$got" ]; echo $?) "patches/*MAINTAINERS* adds MAINTAINERS as it is" \
		"$(diff <(echo "$want") <(echo "$got"))"
else
	# The base has an FWCTL SUBSYSTEM entry of its own; with the series
	# every file pattern of ours is listed in the tree's MAINTAINERS.
	out=$(grep '^F:' MAINTAINERS | grep -vxF -f <(grep '^F:' "$SRC/MAINTAINERS"))
	res $([ -z "$out" ]; echo $?) "the patched MAINTAINERS lists every F: of ./MAINTAINERS" "$out"
fi

# Every Kconfig file of the slice is listed in the top-level Kconfig and
# sourced by its parent in the patched base tree (the series' hooks).
out=""
for k in $(printf '%s\n' "${kfiles[@]}" | grep '/Kconfig$'); do
	grep -q "^source \"$k\"" Kconfig || out+="$k: not in ./Kconfig"$'\n'
	grep -rqs "^\s*source \"$k\"" "$SRC/$(dirname "$(dirname "$k")")/Kconfig" \
		"$SRC/samples/Kconfig" ||
		out+="$k: no hook in the base tree"$'\n'
done
res $([ -z "$out" ]; echo $?) "./Kconfig and the series' hooks reach every Kconfig file" "$out"

# kernel-doc: every documented symbol complete, no malformed comment.
mapfile -t cfiles < <(printf '%s\n' "${kfiles[@]}" | grep -E '\.[ch]$')
out=$("$SRC/scripts/kernel-doc" -none -Wall "${cfiles[@]}" 2>&1)
res $([ -z "$out" ]; echo $?) "kernel-doc -Wall: ${#cfiles[@]} files" "$out"

# UAPI headers as userspace sees them (installed by "make headers" into
# $KOUT/usr/include), for x86_64 and i386, with plain gcc against the
# system's headers, as mainline's CONFIG_UAPI_HEADER_TEST compiles them:
# each header the repo or the series adds or changes on its own (C90, every
# object-like macro it defines used once, so BIT() or GENMASK() in one
# fails), then uapi/layout.c's assertions of mainline's layouts and
# numbers.
mapfile -t core < <("$here/import-core.sh" --list "$repo" -)
mapfile -t uapi < <({ git ls-files include/uapi
		     printf '%s\n' "${core[@]}" | grep '^include/uapi/'
		     grep -h '^+++ b/include/uapi/' "$pdir"/*.patch | cut -c7-; } |
		    grep '\.h$' | sort -u)
uinc=$KOUT/usr/include
for m in 64 32; do
	out=""
	for h in "${uapi[@]}"; do
		name=${h#include/uapi/}
		o=$(python3 "$here/uapi/macros.py" "$uinc/$name" "$name" |
		    gcc -m$m -std=c90 -Wall -Werror -fsyntax-only -I "$uinc" \
			-x c - 2>&1) || out+="$name: $o"$'\n'
	done
	res $([ -z "$out" ]; echo $?) "UAPI headers compile alone in userspace, -m$m: ${uapi[*]#include/uapi/}" "$out"
	out=$(gcc -m$m -std=gnu99 -Wall -Werror -fsyntax-only -I "$uinc" \
		"$here/uapi/layout.c" 2>&1)
	res $([ -z "$out" ]; echo $?) "UAPI layouts and numbers are mainline's, -m$m" "$out"
done

# One fwctl core: the repo keeps none of its own, and the tree's is
# mainline's with the 7.3 series as import-core.sh writes it, on 6.12 as
# on 7.3; only the 6.12 series' hook changes its Kconfig and Makefile.
out=$(git ls-files -- "${core[@]}" | sed 's/^/in the repo: /')
tmp=$(mktemp -d)
if "$here/import-core.sh" "$repo" "$tmp" 2>&1; then
	for f in "${core[@]}"; do
		case "$pdir:$f" in
		patches:drivers/fwctl/Kconfig | patches:drivers/fwctl/Makefile)
			continue ;;
		esac
		cmp -s "$tmp/$f" "$SRC/$f" ||
			out+=$'\n'"not the 7.3 series' file in $SRC: $f"
	done
else
	out+=$'\n'"import-core.sh failed"
fi
rm -rf "$tmp"
res $([ -z "$out" ]; echo $?) \
	"one fwctl core, mainline's with the 7.3 series: ${#core[@]} files, none in the repo" "$out"

# What is not proposed upstream (not-upstream.patch: /dev/cxl/switchN)
# stays out of the kernel side of the series "make patches" emits for this
# base (its selftests still exercise the node, where a kernel has it).
if [ -f "$pdir/not-upstream.patch" ]; then
	tmp=$(mktemp -d)
	if "$here/format-patches.sh" "$repo" "$tmp/out" > /dev/null 2> "$tmp/err"; then
		out=$(for p in "$tmp/out"/*.patch; do
			awk '/^diff --git / { k = $3 !~ /^a\/tools\// } k' "$p" |
				grep -q -e CXL_SWITCH_CCI_COMPAT -e cxl_switch_raw \
					-e 'switch/compat\.c' -e 'switchN' \
					-e FWCTL_COMPAT_TAINT && basename "$p"
		done)
	else
		out="format-patches.sh failed: $(cat "$tmp/err")"
	fi
	rm -rf "$tmp"
	res $([ -z "$out" ]; echo $?) \
		"the emitted series carries nothing of /dev/cxl/switchN" "$out"
fi

# sparse and W=1: rebuild each of our objects, with W=1 C=2, in the guest
# kernel, which builds the KUnit suites too (configs/kunit.config); a file
# it does not build fails.
# The core's objects too: the 7.3 series changes them, and on 6.12 they
# build through the compat header.
for f in $(printf '%s\n' "${kfiles[@]}" "${core[@]}" | grep '\.c$'); do
	o=${f%.c}.o
	if [ -x "$KOUT/${f%.c}" ]; then
		# A userspace program of samples/ (kbuild userprogs), built
		# with the guest kernel: not a kernel object, so neither
		# sparse nor W=1 applies.
		uprogs+=("$f")
	elif [ -f "$KOUT/$o" ]; then
		rm -f "$KOUT/$o"
		eobjs+=("$o")
	else
		unbuilt+=("$f")
	fi
done
res $([ ${#unbuilt[@]} = 0 ]; echo $?) \
	"every C file is built by the guest kernel (${#uprogs[@]} sample programs)" \
	"$(printf '%s\n' "${unbuilt[@]}")"
warn=""
rc=0
checker=C=2
if [ -x "$SRC/scripts/checker-valid.sh" ] &&
   ! "$SRC/scripts/checker-valid.sh" sparse -D__x86_64__ | grep -qx 1; then
	checker=
	skipped=$((skipped + 1))
	echo "  SKIP sparse C=2: $SRC/scripts/checker-valid.sh rejects $(sparse --version 2>&1 | head -n1)"
fi
if [ ${#eobjs[@]} -gt 0 ]; then
	out=$(make -s -C "$SRC" O="$KOUT" -j"$JOBS" W=1 $checker "${eobjs[@]}" 2>&1) || rc=1
	warn+=$(echo "$out" | grep -E 'warning|error')
fi
res $([ $rc = 0 ] && [ -z "$warn" ]; echo $?) \
	"${checker:+sparse $checker and }W=1: ${#eobjs[@]} objects" "$warn"
echo "RESULT $passed $failed $skipped"
