// SPDX-License-Identifier: GPL-2.0-only
/*
 * CXL switch mailbox CCI: the function through which a fabric manager
 * reaches a CXL switch's FM-API. This is the bus-agnostic core: it reads
 * the switch's identity, ports and Command Effects Log, shows them in sysfs
 * and exposes the mailbox as a fwctl device judged by the CXL command
 * policy. pci.c finds the PCI function (class 0x0c0b); the test-only mock
 * (mock.c) puts the same core on a mailbox in memory.
 */
#include <linux/fwctl-compat.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <uapi/fwctl/cxl.h>

#include "../cxlmem.h"
#include "switch.h"

/* What the library must know of the CXL command set to abort a command. */
static const struct pci_mmpt_config cxl_mmpt_config = {
	.abort_opcode = CXL_OP_ABORT_BG,
	.aborted_rc = CXL_MBOX_CMD_RC_ABORT,
};

static ssize_t sw_cmd(struct cxl_switch *sw, u16 opcode, const void *in,
		      size_t in_len, void *out, size_t out_size)
{
	return cxl_fwctl_xfer(&sw->reads, NULL, 0, opcode, in, in_len, out,
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

	return cxl_fwctl_read_cel(&sw->reads, path, depth, celp);
}

static int sw_identify_target(void *priv, const u8 *path, unsigned int depth,
			      struct cxl_fwctl_target *t)
{
	struct cxl_switch *sw = priv;

	return cxl_fwctl_identify(&sw->reads, path, depth, t);
}

static int sw_fw_key(void *priv, const u8 *path, unsigned int depth,
		     u8 key[CXL_FW_KEY_LEN])
{
	struct cxl_switch *sw = priv;

	return cxl_fwctl_fw_key(&sw->reads, path, depth, key);
}

/* The policy's view of a tunnel target; tunnels.lock is held. */
static const struct cxl_fwctl_target *
sw_tunnel_target(void *priv, const u8 *path, unsigned int depth)
{
	struct cxl_switch *sw = priv;

	return cxl_tunnel_cache_get(&sw->tunnels, path, depth);
}

#define CXL_PORT_STATE_USP	4

/*
 * A port the switch cannot describe, or its upstream port (which leads to
 * a host, maybe this one), is in use whatever the bus glue finds.
 */
static bool sw_port_in_use(void *priv, u8 port)
{
	struct cxl_switch *sw = priv;
	u8 blk[CXL_PORT_STATE_LEN];

	if (sw_port_state(sw, port, blk) ||
	    (blk[1] & 0xf) == CXL_PORT_STATE_USP)
		return true;
	return !sw->ops || !sw->ops->port_in_use ||
	       sw->ops->port_in_use(sw, port);
}

#define CXL_VCS_INFO_HDR	4
#define CXL_VCS_BLOCK_HDR	4
#define CXL_VCS_USP		2
#define CXL_VPPB_BOUND_PORT	2
#define CXL_VPPB_BOUND_LD	3

/*
 * Whether a virtual switch whose upstream port is @usp is this host's own:
 * binding a port into it hot-adds a fabric device to this kernel, and an
 * AER injected into one of its vPPBs reaches a port pcieport drives. So is
 * every virtual switch when the bus glue cannot tell which is.
 */
static bool sw_vcs_is_host(struct cxl_switch *sw, u8 usp)
{
	int port = sw->ops && sw->ops->host_port ?
		   sw->ops->host_port(sw) : -ENODEV;

	return port < 0 || port == usp;
}

/*
 * Get Virtual CXL Switch Info for one vPPB: in use when its virtual switch
 * is this host's, when it is bound to a port in use, when a binding is in
 * progress, or when the switch does not answer sensibly.
 */
static bool sw_vppb_in_use(void *priv, u8 vcs, u8 vppb)
{
	u8 in[4] = { vppb, 1, 1, vcs };
	u8 out[CXL_VCS_INFO_HDR + CXL_VCS_BLOCK_HDR + 4];
	ssize_t len;

	len = sw_cmd(priv, CXL_OP_VCS_INFO, in, sizeof(in), out, sizeof(out));
	if (len < (ssize_t)sizeof(out) || out[0] != 1 ||
	    out[CXL_VCS_INFO_HDR] != vcs || !out[CXL_VCS_INFO_HDR + 3] ||
	    sw_vcs_is_host(priv, out[CXL_VCS_INFO_HDR + CXL_VCS_USP]))
		return true;
	switch (out[CXL_VCS_INFO_HDR + CXL_VCS_BLOCK_HDR]) {
	case 0:
		return false;
	case CXL_VPPB_BOUND_PORT:
	case CXL_VPPB_BOUND_LD:
		return sw_port_in_use(priv,
				      out[CXL_VCS_INFO_HDR + CXL_VCS_BLOCK_HDR + 1]);
	}
	return true;
}

/*
 * Any port below the switch leading to this kernel, as the bus glue sees
 * the hierarchy, not as the switch reports its ports: a switch that hides
 * a port must not get its firmware activated over this kernel's devices.
 */
static bool sw_switch_in_use(void *priv)
{
	struct cxl_switch *sw = priv;

	return !sw->ops || !sw->ops->ports_in_use || sw->ops->ports_in_use(sw);
}

/* A tunnel target this kernel drives through another path. */
static bool sw_target_in_use(void *priv, const struct cxl_fwctl_target *t)
{
	return cxl_switch_serial_in_use(t->serial);
}

/* A tunnel target this kernel is sanitizing: its mailbox is fenced. */
static bool sw_target_fenced(void *priv, const struct cxl_fwctl_target *t)
{
	return cxl_switch_serial_sanitizing(t->serial);
}

/*
 * Commands that may change what a component runs: a firmware activation,
 * and a vendor command, which can do the same and says nothing about it.
 */
static bool sw_changes_firmware(u16 opcode)
{
	return opcode == CXL_OP_ACTIVATE_FW || opcode >= CXL_OP_VENDOR_FIRST;
}

/* Commands after which no cached answer about a tunnel target holds. */
static bool sw_drops_targets(u16 opcode)
{
	return sw_changes_firmware(opcode) || opcode == CXL_OP_PORT_CONTROL ||
	       opcode == CXL_OP_BIND_VPPB || opcode == CXL_OP_UNBIND_VPPB;
}

/* Commands that consult or drop the tunnel target cache. */
static bool sw_changes_targets(u16 opcode)
{
	return opcode == CXL_OP_TUNNEL || sw_drops_targets(opcode);
}

/* tunnels.lock is held for every command sw_changes_targets() names. */
static void sw_executed(void *priv, const struct cxl_fwctl_verdict *v,
			u16 return_code)
{
	struct cxl_switch *sw = priv;

	if (sw_drops_targets(v->opcode)) {
		lockdep_assert_held(&sw->tunnels.lock);
		cxl_tunnel_cache_drop(&sw->tunnels);
	}
	/* Its own firmware: its own CEL is read again before the next RPC. */
	if (!v->depth && sw_changes_firmware(v->opcode))
		WRITE_ONCE(sw->cel_stale, true);
}

static void *sw_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct cxl_switch *sw = container_of(uctx->fwctl, struct cxl_switch,
					     fwctl);
	struct fwctl_info_cxl *info;

	info = kzalloc_obj(*info, GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->component = FWCTL_CXL_SWITCH_CCI;
	info->payload_size = sw->payload_size;
	scoped_guard(rwsem_read, &sw->pol_lock) {
		info->cel_entries = sw->cel->count;
		info->serial = sw->id.serial;
	}
	info->vendor_id = sw->vendor;
	info->device_id = sw->device;
	*length = sizeof(*info);
	return info;
}

static int sw_identify(struct cxl_switch *sw, struct cxl_switch_id *id);

/*
 * The switch's CEL and, when the CEL lists Get FW Info, what it says it
 * runs, read so that they belong together: what it runs is asked before
 * and after the CEL is read, and a firmware change in between (the same
 * answer twice or nothing) means reading again, at most three times.
 */
static int sw_read_cel_fw(struct cxl_switch *sw, struct cxl_cel **celp,
			  u8 fw[CXL_FW_KEY_LEN], bool *fw_known)
{
	u8 before[CXL_FW_KEY_LEN] = {};
	bool known_before;
	int tries, ret;

	for (tries = 0; tries < 3; tries++) {
		known_before = !cxl_fwctl_fw_key(&sw->reads, NULL, 0, before);
		ret = cxl_fwctl_read_cel(&sw->reads, NULL, 0, celp);
		if (ret)
			return ret;
		memset(fw, 0, CXL_FW_KEY_LEN);
		*fw_known = cxl_cel_effects(*celp, CXL_OP_GET_FW_INFO) &&
			    !cxl_fwctl_fw_key(&sw->reads, NULL, 0, fw);
		if (!*fw_known ||
		    (known_before && !memcmp(before, fw, CXL_FW_KEY_LEN)))
			return 0;
		kvfree(*celp);
		*celp = NULL;
	}
	return -EAGAIN;
}

/* The same commands with the same effects, duplicates merged alike. */
static bool sw_same_cel(const struct cxl_cel *a, const struct cxl_cel *b)
{
	return a->count == b->count && a->duplicates == b->duplicates &&
	       !memcmp(a->ent, b->ent, flex_array_size(a, ent, a->count));
}

/*
 * Read the switch's identity, what it runs and its CEL again, and judge by
 * them from now on; the tunnel targets' cached answers are dropped with
 * them. Until they can be read, nothing is judged.
 */
static int sw_refresh_cel(void *priv)
{
	struct cxl_switch *sw = priv;
	struct cxl_switch_id id;
	u8 fw[CXL_FW_KEY_LEN];
	struct cxl_cel *cel;
	bool fw_known;
	int ret;

	if (down_write_killable(&sw->pol_lock))
		return -EINTR;
	if (!sw->cel_stale) {
		ret = 0;
		goto out;
	}
	ret = sw_identify(sw, &id);
	if (ret)
		goto out;
	ret = sw_read_cel_fw(sw, &cel, fw, &fw_known);
	if (ret)
		goto out;
	/* All of it or none: sysfs and FWCTL_INFO read it under the lock. */
	sw->id = id;
	sw->fw_known = fw_known;
	memcpy(sw->fw, fw, sizeof(fw));
	kvfree(sw->cel);
	sw->cel = cel;
	sw->pol.self.cel = cel;
	sw->pol.self.vendor = sw->id.vendor;
	sw->pol.self.device = sw->id.device;
	sw->pol.self.serial = sw->id.serial;
	cxl_fwctl_policy_prepare(&sw->pol);
	scoped_guard(mutex, &sw->tunnels.lock)
		cxl_tunnel_cache_drop(&sw->tunnels);
	WRITE_ONCE(sw->cel_stale, false);
out:
	up_write(&sw->pol_lock);
	return ret;
}

/*
 * Whether the switch still runs what its CEL was read from. Its firmware
 * may change without fwctl (a BMC, a vendor tool, another host, a vendor
 * command's side effect), and another component may answer behind the
 * same function: before every judgement its Identify and, when its CEL
 * lists it, Get FW Info are compared with what the policy was worked out
 * from; a switch that cannot tell what it runs has its CEL read and
 * compared. Two mailbox commands per RPC, or Identify and a CEL read.
 */
static int sw_check_self(struct cxl_switch *sw)
{
	struct cxl_cel *cel __free(kvfree) = NULL;
	u8 fw[CXL_FW_KEY_LEN] = {};
	struct cxl_fwctl_target id;
	bool fw_known, listed, same;
	int ret;

	if (READ_ONCE(sw->cel_stale))
		return 0;
	ret = cxl_fwctl_identify(&sw->reads, NULL, 0, &id);
	if (ret)
		return ret;
	if (down_read_killable(&sw->pol_lock))
		return -EINTR;
	listed = cxl_cel_effects(sw->cel, CXL_OP_GET_FW_INFO);
	up_read(&sw->pol_lock);
	fw_known = listed && !cxl_fwctl_fw_key(&sw->reads, NULL, 0, fw);
	if (!fw_known) {
		ret = cxl_fwctl_read_cel(&sw->reads, NULL, 0, &cel);
		if (ret)
			return ret;
	}
	if (down_read_killable(&sw->pol_lock))
		return -EINTR;
	same = id.vendor == sw->id.vendor && id.device == sw->id.device &&
	       id.serial == sw->id.serial && id.component == sw->id.component &&
	       fw_known == sw->fw_known &&
	       (fw_known ? !memcmp(fw, sw->fw, sizeof(fw)) :
			   sw_same_cel(cel, sw->cel));
	up_read(&sw->pol_lock);
	if (!same) {
		dev_info_ratelimited(sw->dev,
				     "switch changed outside fwctl: reading its CEL again\n");
		WRITE_ONCE(sw->cel_stale, true);
	}
	return 0;
}

static int sw_lock_policy(struct cxl_switch *sw)
{
	int ret;

	ret = sw_check_self(sw);
	if (ret)
		return ret;
	return cxl_fwctl_lock_fresh(&sw->pol_lock, &sw->cel_stale,
				    sw_refresh_cel, sw);
}

/*
 * The command was judged and is at the switch: its background wait, up to
 * a minute, does not hold the policy. A refresh (the switch changed) takes
 * it for writing, and every request, FWCTL_INFO and sysfs reader would
 * queue behind it that long. It is taken again afterwards, for sw_rpc()
 * to release.
 */
static int sw_send(void *priv, struct pci_mmpt_cmd *cmd)
{
	struct cxl_switch *sw = priv;
	int ret;

	cmd->flags |= PCI_MMPT_CMD_NO_WAIT;
	ret = pci_mmpt_send(sw->mbox, cmd);
	if (ret || !cmd->bg_handle)
		return ret;
	up_read(&sw->pol_lock);
	ret = pci_mmpt_bg_wait(sw->mbox, cmd,
			       pci_mmpt_bg_timeout_ms(sw->mbox));
	down_read(&sw->pol_lock);
	return ret;
}

static void *sw_rpc_locked(struct cxl_switch *sw, struct fwctl_uctx *uctx,
			   enum fwctl_rpc_scope scope, void *rpc_in,
			   size_t in_len, size_t *out_len)
{
	const struct fwctl_rpc_cxl *in = rpc_in;
	void *out;

	/*
	 * Tunnels consult and refresh the target cache; port changes and
	 * firmware activations drop it. These hold the cache's mutex, which
	 * a refresh takes after the policy: they keep the policy for the
	 * whole command.
	 */
	if (in_len >= sizeof(in->hdr) && sw_changes_targets(in->opcode)) {
		/* Behind another user's slow tunnel: a kill ends the wait. */
		if (mutex_lock_killable(&sw->tunnels.lock))
			return ERR_PTR(-EINTR);
		out = cxl_fwctl_rpc(uctx, scope, rpc_in, in_len, out_len,
				    sw->mbox, &sw->pol);
		mutex_unlock(&sw->tunnels.lock);
		return out;
	}
	return cxl_fwctl_rpc_send(uctx, scope, rpc_in, in_len, out_len,
				  sw->mbox, &sw->pol, sw_send, sw);
}

/**
 * cxl_switch_rpc() - judge and run one request of the CXL RPC format
 * @sw: the switch
 * @uctx: the context the request came from, for the policy's records
 * @scope: the scope the caller asked for and is entitled to
 * @rpc_in: the request
 * @in_len: its length
 * @out_len: room for the reply, then the reply's length
 *
 * The fwctl device's fw_rpc op, and the compatibility node's way in.
 *
 * Return: the reply or an ERR_PTR(), as cxl_fwctl_rpc_send().
 */
void *cxl_switch_rpc(struct cxl_switch *sw, struct fwctl_uctx *uctx,
		     enum fwctl_rpc_scope scope, void *rpc_in, size_t in_len,
		     size_t *out_len)
{
	void *out;
	int ret;

	ret = sw_lock_policy(sw);
	if (ret)
		return ERR_PTR(ret);
	out = sw_rpc_locked(sw, uctx, scope, rpc_in, in_len, out_len);
	up_read(&sw->pol_lock);
	return out;
}

static void *sw_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		    void *rpc_in, size_t in_len, size_t *out_len)
{
	return cxl_switch_rpc(container_of(uctx->fwctl, struct cxl_switch,
					   fwctl),
			      uctx, scope, rpc_in, in_len, out_len);
}

