// SPDX-License-Identifier: GPL-2.0-only
/*
 * CXL switch mailbox CCI: the PCI function (class 0x0c0b) through which a
 * fabric manager reaches a CXL switch's FM-API. The driver reads the
 * switch's identity, ports and Command Effects Log, shows them in sysfs and
 * exposes the mailbox as a fwctl device judged by the CXL command policy.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <uapi/fwctl/cxl.h>

#include "../cxl.h"
#include "../cxlpci.h"
#include "switch.h"

/*
 * Commands that change which host devices sit behind the switch's ports.
 * The switch CCI is enumerated by this host, so every port leads to the
 * host's own hierarchy: the kernel owns these.
 */
static const u16 cxl_switch_kernel_owned[] = {
	CXL_OP_PORT_CONTROL,
	CXL_OP_BIND_VPPB,
	CXL_OP_UNBIND_VPPB,
};

/* QEMU 10.0's switch CCI (19e5:a123 rev 0) aborts on Get/Set Timestamp. */
static const u16 cxl_switch_qemu_refused[] = {
	CXL_OP_GET_TIMESTAMP,
	CXL_OP_SET_TIMESTAMP,
};

static ssize_t sw_cmd(struct cxl_switch *sw, u16 opcode, const void *in,
		      size_t in_len, void *out, size_t out_size)
{
	return cxl_fwctl_xfer(&sw->mbox, NULL, 0, opcode, in, in_len, out,
			      out_size);
}

/* Get Physical Port State of one port into a 16-byte block. */
static int sw_port_state(struct cxl_switch *sw, u8 port, u8 *blk)
{
	u8 in[2] = { 1, port }, out[CXL_PORT_STATE_HDR + CXL_PORT_STATE_LEN];
	ssize_t len;

	len = sw_cmd(sw, CXL_OP_GET_PORT_STATE, in, sizeof(in), out,
		     sizeof(out));
	if (len < 0)
		return len;
	if (len < sizeof(out) || out[0] != 1 || out[CXL_PORT_STATE_HDR] != port)
		return -EIO;
	memcpy(blk, out + CXL_PORT_STATE_HDR, CXL_PORT_STATE_LEN);
	return 0;
}

/* The cache's view of a port: what changes when its device does. */
static int sw_port_key(void *priv, u8 port, u8 key[3])
{
	u8 blk[CXL_PORT_STATE_LEN];
	int ret;

	ret = sw_port_state(priv, port, blk);
	if (ret)
		return ret;
	key[0] = blk[1];	/* config state */
	key[1] = blk[4];	/* connected device type */
	key[2] = blk[11];	/* LTSSM state */
	return 0;
}

static int sw_read_cel(void *priv, const u8 *path, unsigned int depth,
		       struct cxl_cel **celp)
{
	struct cxl_switch *sw = priv;

	return cxl_fwctl_read_cel(&sw->mbox, path, depth, celp);
}

/* The policy's view of a tunnel target; tunnels.lock is held. */
static const struct cxl_cel *sw_tunnel_cel(void *priv, const u8 *path,
					   unsigned int depth)
{
	struct cxl_switch *sw = priv;

	return cxl_tunnel_cache_get(&sw->tunnels, path, depth);
}

static void *sw_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct cxl_switch *sw = container_of(uctx->fwctl, struct cxl_switch,
					     fwctl);
	struct fwctl_info_cxl *info;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->component = FWCTL_CXL_SWITCH_CCI;
	info->payload_size = sw->mbox.payload_size;
	info->cel_entries = sw->cel->count;
	info->vendor_id = sw->pdev->vendor;
	info->device_id = sw->pdev->device;
	info->serial = sw->id.serial;
	*length = sizeof(*info);
	return info;
}

static struct fwctl_command_info *sw_commands(struct fwctl_uctx *uctx,
					      size_t *count)
{
	struct cxl_switch *sw = container_of(uctx->fwctl, struct cxl_switch,
					     fwctl);
	bool locked = security_locked_down(LOCKDOWN_FWCTL_WRITE_FULL);

	return cxl_fwctl_commands(&sw->pol, locked, count);
}

static int sw_rpc(struct fwctl_uctx *uctx, struct fwctl_rpc_req *req)
{
	struct cxl_switch *sw = container_of(uctx->fwctl, struct cxl_switch,
					     fwctl);
	const struct fwctl_rpc_cxl *in = req->in;

	/* Tunnels consult and refresh the target CEL cache. */
	if (req->in_len >= sizeof(*in) && in->opcode == CXL_OP_TUNNEL) {
		guard(mutex)(&sw->tunnels.lock);
		return cxl_fwctl_rpc(&sw->mbox, &sw->pol, req);
	}
	return cxl_fwctl_rpc(&sw->mbox, &sw->pol, req);
}

