#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-config.sh FRAGMENT CONFIG: fail when Kconfig dropped a requested option.
set -euo pipefail
bad=0
while IFS= read -r l; do
	case $l in CONFIG_*=*) ;; *) continue ;; esac
	n=${l%%=*} v=${l#*=}
	if [ "$v" = n ]; then
		grep -q "^$n=" "$2" && { echo "config: $n should be unset" >&2; bad=1; }
	elif ! grep -qx "$l" "$2"; then
		echo "config: $l requested, got: $(grep "^$n=\|$n is not" "$2" || echo absent)" >&2
		bad=1
	fi
done < "$1"
exit $bad
