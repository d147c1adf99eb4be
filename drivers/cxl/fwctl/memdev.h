/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl access to CXL memory device mailboxes, built into cxl_pci.
 */
#ifndef _CXL_FWCTL_MEMDEV_H
#define _CXL_FWCTL_MEMDEV_H

struct cxl_memdev;
struct device;

#ifdef CONFIG_CXL_MEMDEV_FWCTL
int devm_cxl_memdev_fwctl_add(struct device *host, struct cxl_memdev *cxlmd);
#else
static inline int devm_cxl_memdev_fwctl_add(struct device *host,
					    struct cxl_memdev *cxlmd)
{
	return 0;
}
#endif

#endif
