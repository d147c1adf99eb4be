#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read the serial log of a fwctl test guest.

Prints one line per selftest case and a last line "passed failed skipped"
for check.sh. A guest that did not finish, a selftest binary that crashed or
exited non-zero without reporting a failed case, a module the init could
not load, and any kernel report (KASAN, UBSAN, lockdep, WARN, BUG, oops,
kmemleak) count as failures.

guest-log.py --splats LOG [CASE=FUNCTION...] prints only the lines of LOG
that are kernel reports (check.sh reads the KUnit run's log this way),
leaving out the WARNs in FUNCTION, and their call traces, printed during the
KUnit case CASE, which provokes them on purpose (a case's lines are those
after the previous case's result line); any other report in that case
still counts.
"""
import re
import sys

SPLATS = [
    r'BUG: ', r'WARNING: ', r'Oops', r'kernel BUG at', r'general protection fault',
    r'KASAN', r'UBSAN', r'possible circular locking', r'possible recursive locking',
    r'inconsistent lock state', r'lock held when returning', r'suspicious RCU usage',
    r'unreferenced object', r'Kernel panic', r'INFO: task .* blocked',
    r'rcu: INFO: .* detected stall', r'Call Trace:', r'DEBUG_LOCKS_WARN_ON',
]
SPLAT_RE = re.compile('|'.join(SPLATS))
TAP_RE = re.compile(r'^\s*(not ok|ok) \d+ (.*?)(\s+#\s*(SKIP|XFAIL)\b.*)?$')


KTAP_RESULT_RE = re.compile(r'^\s*(?:\[[^]]*\]\s*)?(?:not ok|ok) \d+ (\S+)')


def unexpected(lines, func):
    """The reports of @lines but the WARNs in @func and their call traces."""
    out, in_warn = [], False
    for l in lines:
        if 'WARNING: ' in l:
            in_warn = bool(func) and re.search(rf' {re.escape(func)}\+0x', l)
            if in_warn:
                continue
        elif 'Call Trace:' in l and in_warn:
            continue
        else:
            in_warn = False
        out.append(l)
    return out


def splats_only(path, expected):
    pending, reports = [], []
    with open(path, errors='replace') as f:
        for l in f:
            l = l.rstrip('\r\n')
            m = KTAP_RESULT_RE.match(l)
            if m:
                reports += unexpected(pending, expected.get(m.group(1)))
                pending = []
            elif SPLAT_RE.search(l):
                pending.append(l)
    for l in reports + pending:
        print(l)


def main():
    if sys.argv[1] == '--splats':
        splats_only(sys.argv[2], dict(a.split('=', 1) for a in sys.argv[3:]))
        return
    path, label = sys.argv[1], sys.argv[2]
    passed = failed = skipped = 0
    with open(path, errors='replace') as f:
        lines = [l.rstrip('\r\n') for l in f]

    def res(ok, name, why=''):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print(f"  {'PASS' if ok else 'FAIL'} {label}: {name}{why}")

    cur = None
    cur_failed = cur_cases = 0
    done = False
    for l in lines:
        if l.startswith('=== FWCTL-BEGIN '):
            cur, cur_failed, cur_cases = l.split()[2], 0, 0
            continue
        if l.startswith('=== FWCTL-END ') and cur:
            rc = int(l.rsplit('rc=', 1)[1])
            if cur_cases == 0:
                res(False, cur, f' (no test case ran, exit {rc})')
            elif rc != 0 and cur_failed == 0:
                res(False, cur, f' (exit {rc} with no failed case)')
            cur = None
            continue
        if l.startswith('=== FWCTL-DONE'):
            done = True
            continue
        m = TAP_RE.match(l)
        # Only the top-level results of a harness binary, which name the
        # fixture.test or a plain test, not its nested plan lines.
        if cur and m and not l.startswith(' '):
            cur_cases += 1
            name = f'{cur}: {m.group(2)}'
            if m.group(4) == 'SKIP':
                skipped += 1
                print(f'  SKIP {label}: {name}{m.group(3)}')
            elif m.group(1) == 'ok':
                res(True, name)
            else:
                cur_failed += 1
                res(False, name)
    if cur:
        res(False, cur, ' (guest stopped inside this binary)')
    res(done, 'guest ran to the end and powered off')
    # The init's insmod of a module the guest was given; counted only when
    # one failed, so a clean run's totals do not change.
    refused = [l for l in lines if "insmod: can't insert" in l]
    if refused:
        res(False, 'every module of the initramfs loaded')
        for l in refused[:20]:
            print(f'    {l}')
    splats = [l for l in lines if SPLAT_RE.search(l)]
    res(not splats, 'kernel log free of KASAN/UBSAN/lockdep/WARN/BUG/oops/kmemleak')
    for l in splats[:20]:
        print(f'    {l}')
    print(f'RESULT {passed} {failed} {skipped}')


if __name__ == '__main__':
    main()
