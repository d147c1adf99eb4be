/* SPDX-License-Identifier: GPL-2.0-only */
/* CXL switch mailbox CCI driver: what its parts share. */
#ifndef _CXL_SWITCH_H
#define _CXL_SWITCH_H

#include <linux/cdev.h>
#include <linux/pci.h>
#include <linux/rwsem.h>

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

struct cxl_switch;

/**
 * struct cxl_switch_bus_ops - what the bus a switch CCI sits on provides
 * @setup_irq: set up the mailbox interrupt once the mailbox is initialised;
 *	optional, the mailbox polls without one
 * @port_in_use: whether physical port @port of the switch leads to this
 *	kernel: bound into this host's own virtual switch, with a device this
 *	kernel drives or may drive below it (commands acting on that port are
 *	then refused with -EBUSY); the answer for a port it cannot map is true
 * @ports_in_use: whether any downstream port of the switch leads to this
 *	kernel as @port_in_use tells it, including ports the switch may not
 *	report (a firmware activation of the switch would take those devices
 *	away); the answer when it cannot be told is true
 * @host_port: the physical port through which this host reaches the
 *	switch, the upstream port of this host's own virtual switch (binding
 *	into it would hot-add a fabric device to this kernel); a negative
 *	errno when it cannot be told, and every virtual switch then counts
 *	as this host's
 */
struct cxl_switch_bus_ops {
	void (*setup_irq)(struct cxl_switch *sw);
	bool (*port_in_use)(struct cxl_switch *sw, u8 port);
	bool (*ports_in_use)(struct cxl_switch *sw);
	int (*host_port)(struct cxl_switch *sw);
};

/**
 * struct cxl_switch_desc - a switch CCI as its bus glue found it
 * @dev: the device the switch hangs from: devm resources, drvdata, sysfs
 * @mbox: the mapped mailbox registers
 * @mbox_size: bytes mapped at @mbox
 * @vendor: the function's vendor ID (quirks, FWCTL_INFO)
 * @device: its device ID
 * @revision: its revision ID
 * @ops: bus callbacks
 * @bus_priv: the glue's data, cxl_switch_bus_priv() returns it
 */
struct cxl_switch_desc {
	struct device *dev;
	void __iomem *mbox;
	size_t mbox_size;
	u16 vendor;
	u16 device;
	u8 revision;
	const struct cxl_switch_bus_ops *ops;
	void *bus_priv;
};

struct cxl_switch {
	struct fwctl_device fwctl;	/* first, see fwctl_alloc_device() */
	struct device *dev;
	u16 vendor;
	u16 device;
	u8 revision;
	const struct cxl_switch_bus_ops *ops;
	void *bus_priv;
	struct pci_mmpt *mbox;
	/* its payload size: outlives @mbox, which goes at unbind */
	size_t payload_size;
	struct cxl_fwctl_mbox reads;	/* how the policy reads from @mbox */
	struct rw_semaphore pol_lock;	/* @cel and @pol against a refresh */
	bool cel_stale;			/* own firmware may have changed */
	bool fw_known;			/* it answered Get FW Info into @fw */
	u8 fw[CXL_FW_KEY_LEN];
	struct cxl_cel *cel;
	struct cxl_fwctl_policy pol;
	struct cxl_switch_id id;
	struct cxl_tunnel_cache tunnels;
	struct attribute_group *port_groups;
};

int devm_cxl_switch_add(const struct cxl_switch_desc *desc);
void *cxl_switch_rpc(struct cxl_switch *sw, struct fwctl_uctx *uctx,
		     enum fwctl_rpc_scope scope, void *rpc_in, size_t in_len,
		     size_t *out_len);

static inline void *cxl_switch_bus_priv(struct cxl_switch *sw)
{
	return sw->bus_priv;
}

int cxl_switch_pci_init(void);
void cxl_switch_pci_exit(void);
bool cxl_switch_serial_in_use(u64 serial);
bool cxl_switch_serial_sanitizing(u64 serial);

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
