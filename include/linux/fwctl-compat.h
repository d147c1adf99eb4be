/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the base kernels the fwctl core, the CXL switch CCI
 * driver, the CXL fwctl policy and the PCI MMPT library build on: Linux
 * 6.12 and Linux 7.3. Their sources are the same files on both; everything
 * the two bases spell differently is named here, once, and nowhere else.
 * The fwctl core is mainline's; on 6.12 its Makefile makes each of its
 * files include this header first. Never part of what is proposed
 * upstream.
 *
 * The bases are told apart by what 7.3 has: EXPORT_SYMBOL_FOR_MODULES()
 * (6.17 on; 6.12.118 has only EXPORT_SYMBOL_GPL_FOR_MODULES()). Should a
 * 6.12 stable release take it too, the build breaks at once (no
 * <cxl/pci.h>), not silently. Kernels from 6.13 to 6.16 are neither base
 * and are not supported.
 */
#ifndef _LINUX_FWCTL_COMPAT_H
#define _LINUX_FWCTL_COMPAT_H

/*
 * Forced in first (FWCTL_COMPAT_FORCED: the core on 6.12), nothing has set
 * pr_fmt yet, and printk.h, which these headers pull in, would set its
 * default: main.c, which sets its own afterwards, would redefine it. So
 * the default is taken back there; a file the header is forced into sets
 * pr_fmt itself before it uses pr_*(), which the compiler enforces.
 */
#if defined(FWCTL_COMPAT_FORCED) && !defined(pr_fmt)
#define FWCTL_COMPAT_NO_PR_FMT
#endif
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>
#ifdef FWCTL_COMPAT_NO_PR_FMT
#undef pr_fmt
#undef FWCTL_COMPAT_NO_PR_FMT
#endif

/*
 * Symbol namespaces are strings from 6.13 on, EXPORT_SYMBOL_NS_GPL(sym,
 * "FWCTL") and MODULE_IMPORT_NS("FWCTL"); 6.12 takes an identifier and
 * makes the string itself. On 6.12 the macros are given 6.13's meaning
 * for the files that include this header, so that they are written as
 * mainline writes them; the namespace strings are the same either way.
 */
#ifndef EXPORT_SYMBOL_FOR_MODULES
#undef EXPORT_SYMBOL_NS
#undef EXPORT_SYMBOL_NS_GPL
#undef MODULE_IMPORT_NS
/* As in 6.13's <linux/module.h> and <linux/export.h>. */
#define MODULE_IMPORT_NS(ns) MODULE_INFO(import_ns, ns)
/* The namespace string as it is, not made a string again. */
#define EXPORT_SYMBOL_NS(sym, ns) __EXPORT_SYMBOL(sym, "", ns)
/* Likewise, GPL-only. */
#define EXPORT_SYMBOL_NS_GPL(sym, ns) __EXPORT_SYMBOL(sym, "GPL", ns)
#if IS_ENABLED(CONFIG_KUNIT)
#undef EXPORT_SYMBOL_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(sym) \
	EXPORT_SYMBOL_NS(sym, "EXPORTED_FOR_KUNIT_TESTING")
#endif
#endif

/*
 * 7.3 allocates an object by the type of what it is assigned to:
 * p = kzalloc_obj(*p, GFP_KERNEL), with the flags optional. 6.12 has no
 * such helper; this one takes the same arguments, the flags not optional,
 * and returns void *, as kzalloc() does.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, gfp) kzalloc(sizeof(P), gfp)
#endif

/*
 * The CXL core's own headers (drivers/cxl/switch/pci.c). 7.3 declares the
 * register block types in <cxl/pci.h> and names the CXL device DVSEC's
 * registers in the PCI UAPI; 6.12 has both in drivers/cxl/cxlpci.h, the
 * registers under other names, to which the UAPI's names are mapped here.
 */
#ifdef EXPORT_SYMBOL_FOR_MODULES
#include <cxl/pci.h>
#endif
#ifndef PCI_DVSEC_CXL_CTRL
#define PCI_DVSEC_CXL_DEVICE CXL_DVSEC_PCIE_DEVICE
#define PCI_DVSEC_CXL_CTRL CXL_DVSEC_CTRL_OFFSET
#define PCI_DVSEC_CXL_MEM_ENABLE CXL_DVSEC_MEM_ENABLE
#endif

#endif /* _LINUX_FWCTL_COMPAT_H */