static const struct fwctl_ops cxl_switch_fwctl_ops = {
	.device_type = FWCTL_DEVICE_TYPE_CXL,
	.uctx_size = sizeof(struct fwctl_uctx),
	.info = sw_info,
	.fw_rpc = sw_rpc,
};

/* --- sysfs ---------------------------------------------------------- */

static struct cxl_switch *dev_sw(struct device *dev)
{
	return dev_get_drvdata(dev);
}

#define SW_ATTR(name, fmt, field)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct cxl_switch *sw = dev_sw(dev);				\
									\
	guard(rwsem_read)(&sw->pol_lock);				\
	return sysfs_emit(buf, fmt "\n", sw->id.field);			\
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
	struct cxl_switch *sw = dev_sw(dev);

	guard(rwsem_read)(&sw->pol_lock);
	return sysfs_emit(buf, "%*pbl\n", 256, sw->id.active_ports);
}
static DEVICE_ATTR_RO(active_ports);

static ssize_t cel_entries_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct cxl_switch *sw = dev_sw(dev);

	guard(rwsem_read)(&sw->pol_lock);
	return sysfs_emit(buf, "%u\n", sw->cel->count);
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
	struct device *dev = sw->dev;
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
			/*
			 * Root only: each read is a mailbox command, which
			 * no unprivileged user may queue on the switch.
			 */
			pa[i].attr[a].attr.mode = 0400;
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

