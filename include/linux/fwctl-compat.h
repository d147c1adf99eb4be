/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What differs between the base kernels the CXL switch CCI driver, the CXL
 * fwctl policy and the PCI MMPT library build on: Linux 6.12 and Linux 7.3.
 * Their sources are the same files on both; everything the two bases spell
 * differently is named here, once, and nowhere else. The fwctl core of 6.12
 * (drivers/fwctl/main.c) takes its symbol namespace from here too: the DKMS
 * package builds it against a stock 7.3 kernel without CONFIG_FWCTL.
 *
 * The bases are told apart by what 7.3 has: EXPORT_SYMBOL_FOR_MODULES()
 * (6.17 on), which makes its namespace by pasting strings, so where it
 * exists namespaces are strings. Kernels from 6.13 to 6.16 are neither
 * base and are not supported.
 */
#ifndef _LINUX_FWCTL_COMPAT_H
#define _LINUX_FWCTL_COMPAT_H

#include <linux/export.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>

/**
 * FWCTL_NS - a symbol namespace, spelt the way the base kernel takes it
 * @ns: the namespace's name, an identifier: FWCTL_NS(PCI_MMPT)
 *
 * For EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS(). 6.12 takes the name as
 * an identifier and makes it a string itself; 7.3 takes the string. Either
 * way the namespace is the same string, "PCI_MMPT".
 */
#ifdef EXPORT_SYMBOL_FOR_MODULES
#define FWCTL_NS(ns) #ns
#else
#define FWCTL_NS(ns) ns
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
