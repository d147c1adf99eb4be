// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CXL command policy: which command may run through fwctl at which
 * scope, decided from the device's own Command Effects Log. Pure functions
 * of their inputs, shared by the switch CCI and memory device drivers.
 * Every rule applies at every tunnel level, to the component the command
 * reaches there (Documentation/userspace-api/fwctl/fwctl-cxl.rst):
 *
 *  kernel-owned for the component type         refused, EBUSY
 *  acts on a port or vPPB this kernel uses     refused, EBUSY
 *  quirk of the component                      refused, EOPNOTSUPP
 *  not in the component's CEL                  refused, EOPNOTSUPP
 *  reserved effect bits set                    refused, EOPNOTSUPP
 *  no effects                                  CONFIGURATION
 *  background operation, nothing else          DEBUG_WRITE
 *  config change after a reset only            DEBUG_WRITE
 *  immediate config, policy or log change      DEBUG_WRITE_FULL
 *  immediate data or security state change     refused; DEBUG_WRITE_FULL
 *                                              with the BMC option
 *  firmware (0200h-02FFh)                      at least DEBUG_WRITE_FULL
 *  vendor opcode (C000h-FFFFh)                 DEBUG_WRITE_FULL
 *  acts on a port, vPPB or LD memory           at least DEBUG_WRITE_FULL
 *  FM-API configuration of other hosts'        CONFIGURATION, with the
 *  ports, vPPBs and LDs                        fabric manager option
 *  Get Supported Features, Get Feature         CONFIGURATION (memdev)
 *  Set Feature                                 by the named feature, as
 *                                              mainline judges it
 *  tunnel                                      the tunnel's own verdict and
 *                                              that of what it carries,
 *                                              whichever needs more
 */
#include <linux/atomic.h>
#include <linux/fwctl-compat.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/unaligned.h>

#include "cxl_fwctl.h"

static atomic64_t cel_ids = ATOMIC64_INIT(0);

static int cel_cmp(const void *a, const void *b)
{
	const u16 *x = a, *y = b;

	return (int)*x - (int)*y;
}

/**
 * cxl_cel_parse() - parse a Command Effects Log
 * @log: the log as the device returned it: {le16 opcode, le16 effects}...
 * @len: its length in bytes
 * @celp: the parsed log, kvfree() it
 *
 * Entries are sorted by opcode; an opcode listed twice keeps the union of
 * its effects, so the stricter reading wins.
 *
 * Return: 0, -EINVAL for a length that is not whole entries, -E2BIG for
 * more entries than there are opcodes, -ENOMEM.
 */
int cxl_cel_parse(const void *log, size_t len, struct cxl_cel **celp)
{
	const u8 *raw = log;
	struct cxl_cel *cel;
	size_t n = len / 4, i, out = 0;

	if (len % 4)
		return -EINVAL;
	if (n > CXL_CEL_MAX_ENTRIES)
		return -E2BIG;
	cel = kvzalloc(struct_size(cel, ent, n), GFP_KERNEL);
	if (!cel)
		return -ENOMEM;
	cel->count = n;
	for (i = 0; i < n; i++) {
		cel->ent[i].opcode = get_unaligned_le16(raw + 4 * i);
		cel->ent[i].effects = get_unaligned_le16(raw + 4 * i + 2);
	}
	sort(cel->ent, n, sizeof(cel->ent[0]), cel_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (out && cel->ent[out - 1].opcode == cel->ent[i].opcode) {
			cel->ent[out - 1].effects |= cel->ent[i].effects;
			cel->duplicates++;
			continue;
		}
		cel->ent[out++] = cel->ent[i];
	}
	cel->count = out;
	cel->id = atomic64_inc_return(&cel_ids);
	*celp = cel;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_cel_parse, "CXL_FWCTL");