/* Identify and Identify Switch Device into @id. */
static int sw_identify(struct cxl_switch *sw, struct cxl_switch_id *id)
{
	u8 ident[CXL_IDENTIFY_LEN], s[CXL_IDENTIFY_SWITCH_LEN];
	u32 ports[256 / 32];
	ssize_t len;
	int i;

	len = sw_cmd(sw, CXL_OP_IDENTIFY, NULL, 0, ident, sizeof(ident));
	if (len < 0)
		return len;
	if (len < sizeof(ident))
		return -EIO;
	id->vendor = get_unaligned_le16(ident);
	id->device = get_unaligned_le16(ident + 2);
	id->subsys_vendor = get_unaligned_le16(ident + 4);
	id->subsys_id = get_unaligned_le16(ident + 6);
	id->serial = get_unaligned_le64(ident + 8);
	id->max_msg_shift = ident[0x10];
	id->component = ident[0x11];

	len = sw_cmd(sw, CXL_OP_IDENTIFY_SWITCH, NULL, 0, s, sizeof(s));
	if (len < 0)
		return len;
	if (len < sizeof(s))
		return -EIO;
	id->ingress_port = s[0];
	id->num_ports = s[2];
	id->num_vcs = s[3];
	for (i = 0; i < ARRAY_SIZE(ports); i++)
		ports[i] = get_unaligned_le32(s + 4 + 4 * i);
	bitmap_from_arr32(id->active_ports, ports, 256);
	id->total_vppbs = get_unaligned_le16(s + 0x44);
	id->bound_vppbs = get_unaligned_le16(s + 0x46);
	id->hdm_decoders = s[0x48];
	return 0;
}

