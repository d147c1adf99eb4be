#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print a C translation unit that includes a UAPI header and uses every
object-like macro the header defines, so that a macro which expands to
something userspace lacks (BIT(), GENMASK(), a kernel-only type) fails to
compile, as it would in a program that uses it.

usage: macros.py INSTALLED-HEADER INCLUDE-NAME
"""
import re
import sys

DEFINE_RE = re.compile(r'^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\(?)(.*)$')


def main():
    path, name = sys.argv[1], sys.argv[2]
    uses = []
    with open(path) as f:
        for line in f:
            m = DEFINE_RE.match(line)
            # Function-like macros are used through the object-like
            # ones; an empty definition is the include guard.
            if not m or m.group(2) or not m.group(3).strip():
                continue
            uses.append(m.group(1))
    print(f'#include <{name}>')
    print('void uapi_macros(void);')
    print('void uapi_macros(void)\n{')
    for u in uses:
        print(f'\t(void)({u});')
    print('}')


if __name__ == '__main__':
    main()
