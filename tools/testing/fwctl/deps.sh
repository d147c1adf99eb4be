#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the fwctl harness needs from Debian's packages, idempotently.
# QEMU >= 10.0 comes from bookworm-backports; that suite is added by reusing
# the mirror URI of the machine's existing Debian apt source, so no package
# registry host name is written anywhere. The stock Debian 6.12 kernel
# image and headers (bookworm's updates) are for the DKMS stage.
#
# Either base needs Debian's linux-source-7.3, from trixie-backports, in
# /usr/src/linux-source-7.3.tar.xz: the fwctl core is mainline's, taken
# from it on 6.12 too (prepare-tree.sh). With BASE=7.3 it also fetches the
# stock 7.3 kernel's packages (image, modules, headers) into
# /var/cache/fwctl/debs-7.3 for the DKMS stage, without adding trixie to
# the system's sources: apt runs with a private source list, package lists
# and cache under /var/cache/fwctl/apt-7.3, whose URI is again the one of
# the existing bookworm source. Nothing is installed from trixie.
set -euo pipefail

PKGS="build-essential flex bison bc libelf-dev libssl-dev cpio ccache sparse
busybox-static python3 linux-source-6.12 ndctl libjson-c-dev pkg-config
gcc-multilib libc6-dev-i386 kmod xz-utils rsync
dkms linux-headers-6.12-amd64 linux-image-6.12-amd64"
QEMU_MIN=10

have_pkgs() {
	local p
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || return 1
	done
}

qemu_ok() {
	local v
	command -v qemu-system-x86_64 >/dev/null || return 1
	v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ -n "$v" ] && [ "$v" -ge "$QEMU_MIN" ]
}

BASE=${BASE:-6.12}
TARBALL73=/usr/src/linux-source-7.3.tar.xz
STOCK73="linux-image-7.3.4+deb13-amd64 linux-binary-7.3.4+deb13-amd64
linux-modules-7.3.4+deb13-amd64 linux-base-7.3.4+deb13-amd64
linux-headers-7.3.4+deb13-amd64 linux-headers-7.3.4+deb13-common
linux-kbuild-7.3.4+deb13"
DEBS73=/var/cache/fwctl/debs-7.3

have_base() {
	case $BASE in
	6.12) [ -f "$TARBALL73" ] ;;
	7.3) [ -f "$TARBALL73" ] && [ -f "$DEBS73/.complete" ] ;;
	*) echo "deps: unknown BASE=$BASE (6.12 or 7.3)" >&2; exit 1 ;;
	esac
}

if have_pkgs && qemu_ok && have_base; then
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages; run 'make deps' as root" >&2
	exit 1
fi

# Find the URI of the main Debian suite in the existing sources.
mirror_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
		/^[ \t]*$/ { if (uri != "" && suite ~ /(^|[ \t])bookworm([ \t]|$)/) { print uri; exit }
			     uri = ""; suite = ""; next }
		/^URIs:/ { uri = $2 }
		/^Suites:/ { $1 = ""; suite = $0 }
		END { if (uri != "" && suite ~ /(^|[ \t])bookworm([ \t]|$)/) print uri }
		' "$f"
	done | head -n1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" && $0 !~ /\[/ && $3 == "bookworm" { print $2; exit }
		     $1 == "deb" && $0 ~ /\[/ { for (i = 2; i <= NF; i++) if ($i ~ /\]$/) break;
		       if ($(i + 2) == "bookworm") { print $(i + 1); exit } }' "$f"
	done | head -n1
}

uri=$(mirror_uri | head -n1)
bp=/etc/apt/sources.list.d/fwctl-bookworm-backports.sources
if [ ! -f "$bp" ]; then
	if [ -z "$uri" ]; then
		echo "deps: no Debian bookworm apt source found to derive backports from" >&2
		exit 1
	fi
	cat > "$bp" <<EOT
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
fi

export DEBIAN_FRONTEND=noninteractive
if ! { have_pkgs && qemu_ok; }; then
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $PKGS
	qemu_ok || apt-get install -y -q --no-install-recommends \
		-t bookworm-backports qemu-system-x86 qemu-system-data qemu-utils
	qemu_ok || { echo "deps: QEMU >= $QEMU_MIN not available" >&2; exit 1; }
fi

# --- linux-source-7.3, and for BASE=7.3 the stock 7.3 kernel, from trixie ---
have_base && exit 0
[ -n "$uri" ] || { echo "deps: no Debian bookworm apt source found to derive trixie-backports from" >&2; exit 1; }
a=/var/cache/fwctl/apt-7.3
mkdir -p "$a/sources.list.d" "$a/lists/partial" "$a/cache/archives/partial" "$DEBS73"
: > "$a/sources.list"
cat > "$a/sources.list.d/fwctl-trixie-backports.sources" <<EOT
Types: deb
URIs: $uri
Suites: trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
apt73=(apt-get -q -o Dir::Etc::SourceList="$a/sources.list"
	-o Dir::Etc::SourceParts="$a/sources.list.d"
	-o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache")
"${apt73[@]}" update
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
if [ ! -f "$TARBALL73" ]; then
	(cd "$tmp" && "${apt73[@]}" download linux-source-7.3)
	dpkg-deb -x "$tmp"/linux-source-7.3_*.deb "$tmp/x"
	cp "$tmp/x/usr/src/linux-source-7.3.tar.xz" "$TARBALL73.new"
	mv "$TARBALL73.new" "$TARBALL73"
fi
[ "$BASE" = 7.3 ] || exit 0
# shellcheck disable=SC2086
(cd "$DEBS73" && chown _apt . 2>/dev/null; "${apt73[@]}" download $STOCK73)
touch "$DEBS73/.complete"