static const struct fwctl_ops cxl_switch_fwctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_CXL,
	.uctx_size = sizeof(struct fwctl_uctx),
	.info = sw_info,
	.commands = sw_commands,
	.fw_rpc = sw_rpc,
};

/* --- sysfs ---------------------------------------------------------- */

static struct cxl_switch *dev_sw(struct device *dev)
{
	return pci_get_drvdata(to_pci_dev(dev));
}

#define SW_ATTR(name, fmt, field)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, fmt "\n", dev_sw(dev)->id.field);	\
}									\
static DEVICE_ATTR_RO(name)

SW_ATTR(vendor_id, "0x%04x", vendor);
SW_ATTR(device_id, "0x%04x", device);
SW_ATTR(serial, "0x%016llx", serial);
SW_ATTR(num_physical_ports, "%u", num_ports);
SW_ATTR(num_vcs, "%u", num_vcs);
SW_ATTR(ingress_port, "%u", ingress_port);
SW_ATTR(total_vppbs, "%u", total_vppbs);
SW_ATTR(bound_vppbs, "%u", bound_vppbs);
SW_ATTR(hdm_decoders, "%u", hdm_decoders);

static ssize_t active_ports_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%*pbl\n", 256, dev_sw(dev)->id.active_ports);
}
static DEVICE_ATTR_RO(active_ports);

static ssize_t cel_entries_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_sw(dev)->cel->count);
}
static DEVICE_ATTR_RO(cel_entries);

static struct attribute *cxl_switch_attrs[] = {
	&dev_attr_vendor_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_serial.attr,
	&dev_attr_num_physical_ports.attr,
	&dev_attr_num_vcs.attr,
	&dev_attr_ingress_port.attr,
	&dev_attr_active_ports.attr,
	&dev_attr_total_vppbs.attr,
	&dev_attr_bound_vppbs.attr,
	&dev_attr_hdm_decoders.attr,
	&dev_attr_cel_entries.attr,
	NULL,
};

static const struct attribute_group cxl_switch_group = {
	.name = "cxl_switch",
	.attrs = cxl_switch_attrs,
};

/* Per port: a directory portN with its state read live from the switch. */
enum {
	PORT_STATE,
	PORT_DEVICE,
	PORT_WIDTH,
	PORT_MAX_WIDTH,
	PORT_SPEED,
	PORT_MAX_SPEED,
	PORT_LTSSM,
	PORT_LD_COUNT,
	PORT_NR_ATTRS
};

static const char *const port_attr_names[PORT_NR_ATTRS] = {
	"state", "connected_device", "link_width", "max_link_width",
	"link_speed", "max_link_speed", "ltssm", "ld_count",
};

struct cxl_switch_port_attrs {
	struct device_attribute attr[PORT_NR_ATTRS];
	struct attribute *ptrs[PORT_NR_ATTRS + 1];
	char name[8];
	u8 port;
};

static const char *port_state_name(u8 s)
{
	static const char *const names[] = {
		"disabled", "bind-in-progress", "unbind-in-progress",
		"downstream", "upstream", "fabric",
	};

	s &= 0xf;
	return s < ARRAY_SIZE(names) ? names[s] : "invalid";
}

static const char *port_device_name(u8 t)
{
	static const char *const names[] = {
		"none", "pcie", "type1", "type2", "type3-sld", "type3-mld",
	};

	return t < ARRAY_SIZE(names) ? names[t] : "reserved";
}

static const char *const speed_names[] = {
	"unknown", "2.5", "5.0", "8.0", "16.0", "32.0", "64.0",
};

static ssize_t port_attr_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct cxl_switch_port_attrs *pa;
	struct cxl_switch *sw = dev_sw(dev);
	unsigned int which;
	u8 blk[CXL_PORT_STATE_LEN];
	int ret;

	/* The attribute's name says which field; its place, which port. */
	for (which = 0; which < PORT_NR_ATTRS; which++)
		if (attr->attr.name == port_attr_names[which])
			break;
	if (which == PORT_NR_ATTRS)
		return -EINVAL;
	pa = container_of(attr - which, struct cxl_switch_port_attrs, attr[0]);
	ret = sw_port_state(sw, pa->port, blk);
	if (ret)
		return ret;
	switch (which) {
	case PORT_STATE:
		return sysfs_emit(buf, "%s\n", port_state_name(blk[1]));
	case PORT_DEVICE:
		return sysfs_emit(buf, "%s\n", port_device_name(blk[4]));
	case PORT_WIDTH:
		return sysfs_emit(buf, "%u\n", blk[7]);
	case PORT_MAX_WIDTH:
		return sysfs_emit(buf, "%u\n", blk[6]);
	case PORT_SPEED:
	case PORT_MAX_SPEED: {
		u8 s = blk[which == PORT_SPEED ? 10 : 9];

		return sysfs_emit(buf, "%s\n", s < ARRAY_SIZE(speed_names) ?
				  speed_names[s] : "unknown");
	}
	case PORT_LTSSM:
		return sysfs_emit(buf, "%u\n", blk[11]);
	default:
		return sysfs_emit(buf, "%u\n", blk[15]);
	}
}

