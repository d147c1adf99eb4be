/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallbacks for building fwctl out of tree against a kernel without the
 * base series (patches/0002, patches/0003). Forced into every source file
 * by the DKMS Kbuild, before anything else, so it only defines names:
 * they are expanded later, after the file's own includes. Never part of
 * an in-tree build. The fwctl module logs the choice when it loads.
 */
#ifndef _FWCTL_COMPAT_H
#define _FWCTL_COMPAT_H

#ifndef FWCTL_HAVE_TAINT_FWCTL
/*
 * No 'J' flag: an executed write-scope command taints with 'U' (taint
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

#ifdef FWCTL_COMPAT_STOCK_CORE
/*
 * The target kernel has a fwctl core of its own (mainline 6.15 or later),
 * without fwctl_rpc_execute() and fwctl_rpc_judged(); its <linux/fwctl.h>
 * does not define FWCTL_HAVE_RPC_EXECUTE. A driver that calls them builds
 * unchanged against it: the calls become no-ops that let the command run.
 * What is lost is what the helpers add: that core taints before
 * &fwctl_ops.fw_rpc for every request at a write scope (mainline's rule, so
 * a crash report during the command is still tainted, and so is a refused
 * request), the driver's own scope check is the only one, and the audit
 * line does not name the command. The members this package adds to struct
 * fwctl_ops (commands, reports_execution) do not exist there: a driver
 * meant for both cores sets them under #ifdef FWCTL_HAVE_RPC_EXECUTE.
 * This package's own core (drivers/fwctl) is then not built: the stock
 * one serves.
 */
#define fwctl_rpc_execute(uctx, needed, cmd) \
	({ (void)(uctx); (void)(needed); (void)(cmd); 0; })
#define fwctl_rpc_judged(uctx, cmd, needed) \
	do { (void)(uctx); (void)(cmd); (void)(needed); } while (0)
#endif

#endif
