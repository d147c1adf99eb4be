/* SPDX-License-Identifier: GPL-2.0-only */
/* CXL switch mailbox CCI driver: what its parts share. */
#ifndef _CXL_SWITCH_H
#define _CXL_SWITCH_H

#include <linux/cdev.h>
#include <linux/pci.h>

#include "../fwctl/cxl_fwctl.h"

#define PCI_CLASS_SERIAL_CXL_SWITCH_CCI	0x0c0b
#define CXL_IDENTIFY_LEN		0x12
#define CXL_IDENTIFY_SWITCH_LEN		0x49
#define CXL_PORT_STATE_LEN		0x10
#define CXL_PORT_STATE_HDR		4

/* What the switch told at probe. */
struct cxl_switch_id {
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_id;
	u64 serial;
	u8 max_msg_shift;
	u8 component;
	u8 ingress_port;
	u8 num_ports;
	u8 num_vcs;
	DECLARE_BITMAP(active_ports, 256);
	u16 total_vppbs;
	u16 bound_vppbs;
	u8 hdm_decoders;
};

struct cxl_switch {
	struct fwctl_device fwctl;	/* first, see fwctl_alloc_device() */
	struct pci_dev *pdev;
	struct pci_mmpt mbox;
	struct cxl_cel *cel;
	struct cxl_fwctl_policy pol;
	struct cxl_switch_id id;
	struct cxl_tunnel_cache tunnels;
	struct attribute_group *port_groups;
	struct cxl_switch_compat *compat;
};

#ifdef CONFIG_CXL_SWITCH_CCI_COMPAT
int cxl_switch_compat_init(void);
void cxl_switch_compat_exit(void);
int cxl_switch_compat_add(struct cxl_switch *sw);
#else
static inline int cxl_switch_compat_init(void)
{
	return 0;
}

static inline void cxl_switch_compat_exit(void)
{
}

static inline int cxl_switch_compat_add(struct cxl_switch *sw)
{
	return 0;
}
#endif

#endif
