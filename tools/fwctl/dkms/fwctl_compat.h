/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallbacks for building fwctl out of tree against a kernel without the
 * base series (patches/0002, patches/0003). Forced into every source file
 * by the DKMS Kbuild, before anything else, so it only defines names:
 * they are expanded later, after the file's own includes. Never part of
 * an in-tree build. The DKMS Kbuild prints the choice when it builds, the
 * switch driver when it loads.
 */
#ifndef _FWCTL_COMPAT_H
#define _FWCTL_COMPAT_H

#ifndef FWCTL_HAVE_TAINT_FWCTL
/*
 * No 'J' flag: a write-scope request taints with 'U' (taint
 * requested by userspace), the closest existing meaning.
 */
#define TAINT_FWCTL TAINT_USER
#define FWCTL_COMPAT_TAINT "taint U (TAINT_USER) for write scopes"
#else
#define FWCTL_COMPAT_TAINT "taint J (TAINT_FWCTL) for write scopes"
#endif

#ifndef FWCTL_HAVE_LOCKDOWN_FWCTL
/*
 * No fwctl lockdown reason: DEBUG_WRITE_FULL asks for LOCKDOWN_PCI_ACCESS,
 * which the integrity level refuses too, so lockdown=integrity still
 * removes full-scope access; the lockdown message names "direct PCI
 * access".
 */
#define LOCKDOWN_FWCTL_WRITE_FULL LOCKDOWN_PCI_ACCESS
#define FWCTL_COMPAT_LOCKDOWN "DEBUG_WRITE_FULL gated by LOCKDOWN_PCI_ACCESS"
#else
#define FWCTL_COMPAT_LOCKDOWN "DEBUG_WRITE_FULL gated by LOCKDOWN_FWCTL_WRITE_FULL"
#endif

#endif