static int sw_add_port_groups(struct cxl_switch *sw)
{
	struct device *dev = &sw->pdev->dev;
	unsigned int n = bitmap_weight(sw->id.active_ports, 256), i = 0, a;
	struct cxl_switch_port_attrs *pa;
	unsigned int port;
	int ret;

	pa = devm_kcalloc(dev, n, sizeof(*pa), GFP_KERNEL);
	sw->port_groups = devm_kcalloc(dev, n, sizeof(*sw->port_groups),
				       GFP_KERNEL);
	if (!pa || !sw->port_groups)
		return -ENOMEM;
	for_each_set_bit(port, sw->id.active_ports, 256) {
		pa[i].port = port;
		snprintf(pa[i].name, sizeof(pa[i].name), "port%u", port);
		for (a = 0; a < PORT_NR_ATTRS; a++) {
			sysfs_attr_init(&pa[i].attr[a].attr);
			pa[i].attr[a].attr.name = port_attr_names[a];
			pa[i].attr[a].attr.mode = 0444;
			pa[i].attr[a].show = port_attr_show;
			pa[i].ptrs[a] = &pa[i].attr[a].attr;
		}
		sw->port_groups[i].name = pa[i].name;
		sw->port_groups[i].attrs = pa[i].ptrs;
		ret = devm_device_add_group(dev, &sw->port_groups[i]);
		if (ret)
			return ret;
		i++;
	}
	return 0;
}

/* --- probe ---------------------------------------------------------- */

static int sw_identify(struct cxl_switch *sw)
{
	u8 id[CXL_IDENTIFY_LEN], s[CXL_IDENTIFY_SWITCH_LEN];
	u32 ports[256 / 32];
	ssize_t len;
	int i;

	len = sw_cmd(sw, CXL_OP_IDENTIFY, NULL, 0, id, sizeof(id));
	if (len < 0)
		return len;
	if (len < sizeof(id))
		return -EIO;
	sw->id.vendor = get_unaligned_le16(id);
	sw->id.device = get_unaligned_le16(id + 2);
	sw->id.subsys_vendor = get_unaligned_le16(id + 4);
	sw->id.subsys_id = get_unaligned_le16(id + 6);
	sw->id.serial = get_unaligned_le64(id + 8);
	sw->id.max_msg_shift = id[0x10];
	sw->id.component = id[0x11];

	len = sw_cmd(sw, CXL_OP_IDENTIFY_SWITCH, NULL, 0, s, sizeof(s));
	if (len < 0)
		return len;
	if (len < sizeof(s))
		return -EIO;
	sw->id.ingress_port = s[0];
	sw->id.num_ports = s[2];
	sw->id.num_vcs = s[3];
	for (i = 0; i < ARRAY_SIZE(ports); i++)
		ports[i] = get_unaligned_le32(s + 4 + 4 * i);
	bitmap_from_arr32(sw->id.active_ports, ports, 256);
	sw->id.total_vppbs = get_unaligned_le16(s + 0x44);
	sw->id.bound_vppbs = get_unaligned_le16(s + 0x46);
	sw->id.hdm_decoders = s[0x48];
	return 0;
}

static void sw_put(void *data)
{
	struct cxl_switch *sw = data;

	cxl_tunnel_cache_destroy(&sw->tunnels);
	kvfree(sw->cel);
	fwctl_put(&sw->fwctl);
}

static void sw_mmpt_destroy(void *data)
{
	pci_mmpt_destroy(data);
}

static void sw_unregister(void *data)
{
	fwctl_unregister(data);
}

static void sw_setup_irq(struct cxl_switch *sw)
{
	struct pci_dev *pdev = sw->pdev;
	int msgnum = pci_mmpt_msgnum(&sw->mbox), irq;

	/* Interrupts where the function has them; QEMU's has none. */
	if (msgnum < 0 || (!pdev->msix_cap && !pdev->msi_cap))
		return;
	if (pci_alloc_irq_vectors(pdev, msgnum + 1, msgnum + 1,
				  PCI_IRQ_MSIX | PCI_IRQ_MSI) < 0)
		return;
	/* An MSI is a memory write: without bus mastering it never arrives. */
	pci_set_master(pdev);
	irq = pci_irq_vector(pdev, msgnum);
	if (irq < 0 || pci_mmpt_request_irq(&sw->mbox, irq))
		dev_info(&pdev->dev, "mailbox interrupt unavailable, polling\n");
}