/* The index of an opcode in a CEL, or -1 when it is not listed. */
static int cel_index(const struct cxl_cel *cel, u16 opcode)
{
	unsigned int lo = 0, hi = cel->count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (cel->ent[mid].opcode == opcode)
			return mid;
		if (cel->ent[mid].opcode < opcode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/**
 * cxl_cel_effects() - look an opcode up in a CEL
 * @cel: the log
 * @opcode: the opcode
 *
 * Return: a pointer to its effects, or NULL when the device does not list it.
 */
const u16 *cxl_cel_effects(const struct cxl_cel *cel, u16 opcode)
{
	int i = cel_index(cel, opcode);

	return i < 0 ? NULL : &cel->ent[i].effects;
}
EXPORT_SYMBOL_NS_GPL(cxl_cel_effects, "CXL_FWCTL");

/**
 * struct cxl_owned_range - opcodes the kernel keeps for itself
 * @first: first opcode of the range
 * @last: last opcode of the range
 */
struct cxl_owned_range {
	u16 first;
	u16 last;
};

/*
 * Memory device commands whose effects the kernel caches or sequences
 * itself (the commands mainline's CXL_MEM_SEND_COMMAND refuses or keeps to
 * the kernel). They are refused on every type-3 component, whether it is
 * reached directly or through a switch. Reasons: fwctl-cxl.rst.
 */
static const struct cxl_owned_range cxl_type3_owned[] = {
	{ 0x0005, 0x0005 },	/* Request Abort Background Operation */
	{ 0x0101, 0x0101 },	/* Clear Event Records */
	{ 0x0103, 0x0103 },	/* Set Event Interrupt Policy */
	{ 0x0201, 0x0202 },	/* Transfer FW, Activate FW */
	{ 0x4101, 0x4101 },	/* Set Partition Info */
	{ 0x4103, 0x4103 },	/* Set LSA */
	{ 0x4204, 0x4204 },	/* Set Shutdown State */
	{ 0x4300, 0x4302 },	/* Get Poison List, Inject/Clear Poison */
	{ 0x4304, 0x4305 },	/* Scan Media, Get Scan Media Results */
	{ 0x4400, 0x46ff },	/* sanitize, media operations, security */
};

/*
 * Commands that act on a switch port, a vPPB or the memory of a device
 * behind a port: refused with EBUSY when that port leads to devices this
 * kernel drives, judged by their effects otherwise.
 */
enum cxl_port_arg {
	CXL_ARG_NONE,
	CXL_ARG_PORT,		/* byte 0 names a physical port */
	CXL_ARG_VPPB,		/* bytes 0, 1: VCS and vPPB */
	CXL_ARG_BIND,		/* VCS, vPPB, then the physical port at 2 */
	CXL_ARG_TARGET,		/* the component itself, behind a port */
};

static enum cxl_port_arg switch_port_arg(u16 opcode)
{
	switch (opcode) {
	case CXL_OP_PORT_CONTROL:	/* Physical Port Control */
	case CXL_OP_PPB_CONFIG:		/* PPB CXL.io config request */
	case CXL_OP_LD_CONFIG:		/* LD CXL.io config request */
	case CXL_OP_LD_MEMORY:		/* LD CXL.io memory request */
		return CXL_ARG_PORT;
	case CXL_OP_UNBIND_VPPB:
	case CXL_OP_GEN_AER:		/* Generate AER Event */
		return CXL_ARG_VPPB;
	case CXL_OP_BIND_VPPB:
		return CXL_ARG_BIND;
	}
	return CXL_ARG_NONE;
}

/* A type-3's LD, QoS and dynamic capacity settings: its LDs' memory. */
static bool type3_ld_config(u16 opcode)
{
	switch (opcode) {
	case 0x5402:	/* Set LD Allocations */
	case 0x5404:	/* Set QoS Control */
	case 0x5407:	/* Set QoS Allocated BW */
	case 0x5409:	/* Set QoS BW Limit */
	case 0x5602:	/* Set DC Region Configuration */
	case 0x5604:	/* Initiate Dynamic Capacity Add */
	case 0x5605:	/* Initiate Dynamic Capacity Release */
	case 0x5606:	/* Dynamic Capacity Add Reference */
	case 0x5607:	/* Dynamic Capacity Remove Reference */
		return true;
	}
	return false;
}

static enum cxl_port_arg type3_port_arg(u16 opcode, unsigned int depth)
{
	if (type3_ld_config(opcode))
		return CXL_ARG_TARGET;
	/* A memdev's own features are judged by feature. */
	if (opcode == CXL_OP_SET_FEATURE && depth)
		return CXL_ARG_TARGET;
	return CXL_ARG_NONE;
}

/* Acts on a port, vPPB or LD memory, as a switch or a type-3 behind one. */
static bool acts_on_port(u16 opcode)
{
	return switch_port_arg(opcode) != CXL_ARG_NONE ||
	       type3_port_arg(opcode, 1) != CXL_ARG_NONE;
}

static bool owned_by_type(u8 component, u16 opcode)
{
	unsigned int i;

	/* The kernel reads every component's answers at their size. */
	if (opcode == CXL_OP_SET_RSP_LIMIT)
		return true;
	if (component != CXL_COMPONENT_TYPE3)
		return false;
	for (i = 0; i < ARRAY_SIZE(cxl_type3_owned); i++)
		if (opcode >= cxl_type3_owned[i].first &&
		    opcode <= cxl_type3_owned[i].last)
			return true;
	return false;
}

/*
 * Commands never sent to a component that is known to mishandle them,
 * keyed on the IDs it reports in Identify alone: the component type may
 * have been made stricter since (a port whose state says a type-3 sits
 * there), and the emulator behind those IDs aborts all the same.
 */
static bool quirk_refused(const struct cxl_fwctl_target *t, u16 opcode)
{
	/* QEMU 10's switch (Identify 19e5:a128) aborts on Get/Set Timestamp. */
	return t->vendor == 0x19e5 && t->device == 0xa128 &&
	       (opcode == CXL_OP_GET_TIMESTAMP ||
		opcode == CXL_OP_SET_TIMESTAMP);
}

/*
 * Whether a component behind a tunnel is below devices this kernel drives
 * or is one: everything is below the first port the tunnel leaves the
 * host's switch through, and a component this kernel reaches another way
 * (another head of a multi-headed device) is its own however it is
 * reached.
 */
static bool tunnel_ours(const struct cxl_fwctl_policy *pol,
			const struct cxl_fwctl_target *t, const u8 *path)
{
	return !pol->port_in_use || pol->port_in_use(pol->priv, path[0]) ||
	       (pol->target_in_use && pol->target_in_use(pol->priv, t));
}

/*
 * Whether the port, vPPB or component a command acts on leads to devices
 * this kernel drives. Behind a tunnel everything is below the first port
 * the tunnel leaves the host's switch through; a memory device's own
 * mailbox is this kernel's device.
 */
static int port_busy(const struct cxl_fwctl_policy *pol,
		     const struct cxl_fwctl_target *t, u8 component,
		     u16 opcode, const u8 *p, size_t len, const u8 *path,
		     unsigned int depth)
{
	enum cxl_port_arg arg;
	bool busy;

	if (depth) {
		/*
		 * Whatever the target says it is: a component that lies about
		 * its type does not escape the port rules. Nor does a device
		 * this kernel reaches another way (another head of a
		 * multi-headed device) behind a port that is free.
		 */
		if (!acts_on_port(opcode))
			return 0;
		return tunnel_ours(pol, t, path) ? -EBUSY : 0;
	}
	arg = component == CXL_COMPONENT_SWITCH ? switch_port_arg(opcode) :
					       type3_port_arg(opcode, 0);
	if (arg == CXL_ARG_NONE)
		return 0;
	if (component != CXL_COMPONENT_SWITCH)
		busy = true;
	else if (len < (arg == CXL_ARG_PORT ? 1 : arg == CXL_ARG_BIND ? 3 : 2))
		return -EINVAL;
	else if (arg == CXL_ARG_PORT)
		busy = !pol->port_in_use || pol->port_in_use(pol->priv, p[0]);
	else
		busy = !pol->vppb_in_use ||
		       pol->vppb_in_use(pol->priv, p[0], p[1]) ||
		       (arg == CXL_ARG_BIND &&
			(!pol->port_in_use ||
			 pol->port_in_use(pol->priv, p[2])));
	return busy ? -EBUSY : 0;
}

/*
 * Commands that act on a whole switch and so on every port below it: a
 * firmware transfer or activation replaces what runs all of them (an
 * activation may reset the switch), and a vendor command can do the same.
 */
static bool acts_on_switch(u16 opcode)
{
	return opcode == CXL_OP_TRANSFER_FW || opcode == CXL_OP_ACTIVATE_FW ||
	       opcode >= CXL_OP_VENDOR_FIRST;
}

/*
 * Whether a command that acts on the switch @t would act on devices this
 * kernel drives: at depth 0 any of the switch's ports below may lead to
 * them, behind a tunnel everything is below the first port the tunnel
 * leaves the host's switch through (or the switch is this kernel's by
 * another path). Vendor commands run on a kernel built to own its fabric,
 * which takes on what they do; firmware never does.
 */
static int switch_busy(const struct cxl_fwctl_policy *pol,
		       const struct cxl_fwctl_target *t, u16 opcode,
		       const u8 *path, unsigned int depth)
{
	bool busy;

	if (!acts_on_switch(opcode))
		return 0;
	if (opcode >= CXL_OP_VENDOR_FIRST && pol->fabric_manager)
		return 0;
	if (depth)
		busy = tunnel_ours(pol, t, path);
	else
		busy = !pol->switch_in_use || pol->switch_in_use(pol->priv);
	return busy ? -EBUSY : 0;
}

/* FM-API commands that only read, at any component. */
static bool fm_read_only(u16 opcode)
{
	switch (opcode) {
	case CXL_OP_IDENTIFY_SWITCH:
	case CXL_OP_GET_PORT_STATE:
	case CXL_OP_VCS_INFO:
	case CXL_OP_TUNNEL:	/* judged by what it carries */
	case 0x5400:		/* Get LD Info */
	case 0x5401:		/* Get LD Allocations */
	case 0x5403:		/* Get QoS Control */
	case 0x5405:		/* Get QoS Status */
	case 0x5406:		/* Get QoS Allocated BW */
	case 0x5408:		/* Get QoS BW Limit */
	case 0x5500:		/* Get Multi-Headed Info */
	case 0x5501:		/* Get Head Info */
	case 0x5600:		/* Get DCD Info */
	case 0x5601:		/* Get Host DC Region Configuration */
	case 0x5603:		/* Get DC Region Extent Lists */
		return true;
	}
	return false;
}

/*
 * The least scope a command needs whatever its CEL entry claims: a device
 * reports its own effects, and these are known to change what the kernel
 * or other hosts rely on.
 */
static enum fwctl_rpc_scope scope_floor(u16 opcode)
{
	/* A vendor command's self-reported effects are not trusted. */
	if (opcode >= CXL_OP_VENDOR_FIRST)
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	/* Firmware changes what every later answer means. */
	if ((opcode >> 8) == 0x02)
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	/*
	 * The FM-API changes ports, bindings and other hosts' memory: every
	 * command of it that is not known to only read is an immediate
	 * configuration change.
	 */
	if ((opcode >> 12) == 0x5 && !fm_read_only(opcode))
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	if (acts_on_port(opcode))
		return FWCTL_RPC_DEBUG_WRITE_FULL;
	/* Aborting a background operation ends another caller's work. */
	if (opcode == CXL_OP_ABORT_BG)
		return FWCTL_RPC_DEBUG_WRITE;
	return FWCTL_RPC_CONFIGURATION;
}

/*
 * The FM-API commands a fabric manager configures other hosts' fabric with,
 * by the component that runs them (@above: the component the tunnel came
 * through): the port and binding commands of the switch whose mailbox this
 * is (port_busy() checks their port, their vPPB and whose VCS it is); a
 * type-3's LD, QoS and dynamic capacity commands, reached through a tunnel
 * whose first port port_busy() checked, directly or through the FM-owned
 * LD of a multi-logical device. A cascaded switch cannot be described from
 * here (one of its upstream ports may lead to this host): its commands,
 * and those of the devices behind it, keep their floors. Generate AER and
 * the CXL.io requests inject errors or reach raw config space and memory:
 * they are not configuration.
 */
static bool fm_config(u8 component, u16 opcode, unsigned int depth, u8 above)
{
	if (component == CXL_COMPONENT_SWITCH)
		return !depth && (opcode == CXL_OP_PORT_CONTROL ||
				  opcode == CXL_OP_BIND_VPPB ||
				  opcode == CXL_OP_UNBIND_VPPB);
	return depth && type3_ld_config(opcode) &&
	       (depth == 1 || above == CXL_COMPONENT_TYPE3);
}

/*
 * On a kernel built to manage its fabric, an FM-API configuration command
 * that passed port_busy() changes only what other hosts see: the
 * configuration, data (dynamic capacity), policy, log and background
 * effects its CEL entry claims are what the command is for, and none of
 * them reaches this kernel's memory or code. Reserved bits and a security
 * state change are not what such a command does: those keep every rule.
 */
static bool fabric_config(const struct cxl_fwctl_policy *pol, u8 component,
			  u16 opcode, u16 effects, unsigned int depth, u8 above)
{
	return pol->fabric_manager &&
	       !(effects & (CXL_CEL_RESERVED | CXL_CEL_SECURITY)) &&
	       fm_config(component, opcode, depth, above);
}

/*
 * The scope one command needs from its own effects; @fabric: it is a
 * fabric manager's configuration command, fabric_config().
 */
static int effects_scope(const struct cxl_fwctl_policy *pol, u16 opcode,
			 u16 effects, bool fabric,
			 enum fwctl_rpc_scope *needed, u32 *flags)
{
	if (effects & CXL_CEL_BACKGROUND)
		*flags |= FWCTL_CXL_COMMAND_BACKGROUND;
	if (effects & CXL_CEL_RESERVED)
		return -EOPNOTSUPP;
	if (fabric) {
		*needed = FWCTL_RPC_CONFIGURATION;
		return 0;
	}
	if (effects & (CXL_CEL_DATA_IMM | CXL_CEL_SECURITY)) {
		if (!pol->allow_data_writes)
			return -EOPNOTSUPP;
		*needed = FWCTL_RPC_DEBUG_WRITE_FULL;
	} else if (effects & (CXL_CEL_CFG_IMM | CXL_CEL_POLICY_IMM |
			      CXL_CEL_LOG_IMM)) {
		*needed = FWCTL_RPC_DEBUG_WRITE_FULL;
	} else if (effects & (CXL_CEL_CFG_RESET | CXL_CEL_CFG_CONV_RESET |
			      CXL_CEL_CFG_CXL_RESET | CXL_CEL_BACKGROUND)) {
		/* Background says how it runs, not what it leaves behind. */
		*needed = FWCTL_RPC_DEBUG_WRITE;
	} else {
		*needed = FWCTL_RPC_CONFIGURATION;
	}
	*needed = max(*needed, scope_floor(opcode));
	return 0;
}

/* The feature a Set Feature names; a UUID listed twice counts once, merged. */
static int named_feature(const struct cxl_fwctl_policy *pol, const u8 *uuid,
			 struct cxl_feature *f)
{
	bool found = false;
	unsigned int i;

	for (i = 0; i < pol->nr_feats; i++) {
		const struct cxl_feature *e = &pol->feats[i];

		if (memcmp(e->uuid, uuid, sizeof(e->uuid)))
			continue;
		if (!found) {
			*f = *e;
			found = true;
			continue;
		}
		/* The stricter reading of both entries. */
		f->flags &= e->flags;
		f->set_effects |= e->set_effects;
		f->kernel_owned |= e->kernel_owned;
	}
	return found ? 0 : -EOPNOTSUPP;
}

/*
 * Set Feature: judged by the feature it names, by mainline's rules: it
 * must be changeable; reserved or background effects refuse it; an
 * immediate change needs DEBUG_WRITE_FULL, a change after a reset
 * DEBUG_WRITE; a feature that claims neither is refused.
 */
static int judge_set_feature(const struct cxl_fwctl_policy *pol, const u8 *p,
			     size_t len, struct cxl_fwctl_verdict *v)
{
	struct cxl_feature f;
	u16 e;

	if (len < CXL_SET_FEATURE_HDR)
		return -EINVAL;
	if (named_feature(pol, p, &f) || !(f.flags & CXL_FEATURE_CHANGEABLE))
		return -EOPNOTSUPP;
	e = f.set_effects;
	v->effects = e;
	if (f.kernel_owned) {
		v->flags |= FWCTL_CXL_COMMAND_KERNEL_OWNED;
		return -EBUSY;
	}
	if (e & (CXL_CEL_RESERVED | CXL_CEL_BACKGROUND))
		return -EOPNOTSUPP;
	if (e & (CXL_CEL_CFG_IMM | CXL_CEL_DATA_IMM | CXL_CEL_POLICY_IMM |
		 CXL_CEL_LOG_IMM))
		v->needed = max(v->needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	else if (e & (CXL_CEL_CFG_RESET | CXL_CEL_CFG_CONV_RESET |
		      CXL_CEL_CFG_CXL_RESET))
		v->needed = max(v->needed, FWCTL_RPC_DEBUG_WRITE);
	else
		return -EOPNOTSUPP;
	return 0;
}

/* Commands read from a target whose CEL is not known yet. */
static bool cel_bootstrap(u16 opcode)
{
	return opcode == CXL_OP_IDENTIFY ||
	       opcode == CXL_OP_GET_SUPPORTED_LOGS ||
	       opcode == CXL_OP_GET_LOG;
}

static int judge(const struct cxl_fwctl_policy *pol,
		 const struct cxl_fwctl_target *t, u16 opcode, const u8 *p,
		 size_t len, struct cxl_fwctl_verdict *v, unsigned int depth)
{
	enum fwctl_rpc_scope needed = FWCTL_RPC_CONFIGURATION;
	const struct cxl_fwctl_target *target;
	u32 size, plen;
	const u16 *eff;
	bool fabric;
	u16 inner;
	int ret;
	u8 comp, above;

	if (!t) {
		/* Behind a tunnel, a component that could not be identified. */
		v->opcode = opcode;
		v->depth = depth;
		return -EOPNOTSUPP;
	}
	/*
	 * Behind a tunnel the component is a type-3 unless it says it is a
	 * switch and nothing above it is a type-3 (an LD of a memory device
	 * is one too): a device that reports another type, or none, does
	 * not escape the type-3 rules.
	 */
	above = v->component;
	comp = t->component;
	if (depth && (comp != CXL_COMPONENT_SWITCH ||
		      above == CXL_COMPONENT_TYPE3))
		comp = CXL_COMPONENT_TYPE3;
	v->opcode = opcode;
	v->depth = depth;
	v->effects = 0;
	v->component = comp;
	v->fabric = false;
	/*
	 * A memory device of this kernel being sanitized takes no command on
	 * its own node; nor through a tunnel, whatever the command.
	 */
	if (depth && t->fenced) {
		v->flags |= FWCTL_CXL_COMMAND_KERNEL_OWNED;
		return -EBUSY;
	}
	if (owned_by_type(comp, opcode)) {
		v->flags |= FWCTL_CXL_COMMAND_KERNEL_OWNED;
		return -EBUSY;
	}
	ret = port_busy(pol, t, comp, opcode, p, len, v->path, depth);
	if (!ret && comp == CXL_COMPONENT_SWITCH)
		ret = switch_busy(pol, t, opcode, v->path, depth);
	if (ret) {
		if (ret == -EBUSY)
			v->flags |= FWCTL_CXL_COMMAND_KERNEL_OWNED;
		return ret;
	}
	if (quirk_refused(t, opcode))
		return -EOPNOTSUPP;

	if (!t->cel)
		return depth && cel_bootstrap(opcode) ? 0 : -EOPNOTSUPP;
	eff = cxl_cel_effects(t->cel, opcode);
	if (!eff)
		return -EOPNOTSUPP;
	/*
	 * Through a tunnel nothing waits for a background command or can end
	 * it, and the kernel's own background work (sanitize, a firmware
	 * transfer) would wait behind it: on a type-3 this kernel drives, it
	 * is the kernel's, abortable or not.
	 */
	if (depth && comp == CXL_COMPONENT_TYPE3 &&
	    (*eff & CXL_CEL_BACKGROUND) && tunnel_ours(pol, t, v->path)) {
		v->flags |= FWCTL_CXL_COMMAND_KERNEL_OWNED;
		return -EBUSY;
	}
	v->effects = *eff;
	if (!depth && pol->features) {
		switch (opcode) {
		case CXL_OP_GET_SUPPORTED_FEATURES:
		case CXL_OP_GET_FEATURE:
			return 0;
		case CXL_OP_SET_FEATURE:
			return judge_set_feature(pol, p, len, v);
		}
	}
	fabric = fabric_config(pol, comp, opcode, *eff, depth, above);
	ret = effects_scope(pol, opcode, *eff, fabric, &needed, &v->flags);
	if (ret)
		return ret;
	v->fabric = fabric;
	/*
	 * The kernel's own background work must not wait on it unbounded. On
	 * a memory device's own mailbox the RPC waits for a background
	 * command and aborts it after a bound, so it must be abortable.
	 */
	if (!depth && pol->bg_needs_abort && (*eff & CXL_CEL_BACKGROUND) &&
	    !(*eff & CXL_CEL_ABORT))
		return -EOPNOTSUPP;
	v->needed = max(v->needed, needed);
	if (opcode != CXL_OP_TUNNEL)
		return 0;

	/* Judge what the tunnel carries against its target's CEL. */
	if (depth >= CXL_TUNNEL_MAX_DEPTH)
		return -EOPNOTSUPP;
	if (len < CXL_TUNNEL_HDR + CXL_CCI_MSG_HDR)
		return -EINVAL;
	size = get_unaligned_le16(p + 2);
	if (p[1] != 0 || size != len - CXL_TUNNEL_HDR)
		return -EINVAL;
	v->path[depth] = p[0];
	p += CXL_TUNNEL_HDR;
	/* A request (category 0) whose length field matches what follows. */
	inner = p[3] | p[4] << 8;
	plen = get_unaligned_le32(p + 4) >> 8;
	if ((p[0] & 0xf) != 0 || plen != size - CXL_CCI_MSG_HDR)
		return -EINVAL;
	target = pol->tunnel_target ?
		 pol->tunnel_target(pol->priv, v->path, depth + 1) : NULL;
	return judge(pol, target, inner, p + CXL_CCI_MSG_HDR, plen, v,
		     depth + 1);
}

/* The verdict on a command of @pol->self, from every rule. */
static int judge_in_full(const struct cxl_fwctl_policy *pol, u16 opcode,
			 const void *payload, size_t len,
			 struct cxl_fwctl_verdict *v)
{
	*v = (struct cxl_fwctl_verdict){
		.needed = FWCTL_RPC_CONFIGURATION,
		.component = pol->self.component,
	};
	if (!pol->self.cel)
		return -EOPNOTSUPP;
	return judge(pol, &pol->self, opcode, payload, len, v, 0);
}

/*
 * Whether judge() reads more than @pol->self, its CEL and the policy's
 * fixed fields for a command of @pol->self: the request (a tunnel, a
 * feature command, a port argument) or state that changes (ports in use).
 * Keep in step with judge() and port_busy(); policy_kunit compares the
 * table against judgements in full for every opcode.
 */
static bool judged_by_request(const struct cxl_fwctl_policy *pol, u16 op)
{
	enum cxl_port_arg arg;

	if (op == CXL_OP_TUNNEL)
		return true;
	if (pol->features && (op == CXL_OP_GET_SUPPORTED_FEATURES ||
			      op == CXL_OP_GET_FEATURE ||
			      op == CXL_OP_SET_FEATURE))
		return true;
	if (pol->self.component != CXL_COMPONENT_SWITCH)
		return type3_port_arg(op, 0) != CXL_ARG_NONE;
	arg = switch_port_arg(op);
	return arg != CXL_ARG_NONE || acts_on_switch(op);
}

/**
 * struct cxl_fwctl_fast - verdicts worked out by cxl_fwctl_policy_prepare()
 * @cel: the CEL of the policy's component they were worked out from
 * @cel_id: its &cxl_cel.id
 * @component: the component type they were worked out for
 * @vendor: its vendor ID (quirks)
 * @device: its device ID (quirks)
 * @allow_data_writes: &cxl_fwctl_policy.allow_data_writes then
 * @fabric_manager: &cxl_fwctl_policy.fabric_manager then
 * @bg_needs_abort: &cxl_fwctl_policy.bg_needs_abort then
 * @features: &cxl_fwctl_policy.features then
 * @count: entries of @ent, those of @cel
 * @ent: one per entry of @cel, in its order
 * @ent.v: the verdict
 * @ent.ret: what cxl_fwctl_judge() returns with it
 * @ent.by_request: judged per request: @ent.v and @ent.ret are unset
 */
struct cxl_fwctl_fast {
	const struct cxl_cel *cel;
	u64 cel_id;
	u8 component;
	u16 vendor;
	u16 device;
	bool allow_data_writes;
	bool fabric_manager;
	bool bg_needs_abort;
	bool features;
	u32 count;
	struct {
		struct cxl_fwctl_verdict v;
		int ret;
		bool by_request;
	} ent[] __counted_by(count);
};

/* Whether the fields a table was worked out from are still those of @pol. */
static bool fast_current(const struct cxl_fwctl_policy *pol,
			 const struct cxl_fwctl_fast *fast)
{
	const struct cxl_fwctl_target *t = &pol->self;

	return t->cel == fast->cel && t->cel && t->cel->id == fast->cel_id &&
	       t->component == fast->component && t->vendor == fast->vendor &&
	       t->device == fast->device &&
	       pol->allow_data_writes == fast->allow_data_writes &&
	       pol->fabric_manager == fast->fabric_manager &&
	       pol->bg_needs_abort == fast->bg_needs_abort &&
	       pol->features == fast->features;
}

/**
 * cxl_fwctl_judge() - decide whether and at which scope a command may run
 * @pol: the device's policy inputs
 * @opcode: the command
 * @payload: its input payload (read for tunnels)
 * @len: bytes of @payload
 * @v: the verdict: the scope it needs and qualifiers
 *
 * Return: 0 when the command may run at @v->needed or above; -EOPNOTSUPP
 * when it never runs through fwctl on this device; -EBUSY when the kernel
 * owns it, or the port it acts on; -EINVAL for a malformed tunnel or a
 * payload too short to name its port.
 */
int cxl_fwctl_judge(const struct cxl_fwctl_policy *pol, u16 opcode,
		    const void *payload, size_t len,
		    struct cxl_fwctl_verdict *v)
{
	const struct cxl_fwctl_fast *fast = pol->fast;
	int i;

	if (fast && fast_current(pol, fast)) {
		i = cel_index(pol->self.cel, opcode);
		if (i >= 0 && !fast->ent[i].by_request) {
			*v = fast->ent[i].v;
			return fast->ent[i].ret;
		}
	}
	return judge_in_full(pol, opcode, payload, len, v);
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_judge, "CXL_FWCTL");

/**
 * cxl_fwctl_policy_prepare() - work out the verdicts of a policy's own
 *	commands once
 * @pol: the policy, complete
 *
 * Like seccomp's cache of system calls whose verdict is constant: for each
 * command in @pol->self's CEL that is judged by nothing but the CEL and the
 * fixed fields of @pol (not a tunnel, not a feature command, not a command
 * that names a port), the verdict cxl_fwctl_judge() reaches in full, so it
 * can answer from a table. Every other command, and every command after a
 * field the table was worked out from changed (a new CEL after firmware
 * activation included), is judged in full until this is called again.
 * Replaces the table of an earlier call.
 *
 * Without memory for the table every request is judged in full.
 *
 * Context: before @pol is shared, or with its lock held for writing.
 */
void cxl_fwctl_policy_prepare(struct cxl_fwctl_policy *pol)
{
	const struct cxl_cel *cel = pol->self.cel;
	struct cxl_fwctl_fast *fast;
	unsigned int i;

	cxl_fwctl_policy_release(pol);
	if (!cel)
		return;
	fast = kvzalloc(struct_size(fast, ent, cel->count), GFP_KERNEL);
	if (!fast)
		return;
	fast->count = cel->count;
	fast->cel = cel;
	fast->cel_id = cel->id;
	fast->component = pol->self.component;
	fast->vendor = pol->self.vendor;
	fast->device = pol->self.device;
	fast->allow_data_writes = pol->allow_data_writes;
	fast->fabric_manager = pol->fabric_manager;
	fast->bg_needs_abort = pol->bg_needs_abort;
	fast->features = pol->features;
	for (i = 0; i < cel->count; i++) {
		u16 op = cel->ent[i].opcode;

		fast->ent[i].by_request = judged_by_request(pol, op);
		if (!fast->ent[i].by_request)
			fast->ent[i].ret = judge_in_full(pol, op, NULL, 0,
							 &fast->ent[i].v);
	}
	pol->fast = fast;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_policy_prepare, "CXL_FWCTL");

/**
 * cxl_fwctl_policy_release() - free what cxl_fwctl_policy_prepare() made
 * @pol: the policy
 *
 * Context: as cxl_fwctl_policy_prepare().
 */
void cxl_fwctl_policy_release(struct cxl_fwctl_policy *pol)
{
	kvfree(pol->fast);
	pol->fast = NULL;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_policy_release, "CXL_FWCTL");

/*
 * A feature command in the commands list: Set Feature is listed with the
 * lowest scope any of the device's features allows, refused when none may
 * be set; each request is judged by the feature it names.
 */
static void feature_cmd_scope(const struct cxl_fwctl_policy *pol, u16 op,
			      enum fwctl_rpc_scope *needed, u32 *flags)
{
	struct cxl_fwctl_verdict v;
	u8 hdr[CXL_SET_FEATURE_HDR] = {};
	bool any = false;
	unsigned int i;

	if (op != CXL_OP_SET_FEATURE)
		return;
	for (i = 0; i < pol->nr_feats; i++) {
		v = (struct cxl_fwctl_verdict){ .needed = FWCTL_RPC_CONFIGURATION };
		memcpy(hdr, pol->feats[i].uuid, sizeof(pol->feats[i].uuid));
		if (judge_set_feature(pol, hdr, sizeof(hdr), &v))
			continue;
		*needed = any ? min(*needed, v.needed) : v.needed;
		any = true;
	}
	if (!any)
		*flags |= FWCTL_CXL_COMMAND_REFUSED;
}

/**
 * cxl_fwctl_commands() - every command of the device and the scope it needs
 * @pol: the device's policy inputs
 * @count: entries returned
 *
 * The answer to FWCTL_CXL_QUERY_COMMANDS: each CEL entry judged by its own
 * effects (a tunnel's by the tunnel's; what it carries is judged per
 * request). A command that acts on a port, or on the whole switch, is
 * listed with the scope its effects need, or that
 * &cxl_fwctl_policy.fabric_manager gives it; each request is refused while
 * its port, or any port of the switch, is in use.
 *
 * Return: a kvmalloc()ed array, or an ERR_PTR.
 */
struct fwctl_cxl_command *cxl_fwctl_commands(const struct cxl_fwctl_policy *pol,
					     size_t *count)
{
	const struct cxl_fwctl_target *self = &pol->self;
	unsigned int n = self->cel ? self->cel->count : 0, i;
	struct fwctl_cxl_command *cmds;

	cmds = kvcalloc(n ?: 1, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < n; i++) {
		u16 op = self->cel->ent[i].opcode;
		enum fwctl_rpc_scope needed = FWCTL_RPC_CONFIGURATION;
		u32 flags = 0;

		if (owned_by_type(self->component, op) ||
		    (self->component == CXL_COMPONENT_TYPE3 &&
		     type3_port_arg(op, 0) != CXL_ARG_NONE))
			flags |= FWCTL_CXL_COMMAND_KERNEL_OWNED |
				 FWCTL_CXL_COMMAND_REFUSED;
		else if (quirk_refused(self, op) ||
			 (op == CXL_OP_TUNNEL && !pol->tunnel_target))
			flags |= FWCTL_CXL_COMMAND_REFUSED;
		else if (pol->features && op >= CXL_OP_GET_SUPPORTED_FEATURES &&
			 op <= CXL_OP_SET_FEATURE)
			feature_cmd_scope(pol, op, &needed, &flags);
		else if (effects_scope(pol, op, self->cel->ent[i].effects,
				       fabric_config(pol, self->component, op,
						     self->cel->ent[i].effects,
						     0, self->component),
				       &needed, &flags))
			flags |= FWCTL_CXL_COMMAND_REFUSED;
		cmds[i] = (struct fwctl_cxl_command){
			.opcode = op,
			.scope = needed,
			.flags = flags,
		};
	}
	*count = n;
	return cmds;
}
EXPORT_SYMBOL_NS_GPL(cxl_fwctl_commands, "CXL_FWCTL");

struct cxl_tunnel_target {
	struct list_head entry;
	u8 path[CXL_TUNNEL_MAX_DEPTH];
	unsigned int depth;
	u8 port_key[3];
	bool fw_known;
	u8 fw[CXL_FW_KEY_LEN];
	struct cxl_fwctl_target t;
	struct cxl_cel *cel;
};

/**
 * cxl_tunnel_cache_init() - set up an empty tunnel target cache
 * @tc: the cache
 * @port_key: how to learn the state of a first-level port
 * @identify: how to read the identity of a tunnel target
 * @fw_key: how to read what firmware a tunnel target runs
 * @read_cel: how to read the CEL of a tunnel target
 * @priv: argument of the callbacks
 */
void cxl_tunnel_cache_init(struct cxl_tunnel_cache *tc,
			   int (*port_key)(void *priv, u8 port, u8 key[3]),
			   int (*identify)(void *priv, const u8 *path,
					   unsigned int depth,
					   struct cxl_fwctl_target *t),
			   int (*fw_key)(void *priv, const u8 *path,
					 unsigned int depth,
					 u8 key[CXL_FW_KEY_LEN]),
			   int (*read_cel)(void *priv, const u8 *path,
					   unsigned int depth,
					   struct cxl_cel **celp),
			   void *priv)
{
	mutex_init(&tc->lock);
	INIT_LIST_HEAD(&tc->targets);
	tc->nr = 0;
	tc->port_key = port_key;
	tc->identify = identify;
	tc->fw_key = fw_key;
	tc->read_cel = read_cel;
	tc->fenced = NULL;
	tc->priv = priv;
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_init, "CXL_FWCTL");

/**
 * cxl_tunnel_cache_drop() - forget every cached target
 * @tc: the cache, its lock held
 *
 * For events after which no cached answer can be trusted: a firmware
 * activation or a change of port state or binding accepted through fwctl.
 */
void cxl_tunnel_cache_drop(struct cxl_tunnel_cache *tc)
{
	struct cxl_tunnel_target *t, *tmp;

	list_for_each_entry_safe(t, tmp, &tc->targets, entry) {
		list_del(&t->entry);
		kvfree(t->cel);
		kfree(t);
	}
	tc->nr = 0;
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_drop, "CXL_FWCTL");

/**
 * cxl_tunnel_cache_destroy() - free every cached CEL
 * @tc: the cache
 */
void cxl_tunnel_cache_destroy(struct cxl_tunnel_cache *tc)
{
	cxl_tunnel_cache_drop(tc);
	mutex_destroy(&tc->lock);
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_destroy, "CXL_FWCTL");

static bool same_identity(const struct cxl_fwctl_target *a,
			  const struct cxl_fwctl_target *b)
{
	return a->component == b->component && a->vendor == b->vendor &&
	       a->device == b->device && a->serial == b->serial;
}

/**
 * cxl_tunnel_cache_get() - the component behind a tunnel path
 * @tc: the cache, its lock held
 * @path: port or LD ID of each level
 * @depth: levels in @path
 *
 * Reads the state of the first port, the identity of the target (Identify
 * through the tunnel) and what it says it runs (Get FW Info) every time; the
 * CEL is read the first time and again whenever any of them changed:
 * another device of the same type with another serial number, a link that
 * went down and up, new firmware activated by whoever (this kernel through
 * another driver, another host, a BMC). A target that cannot say what it
 * runs has its CEL read for every judgement. An unreadable CEL is
 * remembered as such until a change, unless the read ran out of time or
 * its caller was killed. The cache holds at most
 * %CXL_TUNNEL_CACHE_MAX targets and starts over when full. A component
 * &cxl_tunnel_cache.fenced names is asked nothing past Identify and is
 * returned marked fenced, without a CEL, uncached.
 *
 * Return: the target, valid while the lock is held, or NULL when it cannot
 * be identified.
 */
const struct cxl_fwctl_target *
cxl_tunnel_cache_get(struct cxl_tunnel_cache *tc, const u8 *path,
		     unsigned int depth)
{
	struct cxl_fwctl_target id = {};
	struct cxl_tunnel_target *t;
	u8 key[3], fw[CXL_FW_KEY_LEN];
	bool fw_known;
	int ret;

	lockdep_assert_held(&tc->lock);
	if (!depth || depth > CXL_TUNNEL_MAX_DEPTH ||
	    tc->port_key(tc->priv, path[0], key) ||
	    tc->identify(tc->priv, path, depth, &id))
		return NULL;
	/* The switch's word that a type-3 sits on the port counts too. */
	if (key[1] == 4 || key[1] == 5)
		id.component = CXL_COMPONENT_TYPE3;
	/* The policy refuses it whatever it runs: ask it nothing more. */
	if (tc->fenced && tc->fenced(tc->priv, &id)) {
		tc->scratch = id;
		tc->scratch.fenced = true;
		return &tc->scratch;
	}
	fw_known = tc->fw_key && !tc->fw_key(tc->priv, path, depth, fw);

	list_for_each_entry(t, &tc->targets, entry) {
		if (t->depth != depth || memcmp(t->path, path, depth))
			continue;
		if (!memcmp(t->port_key, key, sizeof(key)) &&
		    same_identity(&t->t, &id) && fw_known && t->fw_known &&
		    !memcmp(t->fw, fw, sizeof(fw)))
			return &t->t;
		kvfree(t->cel);
		t->cel = NULL;
		goto read;
	}
	if (tc->nr >= CXL_TUNNEL_CACHE_MAX)
		cxl_tunnel_cache_drop(tc);
	t = kzalloc_obj(*t, GFP_KERNEL);
	if (!t)
		return NULL;
	memcpy(t->path, path, depth);
	t->depth = depth;
	list_add(&t->entry, &tc->targets);
	tc->nr++;
read:
	memcpy(t->port_key, key, sizeof(key));
	t->fw_known = fw_known;
	if (fw_known)
		memcpy(t->fw, fw, sizeof(fw));
	ret = tc->read_cel(tc->priv, path, depth, &t->cel);
	if (ret) {
		t->cel = NULL;
		/*
		 * A read cut short by a kill or by its time budget, or
		 * answered "busy" or "retry", learnt nothing of the device:
		 * read again next time.
		 */
		if (ret == -ETIMEDOUT || ret == -EBUSY || ret == -EAGAIN ||
		    fatal_signal_pending(current))
			t->fw_known = false;
	}
	t->t = id;
	t->t.cel = t->cel;
	return &t->t;
}
EXPORT_SYMBOL_NS_GPL(cxl_tunnel_cache_get, "CXL_FWCTL");

MODULE_DESCRIPTION("CXL fwctl command policy and mailbox RPC");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS("PCI_MMPT");
