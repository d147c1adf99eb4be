/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl access to CXL memory device mailboxes, built into cxl_pci.
 */
#ifndef _CXL_FWCTL_MEMDEV_H
#define _CXL_FWCTL_MEMDEV_H

struct cxl_dev_state;
struct cxl_memdev;
struct device;

#ifdef CONFIG_CXL_MEMDEV_FWCTL
int devm_cxl_memdev_fwctl_add(struct device *host, struct cxl_memdev *cxlmd);
void cxl_memdev_fwctl_fw_activated(struct cxl_dev_state *cxlds);
#else
static inline int devm_cxl_memdev_fwctl_add(struct device *host,
					    struct cxl_memdev *cxlmd)
{
	return 0;
}

static inline void cxl_memdev_fwctl_fw_activated(struct cxl_dev_state *cxlds)
{
}
#endif

#endif