static int cxl_switch_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct cxl_register_map map;
	struct cxl_device_regs regs = {};
	struct cxl_switch *sw;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = cxl_find_regblock(pdev, CXL_REGLOC_RBI_MEMDEV, &map);
	if (ret)
		return dev_err_probe(dev, ret, "no device register block\n");
	ret = cxl_setup_regs(&map);
	if (ret)
		return ret;
	ret = cxl_map_device_regs(&map, &regs);
	if (ret)
		return ret;

	sw = fwctl_alloc_device(dev, &cxl_switch_fwctl_ops, struct cxl_switch,
				fwctl);
	if (!sw)
		return -ENOMEM;
	sw->pdev = pdev;
	cxl_tunnel_cache_init(&sw->tunnels, sw_port_key, sw_read_cel, sw);
	ret = devm_add_action_or_reset(dev, sw_put, sw);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, sw);

	ret = pci_mmpt_init(&sw->mbox, dev, regs.mbox, NULL);
	if (ret)
		return dev_err_probe(dev, ret, "mailbox not usable\n");
	ret = devm_add_action_or_reset(dev, sw_mmpt_destroy, &sw->mbox);
	if (ret)
		return ret;
	sw_setup_irq(sw);

	ret = sw_identify(sw);
	if (ret)
		return dev_err_probe(dev, ret, "Identify failed\n");
	ret = cxl_fwctl_read_cel(&sw->mbox, NULL, 0, &sw->cel);
	if (ret)
		return dev_err_probe(dev, ret, "Command Effects Log unreadable\n");
	if (sw->cel->duplicates)
		dev_warn(dev, "CEL lists %u opcodes twice, their effects merged\n",
			 sw->cel->duplicates);

	sw->pol = (struct cxl_fwctl_policy){
		.cel = sw->cel,
		.kernel_owned = cxl_switch_kernel_owned,
		.nr_kernel_owned = ARRAY_SIZE(cxl_switch_kernel_owned),
		.allow_data_writes =
			IS_ENABLED(CONFIG_CXL_FWCTL_UNSAFE_DATA_WRITES),
		.tunnel_cel = sw_tunnel_cel,
		.priv = sw,
	};
	if (pdev->vendor == PCI_VENDOR_ID_HUAWEI && pdev->device == 0xa123 &&
	    pdev->revision == 0) {
		sw->pol.quirk_refused = cxl_switch_qemu_refused;
		sw->pol.nr_quirk_refused = ARRAY_SIZE(cxl_switch_qemu_refused);
	}

	ret = devm_device_add_group(dev, &cxl_switch_group);
	if (ret)
		return ret;
	ret = sw_add_port_groups(sw);
	if (ret)
		return ret;

	ret = fwctl_register(&sw->fwctl);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(dev, sw_unregister, &sw->fwctl);
	if (ret)
		return ret;
	/* Before sw_unregister() waits for RPCs: end their background waits. */
	ret = devm_add_action(dev, sw_mmpt_destroy, &sw->mbox);
	if (ret)
		return ret;
	ret = cxl_switch_compat_add(sw);
	if (ret)
		return ret;

	dev_info(dev, "CXL switch %04x:%04x serial 0x%llx, %u ports, %u commands, %s\n",
		 sw->id.vendor, sw->id.device, sw->id.serial, sw->id.num_ports,
		 sw->cel->count, dev_name(&sw->fwctl.dev));
	return 0;
}

static const struct pci_device_id cxl_switch_pci_tbl[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_SERIAL_CXL_SWITCH_CCI << 8, ~0) },
	{ }
};
MODULE_DEVICE_TABLE(pci, cxl_switch_pci_tbl);

static struct pci_driver cxl_switch_driver = {
	.name = "cxl_switch_cci",
	.id_table = cxl_switch_pci_tbl,
	.probe = cxl_switch_probe,
};

static int __init cxl_switch_init(void)
{
	int ret;

	ret = cxl_switch_compat_init();
	if (ret)
		return ret;
	ret = pci_register_driver(&cxl_switch_driver);
	if (ret)
		cxl_switch_compat_exit();
	return ret;
}

static void __exit cxl_switch_exit(void)
{
	pci_unregister_driver(&cxl_switch_driver);
	cxl_switch_compat_exit();
}

module_init(cxl_switch_init);
module_exit(cxl_switch_exit);

MODULE_DESCRIPTION("CXL switch mailbox CCI driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(CXL);
MODULE_IMPORT_NS(CXL_FWCTL);
MODULE_IMPORT_NS(FWCTL);
MODULE_IMPORT_NS(PCI_MMPT);