static void sw_put(void *data)
{
	struct cxl_switch *sw = data;

	cxl_tunnel_cache_destroy(&sw->tunnels);
	cxl_fwctl_policy_release(&sw->pol);
	kvfree(sw->cel);
	fwctl_put(&sw->fwctl);
}

static void sw_mmpt_end_waits(void *data)
{
	pci_mmpt_end_waits(data);
}

static void sw_unregister(void *data)
{
	fwctl_unregister(data);
}

/**
 * devm_cxl_switch_add() - bring up a switch CCI found by its bus glue
 * @desc: the function, its mapped mailbox and bus callbacks
 *
 * Initialises the mailbox, reads the switch's identity and Command Effects
 * Log, adds its sysfs files and registers its fwctl device (and the
 * compatibility node). Everything is undone when @desc->dev is unbound.
 *
 * Return: 0 or an errno.
 */
int devm_cxl_switch_add(const struct cxl_switch_desc *desc)
{
	struct device *dev = desc->dev;
	struct pci_mmpt *mbox;
	struct cxl_switch *sw;
	int ret;

	sw = fwctl_alloc_device(dev, &cxl_switch_fwctl_ops, struct cxl_switch,
				fwctl);
	if (!sw)
		return -ENOMEM;
	sw->dev = dev;
	sw->vendor = desc->vendor;
	sw->device = desc->device;
	sw->revision = desc->revision;
	sw->ops = desc->ops;
	sw->bus_priv = desc->bus_priv;
	init_rwsem(&sw->pol_lock);
	cxl_tunnel_cache_init(&sw->tunnels, sw_port_key, sw_identify_target,
			      sw_fw_key, sw_read_cel, sw);
	sw->tunnels.fenced = sw_target_fenced;
	ret = devm_add_action_or_reset(dev, sw_put, sw);
	if (ret)
		return ret;
	dev_set_drvdata(dev, sw);

	mbox = devm_pci_mmpt_create(dev, desc->mbox, desc->mbox_size,
				    &cxl_mmpt_config);
	if (IS_ERR(mbox))
		return dev_err_probe(dev, PTR_ERR(mbox), "mailbox not usable\n");
	sw->mbox = mbox;
	sw->payload_size = pci_mmpt_payload_size(mbox);
	sw->reads.mmpt = mbox;
	if (sw->ops && sw->ops->setup_irq)
		sw->ops->setup_irq(sw);

	ret = sw_identify(sw, &sw->id);
	if (ret)
		return dev_err_probe(dev, ret, "Identify failed\n");
	ret = sw_read_cel_fw(sw, &sw->cel, sw->fw, &sw->fw_known);
	if (ret)
		return dev_err_probe(dev, ret, "Command Effects Log unreadable\n");
	if (sw->cel->duplicates)
		dev_warn(dev, "CEL lists %u opcodes twice, their effects merged\n",
			 sw->cel->duplicates);

	/*
	 * A switch CCI function is a switch whatever its Identify says: the
	 * port rules hold even for one that claims another component type.
	 */
	sw->pol = (struct cxl_fwctl_policy){
		.self = {
			.cel = sw->cel,
			.component = CXL_COMPONENT_SWITCH,
			.vendor = sw->id.vendor,
			.device = sw->id.device,
			.serial = sw->id.serial,
		},
		.allow_data_writes =
			IS_ENABLED(CONFIG_CXL_FWCTL_UNSAFE_DATA_WRITES),
		.fabric_manager = IS_ENABLED(CONFIG_CXL_FWCTL_FABRIC_MANAGER),
		.tunnel_target = sw_tunnel_target,
		.port_in_use = sw_port_in_use,
		.vppb_in_use = sw_vppb_in_use,
		.target_in_use = sw_target_in_use,
		.switch_in_use = sw_switch_in_use,
		.executed = sw_executed,
		.priv = sw,
	};
	cxl_fwctl_policy_prepare(&sw->pol);

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
	ret = cxl_switch_compat_add(sw);
	if (ret)
		return ret;
	/*
	 * Before the compatibility node and sw_unregister() wait for RPCs:
	 * end their background waits. The switch goes on running what it
	 * started; the slot stays taken until it is done or the mailbox's
	 * teardown runs, last.
	 */
	ret = devm_add_action(dev, sw_mmpt_end_waits, sw->mbox);
	if (ret)
		return ret;

	dev_info(dev, "CXL switch %04x:%04x serial 0x%llx, %u ports, %u commands, %s\n",
		 sw->id.vendor, sw->id.device, sw->id.serial, sw->id.num_ports,
		 sw->cel->count, dev_name(&sw->fwctl.dev));
	return 0;
}
EXPORT_SYMBOL_NS_GPL(devm_cxl_switch_add, "CXL_SWITCH");

static int __init cxl_switch_init(void)
{
	int ret;

#ifdef FWCTL_COMPAT_TAINT
	/* Built by the DKMS package for a kernel without the base series. */
	pr_info("fwctl: out-of-tree build: %s, %s\n", FWCTL_COMPAT_TAINT,
		FWCTL_COMPAT_LOCKDOWN);
#endif
	ret = cxl_switch_compat_init();
	if (ret)
		return ret;
	ret = cxl_switch_pci_init();
	if (ret)
		cxl_switch_compat_exit();
	return ret;
}

static void __exit cxl_switch_exit(void)
{
	cxl_switch_pci_exit();
	cxl_switch_compat_exit();
}

module_init(cxl_switch_init);
module_exit(cxl_switch_exit);

MODULE_DESCRIPTION("CXL switch mailbox CCI driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("CXL");
MODULE_IMPORT_NS("CXL_FWCTL");
MODULE_IMPORT_NS("FWCTL");
MODULE_IMPORT_NS("PCI_MMPT");
