#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-config.sh CONFIG FRAGMENT...: fail when Kconfig dropped an option the
# fragments request. A later fragment's setting of an option wins, as in
# merge_config.sh.
set -euo pipefail
config=$1
shift
bad=0
declare -A want=()
order=()
for frag in "$@"; do
	while IFS= read -r l; do
		case $l in CONFIG_*=*) ;; *) continue ;; esac
		n=${l%%=*}
		[ -n "${want[$n]+x}" ] || order+=("$n")
		want[$n]=${l#*=}
	done < "$frag"
done
for n in "${order[@]}"; do
	v=${want[$n]}
	if [ "$v" = n ]; then
		grep -q "^$n=" "$config" && { echo "config: $n should be unset" >&2; bad=1; }
	elif ! grep -qx "$n=$v" "$config"; then
		echo "config: $n=$v requested, got: $(grep "^$n=\|$n is not" "$config" || echo absent)" >&2
		bad=1
	fi
done
exit $bad
