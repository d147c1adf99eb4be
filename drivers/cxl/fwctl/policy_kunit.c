// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the CXL command policy: CEL parsing and every rule that
 * maps a command to a scope, through tunnels too; and reading a CEL larger
 * than the payload area from a software mailbox.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/fwctl-compat.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "../cxlmem.h"
#include "cxl_fwctl.h"

MODULE_IMPORT_NS("CXL_FWCTL");
MODULE_IMPORT_NS("PCI_MMPT");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);

static struct cxl_cel *cel_of(struct kunit *test, const u16 *pairs,
			      unsigned int n)
{
	u8 *raw = kunit_kzalloc(test, 4 * n + 1, GFP_KERNEL);
	struct cxl_cel *cel;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, raw);
	for (i = 0; i < n; i++) {
		put_unaligned_le16(pairs[2 * i], raw + 4 * i);
		put_unaligned_le16(pairs[2 * i + 1], raw + 4 * i + 2);
	}
	KUNIT_ASSERT_EQ(test, cxl_cel_parse(raw, 4 * n, &cel), 0);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, kvfree_action, cel), 0);
	return cel;
}

/* A switch none of whose ports leads to this kernel. */
static bool switch_free(void *priv)
{
	return false;
}

/* QEMU 10.0's switch CCI log, unsorted on purpose. */
static const u16 switch_cel[] = {
	0x5300, 0, 0x0001, 0, 0x0002, 0, 0x0300, 0, 0x0301, 0x08,
	0x0400, 0, 0x0401, 0, 0x5100, 0, 0x5101, 0,
};

static void cel_parse_valid(struct kunit *test)
{
	struct cxl_cel *cel = cel_of(test, switch_cel, 9);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, cel->count, 9);
	KUNIT_EXPECT_EQ(test, cel->duplicates, 0);
	for (i = 1; i < cel->count; i++)
		KUNIT_EXPECT_LT(test, cel->ent[i - 1].opcode, cel->ent[i].opcode);
	KUNIT_ASSERT_NOT_NULL(test, cxl_cel_effects(cel, 0x0301));
	KUNIT_EXPECT_EQ(test, *cxl_cel_effects(cel, 0x0301), 0x08);
	KUNIT_EXPECT_NOT_NULL(test, cxl_cel_effects(cel, 0x0001));
	KUNIT_EXPECT_NOT_NULL(test, cxl_cel_effects(cel, 0x5300));
	KUNIT_EXPECT_NULL(test, cxl_cel_effects(cel, 0x4000));
	KUNIT_EXPECT_NULL(test, cxl_cel_effects(cel, 0xffff));
}

static void cel_parse_bad(struct kunit *test)
{
	static const u16 dup[] = { 0x0001, 0x0000, 0x4400, 0x0004,
				   0x0001, 0x0002, 0x4400, 0x0020 };
	size_t big = (CXL_CEL_MAX_ENTRIES + 1) * 4;
	struct cxl_cel *cel = NULL;
	u8 *raw;

	raw = kunit_kzalloc(test, big, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	/* Not whole entries. */
	KUNIT_EXPECT_EQ(test, cxl_cel_parse(raw, 6, &cel), -EINVAL);
	KUNIT_EXPECT_EQ(test, cxl_cel_parse(raw, 3, &cel), -EINVAL);
	/* More entries than there are opcodes. */
	KUNIT_EXPECT_EQ(test, cxl_cel_parse(raw, big, &cel), -E2BIG);
	KUNIT_EXPECT_NULL(test, cel);
	/* Empty is a valid log: the device has no command. */
	KUNIT_ASSERT_EQ(test, cxl_cel_parse(raw, 0, &cel), 0);
	KUNIT_EXPECT_EQ(test, cel->count, 0);
	KUNIT_EXPECT_NULL(test, cxl_cel_effects(cel, 0x0001));
	kvfree(cel);

	/* Duplicates: merged, the union of effects judged. */
	cel = cel_of(test, dup, 4);
	KUNIT_EXPECT_EQ(test, cel->count, 2);
	KUNIT_EXPECT_EQ(test, cel->duplicates, 2);
	KUNIT_EXPECT_EQ(test, *cxl_cel_effects(cel, 0x0001), 0x0002);
	KUNIT_EXPECT_EQ(test, *cxl_cel_effects(cel, 0x4400), 0x0024);
}

/* --- effects to scope -------------------------------------------------- */

struct effects_case {
	const char *what;
	u16 opcode;
	u16 effects;
	bool bmc;
	int err;
	enum fwctl_rpc_scope needed;
};

static const struct effects_case effects_cases[] = {
	{ "no effects", 0x0001, 0, false, 0, FWCTL_RPC_CONFIGURATION },
	{ "background only", 0x4304, 0x0040, false, 0, FWCTL_RPC_DEBUG_WRITE },
	{ "firmware, background", 0x0201, 0x0040, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "firmware, no effects", 0x0202, 0, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "firmware info", 0x0200, 0, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "last firmware opcode", 0x02ff, 0, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "after the firmware set", 0x0300, 0, false, 0, FWCTL_RPC_CONFIGURATION },
	{ "config after cold reset", 0x4000, 0x0001, false, 0, FWCTL_RPC_DEBUG_WRITE },
	{ "config after conventional reset", 0x4000, 0x0600, false, 0, FWCTL_RPC_DEBUG_WRITE },
	{ "config after CXL reset", 0x4000, 0x0a00, false, 0, FWCTL_RPC_DEBUG_WRITE },
	{ "immediate config", 0x0103, 0x0002, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "immediate policy", 0x0301, 0x0008, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "immediate log", 0x0101, 0x0010, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "reset and immediate config", 0x4000, 0x0003, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "immediate data", 0x4103, 0x0006, false, -EOPNOTSUPP, 0 },
	{ "security", 0x4500, 0x0020, false, -EOPNOTSUPP, 0 },
	{ "sanitize", 0x4400, 0x0064, false, -EOPNOTSUPP, 0 },
	{ "immediate data, BMC", 0x4103, 0x0006, true, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "security, BMC", 0x4500, 0x0020, true, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "reserved bits", 0x0001, 0x1000, false, -EOPNOTSUPP, 0 },
	{ "abort and secondary only", 0x0001, 0x0180, false, 0, FWCTL_RPC_CONFIGURATION },
	{ "vendor, no effects claimed", 0xc000, 0, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "vendor, data effects", 0xffff, 0x0004, false, -EOPNOTSUPP, 0 },
	{ "vendor, data effects, BMC", 0xffff, 0x0004, true, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "vendor, reserved effects", 0xc000, 0x2000, false, -EOPNOTSUPP, 0 },
	{ "FM-API write not listed, no effects", 0x5700, 0, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "FM-API multi-headed write", 0x5502, 0, false, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "FM-API read", 0x5400, 0, false, 0, FWCTL_RPC_CONFIGURATION },
	{ "FM-API DC extent read", 0x5603, 0, false, 0, FWCTL_RPC_CONFIGURATION },
	{ "abort background", 0x0005, 0, false, 0, FWCTL_RPC_DEBUG_WRITE },
	{ "set response limit", 0x0004, 0, false, -EBUSY, 0 },
	{ "last standard opcode", 0xbfff, 0, false, 0, FWCTL_RPC_CONFIGURATION },
};

static void effects_desc(const struct effects_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(effects, effects_cases, effects_desc);

static void policy_effects(struct kunit *test)
{
	const struct effects_case *c = test->param_value;
	u16 pair[2] = { c->opcode, c->effects };
	struct cxl_fwctl_policy pol = {
		.self.cel = cel_of(test, pair, 1),
		.allow_data_writes = c->bmc,
		.switch_in_use = switch_free,
	};
	struct cxl_fwctl_verdict v;

	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, c->opcode, NULL, 0, &v),
			c->err);
	if (!c->err) {
		KUNIT_EXPECT_EQ(test, v.needed, c->needed);
		KUNIT_EXPECT_EQ(test, v.opcode, c->opcode);
		KUNIT_EXPECT_EQ(test, v.effects, c->effects);
	}
}

static void policy_not_in_cel(struct kunit *test)
{
	struct cxl_fwctl_policy pol = {
		.self.cel = cel_of(test, switch_cel, 9),
		.switch_in_use = switch_free,
	};
	struct cxl_fwctl_verdict v;

	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4000, NULL, 0, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0xc000, NULL, 0, &v),
			-EOPNOTSUPP);
	/* No CEL at all: nothing runs. */
	pol.self.cel = NULL;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v),
			-EOPNOTSUPP);
}

/* Every opcode the kernel keeps on a type-3, each listed with no effects. */
static const u16 type3_owned[] = {
	0x0101, 0x0103, 0x0201, 0x0202, 0x4101, 0x4103, 0x4204, 0x4300,
	0x4301, 0x4302, 0x4304, 0x4305, 0x4400, 0x4401, 0x4402, 0x44ff,
	0x4500, 0x4505, 0x45ff, 0x4600, 0x4601, 0x46ff,
};

/* Opcodes next to them that stay the CEL's to judge. */
static const u16 type3_free[] = {
	0x0100, 0x0102, 0x4100, 0x4102, 0x4200, 0x4303, 0x4306, 0x43ff,
	0x4700,
};

/* Background only, and background that the device can abort. */
static const u16 bg_cel[] = { 0x0600, 0x0040, 0x0601, 0x0140 };

static void policy_kernel_owned_and_quirks(struct kunit *test)
{
	u16 pairs[2 * (ARRAY_SIZE(type3_owned) + ARRAY_SIZE(type3_free))];
	struct cxl_fwctl_policy pol = {
		.self.component = CXL_COMPONENT_TYPE3,
		.allow_data_writes = true,
	};
	struct fwctl_cxl_command *cmds;
	struct cxl_fwctl_verdict v;
	size_t count, i, n = 0;

	for (i = 0; i < ARRAY_SIZE(type3_owned); i++) {
		pairs[2 * n] = type3_owned[i];
		pairs[2 * n++ + 1] = 0;
	}
	for (i = 0; i < ARRAY_SIZE(type3_free); i++) {
		pairs[2 * n] = type3_free[i];
		pairs[2 * n++ + 1] = 0;
	}
	pol.self.cel = cel_of(test, pairs, n);

	/* Kernel-owned on a type-3, whatever the CEL claims: EBUSY. */
	for (i = 0; i < ARRAY_SIZE(type3_owned); i++) {
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, type3_owned[i],
							  NULL, 0, &v),
				    -EBUSY, "opcode %#x", type3_owned[i]);
		KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
	}
	for (i = 0; i < ARRAY_SIZE(type3_free); i++)
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, type3_free[i],
							  NULL, 0, &v),
				    0, "opcode %#x", type3_free[i]);

	/* The command list says the same. */
	cmds = cxl_fwctl_commands(&pol, &count);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cmds));
	KUNIT_EXPECT_EQ(test, count, n);
	for (i = 0; i < count; i++) {
		bool owned = false;
		size_t j;

		for (j = 0; j < ARRAY_SIZE(type3_owned); j++)
			owned |= cmds[i].opcode == type3_owned[j];
		KUNIT_EXPECT_EQ_MSG(test, cmds[i].flags,
				    owned ? FWCTL_CXL_COMMAND_KERNEL_OWNED |
					    FWCTL_CXL_COMMAND_REFUSED : 0,
				    "opcode %#x", cmds[i].opcode);
	}
	kvfree(cmds);

	/*
	 * A background command on a memory device's own mailbox: only one the
	 * device can abort, so the kernel's sanitize never waits unbounded.
	 */
	pol.bg_needs_abort = true;
	pol.self.cel = cel_of(test, bg_cel, 2);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0600, NULL, 0, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0601, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE);
	pol.bg_needs_abort = false;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0600, NULL, 0, &v), 0);
	pol.self.cel = cel_of(test, pairs, n);

	/* The same opcodes on a switch are the CEL's to judge. */
	pol.self.component = CXL_COMPONENT_SWITCH;
	pol.switch_in_use = switch_free;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4400, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0201, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);

	/* QEMU's switch: never Get or Set Timestamp. */
	pol.self.cel = cel_of(test, switch_cel, 9);
	pol.self.vendor = 0x19e5;
	pol.self.device = 0xa128;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0300, NULL, 0, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0301, NULL, 0, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0400, NULL, 0, &v), 0);
	/*
	 * Whatever type the component is judged as: the port state may say
	 * a type-3 sits where QEMU's switch answers.
	 */
	pol.self.component = CXL_COMPONENT_TYPE3;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0300, NULL, 0, &v),
			-EOPNOTSUPP);
	pol.self.component = CXL_COMPONENT_SWITCH;
	/* Another switch may. */
	pol.self.device = 0xa129;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0300, NULL, 0, &v), 0);
}

/* A switch with a port in use and one that is not. */
struct port_env {
	u8 busy_port;
	bool vppb_busy;
	unsigned int port_calls;
	u8 last_port;
};

static bool env_port_in_use(void *priv, u8 port)
{
	struct port_env *env = priv;

	env->port_calls++;
	env->last_port = port;
	return port == env->busy_port;
}

static bool env_vppb_in_use(void *priv, u8 vcs, u8 vppb)
{
	struct port_env *env = priv;

	return env->vppb_busy;
}

static const u16 fm_cel[] = {
	0x5100, 0, 0x5101, 0, 0x5102, 0x0002, 0x5103, 0x0002,
	0x5200, 0, 0x5201, 0x0002, 0x5202, 0x0002, 0x5203, 0x0010,
	0x5301, 0x0002, 0x5302, 0x0004,
};

static const u16 mld_cel[] = { 0x5402, 0, 0x5604, 0 };

static void policy_ports(struct kunit *test)
{
	static const u16 port_ops[] = { 0x5102, 0x5103, 0x5301, 0x5302 };
	struct port_env env = { .busy_port = 0 };
	struct cxl_fwctl_policy pol = {
		.self.cel = cel_of(test, fm_cel, 10),
		.port_in_use = env_port_in_use,
		.vppb_in_use = env_vppb_in_use,
		.allow_data_writes = true,
		.priv = &env,
	};
	struct cxl_fwctl_verdict v;
	u8 in[8] = {};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(port_ops); i++) {
		/* Port 0 leads to this kernel's devices. */
		in[0] = 0;
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, port_ops[i], in,
							  2, &v),
				    -EBUSY, "opcode %#x", port_ops[i]);
		KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
		/* Port 3 does not: its effects decide. */
		in[0] = 3;
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, port_ops[i], in,
							  2, &v),
				    0, "opcode %#x", port_ops[i]);
		KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
		KUNIT_EXPECT_EQ(test, env.last_port, 3);
		/* No port named: malformed. */
		KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, port_ops[i], in, 0,
						      &v), -EINVAL);
	}

	/* Bind vPPB: the vPPB and the port it binds must both be free. */
	in[0] = 0;	/* VCS */
	in[1] = 1;	/* vPPB */
	in[2] = 0;	/* physical port in use */
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5201, in, 6, &v), -EBUSY);
	in[2] = 4;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5201, in, 6, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5201, in, 2, &v), -EINVAL);
	env.vppb_busy = true;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5201, in, 6, &v), -EBUSY);
	/* Unbind and AER name a vPPB only. */
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5202, in, 3, &v), -EBUSY);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5203, in, 2, &v), -EBUSY);
	env.vppb_busy = false;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5202, in, 3, &v), 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5203, in, 2, &v), 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5203, in, 1, &v), -EINVAL);

	/* Reads name no port. */
	env.port_calls = 0;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5101, in, 2, &v), 0);
	KUNIT_EXPECT_EQ(test, env.port_calls, 0);

	/* Without a way to tell, every port is in use. */
	pol.port_in_use = NULL;
	pol.vppb_in_use = NULL;
	in[0] = 3;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5102, in, 2, &v), -EBUSY);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5202, in, 3, &v), -EBUSY);

	/* A memory device's own mailbox: FM commands on it are the kernel's. */
	pol.self.component = CXL_COMPONENT_TYPE3;
	pol.self.cel = cel_of(test, mld_cel, 2);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5402, in, 2, &v), -EBUSY);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5604, in, 2, &v), -EBUSY);
}

static void policy_commands_scopes(struct kunit *test)
{
	struct cxl_fwctl_policy pol = { .self.cel = cel_of(test, switch_cel, 9) };
	struct fwctl_cxl_command *cmds;
	size_t count, i;
	bool seen = false;

	cmds = cxl_fwctl_commands(&pol, &count);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cmds));
	KUNIT_EXPECT_EQ(test, count, 9);
	for (i = 0; i < count; i++) {
		/* No way to judge what a tunnel carries: listed refused. */
		if (cmds[i].opcode == 0x5300) {
			KUNIT_EXPECT_EQ(test, cmds[i].flags,
					FWCTL_CXL_COMMAND_REFUSED);
			continue;
		}
		if (cmds[i].opcode != 0x0301) {
			KUNIT_EXPECT_EQ(test, cmds[i].scope,
					FWCTL_RPC_CONFIGURATION);
			KUNIT_EXPECT_EQ(test, cmds[i].flags, 0);
			continue;
		}
		seen = true;
		KUNIT_EXPECT_EQ(test, cmds[i].scope, FWCTL_RPC_DEBUG_WRITE_FULL);
		KUNIT_EXPECT_EQ(test, cmds[i].flags, 0);
	}
	KUNIT_EXPECT_TRUE(test, seen);
	kvfree(cmds);
}

/* --- features ---------------------------------------------------------- */

static const u16 memdev_cel[] = {
	0x0500, 0, 0x0501, 0, 0x0502, 0x3e, 0x4000, 0,
};

/* Five features: uuid[0] names each; what Set Feature of each needs. */
static const struct cxl_feature feats[] = {
	{ .uuid = { 1 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0202 },
	{ .uuid = { 2 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0001 },
	{ .uuid = { 3 }, .flags = 0, .set_effects = 0 },
	{ .uuid = { 4 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x1000 },
	{ .uuid = { 5 }, .flags = CXL_FEATURE_CHANGEABLE, .kernel_owned = true },
	{ .uuid = { 6 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0004 },
	{ .uuid = { 7 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0 },
	{ .uuid = { 8 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0042 },
	{ .uuid = { 9 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0020 },
	{ .uuid = { 10 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0001 },
	{ .uuid = { 10 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0002 },
	{ .uuid = { 11 }, .flags = CXL_FEATURE_CHANGEABLE, .set_effects = 0x0001 },
	{ .uuid = { 11 }, .flags = 0, .set_effects = 0x0001 },
};

static int judge_set(const struct cxl_fwctl_policy *pol, u8 which,
		     size_t len, struct cxl_fwctl_verdict *v)
{
	u8 in[CXL_SET_FEATURE_HDR + 4] = { which };

	return cxl_fwctl_judge(pol, CXL_OP_SET_FEATURE, in, len, v);
}

static void policy_features(struct kunit *test)
{
	struct cxl_fwctl_policy pol = {
		.self.cel = cel_of(test, memdev_cel, 4),
		.self.component = CXL_COMPONENT_TYPE3,
		.features = true,
		.feats = feats,
		.nr_feats = ARRAY_SIZE(feats),
	};
	struct cxl_fwctl_verdict v;

	/* Reads at CONFIGURATION, whatever the CEL says. */
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_GET_SUPPORTED_FEATURES,
					      NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_CONFIGURATION);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_GET_FEATURE, NULL, 0,
					      &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_CONFIGURATION);

	/* Immediate config change: full scope. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 1, CXL_SET_FEATURE_HDR + 2, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	KUNIT_EXPECT_EQ(test, v.effects, 0x0202);
	/* Only after a reset: DEBUG_WRITE. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 2, CXL_SET_FEATURE_HDR, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE);
	/* Immediate data change follows the feature too (mainline does). */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 6, CXL_SET_FEATURE_HDR, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	/* Not changeable, reserved effects, unknown: refused. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 3, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 4, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 99, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	/* Mainline's rules: no effects, background, security alone: refused. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 7, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 8, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 9, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	/* Listed twice: the stricter reading of both entries. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 10, CXL_SET_FEATURE_HDR, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 11, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
	/* The kernel's own feature. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 5, CXL_SET_FEATURE_HDR, &v), -EBUSY);
	KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
	/* No room for the header. */
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 1, CXL_SET_FEATURE_HDR - 1, &v),
			-EINVAL);

	/* Without the feature table the CEL's effects decide: data, refused. */
	pol.features = false;
	KUNIT_EXPECT_EQ(test, judge_set(&pol, 1, CXL_SET_FEATURE_HDR, &v),
			-EOPNOTSUPP);
}

static void policy_features_commands(struct kunit *test)
{
	struct cxl_fwctl_policy pol = {
		.self.cel = cel_of(test, memdev_cel, 4),
		.self.component = CXL_COMPONENT_TYPE3,
		.features = true,
		.feats = feats,
		.nr_feats = ARRAY_SIZE(feats),
	};
	struct fwctl_cxl_command *cmds;
	size_t count, i;
	unsigned int seen = 0;

	cmds = cxl_fwctl_commands(&pol, &count);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cmds));
	for (i = 0; i < count; i++) {
		if (cmds[i].opcode == CXL_OP_SET_FEATURE) {
			/* The lowest any feature allows. */
			KUNIT_EXPECT_EQ(test, cmds[i].scope, FWCTL_RPC_DEBUG_WRITE);
			KUNIT_EXPECT_EQ(test, cmds[i].flags, 0);
			seen++;
		} else if (cmds[i].opcode == CXL_OP_GET_FEATURE) {
			KUNIT_EXPECT_EQ(test, cmds[i].scope, FWCTL_RPC_CONFIGURATION);
			seen++;
		}
	}
	KUNIT_EXPECT_EQ(test, seen, 2);
	kvfree(cmds);

	/* No feature may be set: Set Feature is listed as refused. */
	pol.feats = &feats[2];
	pol.nr_feats = 1;
	cmds = cxl_fwctl_commands(&pol, &count);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cmds));
	for (i = 0; i < count; i++)
		if (cmds[i].opcode == CXL_OP_SET_FEATURE)
			KUNIT_EXPECT_TRUE(test, cmds[i].flags & FWCTL_CXL_COMMAND_REFUSED);
	kvfree(cmds);
}

/* --- tunnels ----------------------------------------------------------- */

struct tunnel_env {
	struct cxl_fwctl_target targets[2];	/* at depth 1 and 2 */
	bool unknown[2];			/* not identified */
	u8 path[CXL_TUNNEL_MAX_DEPTH];
	unsigned int calls;
	unsigned int last_depth;
	u8 busy_port;
};

static const struct cxl_fwctl_target *env_target(void *priv, const u8 *path,
						 unsigned int depth)
{
	struct tunnel_env *env = priv;

	env->calls++;
	env->last_depth = depth;
	memcpy(env->path, path, depth);
	return env->unknown[depth - 1] ? NULL : &env->targets[depth - 1];
}

static bool env_tunnel_port_in_use(void *priv, u8 port)
{
	struct tunnel_env *env = priv;

	return port == env->busy_port;
}

/* A tunnel payload to port, carrying opcode with plen payload bytes. */
static size_t tunnel(u8 *buf, u8 port, u16 opcode, const u8 *payload,
		     size_t plen)
{
	u8 *msg = buf + 4;

	buf[0] = port;
	buf[1] = 0;
	put_unaligned_le16(12 + plen, buf + 2);
	memset(msg, 0, 12);
	msg[3] = opcode & 0xff;
	msg[4] = opcode >> 8;
	put_unaligned_le16(plen, msg + 5);
	msg[7] = plen >> 16;
	memcpy(msg + 12, payload, plen);
	return 16 + plen;
}

static const u16 type3_ld_cel[] = {
	0x0001, 0, 0x0300, 0, 0x0301, 0x08, 0x0400, 0, 0x0401, 0, 0x5300, 0,
};

static const u16 type3_cel[] = {
	0x0001, 0, 0x0400, 0, 0x0401, 0, 0x4400, 0x64, 0x0502, 0x3e,
};

/* The switch's policy, its tunnel targets answered by env. */
static struct cxl_fwctl_policy tunnel_policy(struct kunit *test,
					     struct tunnel_env *env)
{
	env->busy_port = 0xff;
	return (struct cxl_fwctl_policy){
		.self.cel = cel_of(test, switch_cel, 9),
		.tunnel_target = env_target,
		.port_in_use = env_tunnel_port_in_use,
		.priv = env,
	};
}

static void policy_tunnel(struct kunit *test)
{
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = tunnel_policy(test, &env);
	struct cxl_fwctl_verdict v;
	u8 buf[64], getlog[0x18] = {};
	size_t len;

	env.targets[0].cel = cel_of(test, type3_ld_cel, 6);
	len = tunnel(buf, 1, 0x0001, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_CONFIGURATION);
	KUNIT_EXPECT_EQ(test, v.opcode, 0x0001);
	KUNIT_EXPECT_EQ(test, v.depth, 1);
	KUNIT_EXPECT_EQ(test, env.path[0], 1);

	/* The tunnelled command's effects decide. */
	len = tunnel(buf, 0, 0x0301, (u8 *)"12345678", 8);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	len = tunnel(buf, 0, 0x4000, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v),
			-EOPNOTSUPP);

	/* Target CEL unreadable: only Identify and log reads. */
	env.targets[0].cel = NULL;
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), 0);
	len = tunnel(buf, 0, 0x0401, getlog, sizeof(getlog));
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), 0);
	len = tunnel(buf, 0, 0x0300, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v),
			-EOPNOTSUPP);

	/* A target that cannot be identified: nothing, not even Identify. */
	env.unknown[0] = true;
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v),
			-EOPNOTSUPP);
}

static void policy_tunnel_malformed(struct kunit *test)
{
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = tunnel_policy(test, &env);
	struct cxl_fwctl_verdict v;
	u8 buf[64];
	size_t len;

	env.targets[0].cel = cel_of(test, type3_ld_cel, 6);
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	/* Truncated: shorter than the two headers. */
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, 15, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, 0, &v), -EINVAL);
	/* Command size disagrees with what follows (oversized claim). */
	put_unaligned_le16(0xffff, buf + 2);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), -EINVAL);
	/* Extra bytes after the message. */
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len + 4, &v),
			-EINVAL);
	/* The message's own length field lies. */
	buf[4 + 5] = 1;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), -EINVAL);
	/* Background bit in the length field. */
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	buf[4 + 7] = 0x80;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), -EINVAL);
	/* A response, not a request. */
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	buf[4] = 1;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), -EINVAL);
	/* Target type other than port/LD. */
	len = tunnel(buf, 0, 0x0001, NULL, 0);
	buf[1] = 1;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, buf, len, &v), -EINVAL);
	/* None of these reached the target's CEL. */
	KUNIT_EXPECT_EQ(test, env.calls, 0);
}

static void policy_tunnel_nested(struct kunit *test)
{
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = tunnel_policy(test, &env);
	struct cxl_fwctl_verdict v;
	u8 inner[64], mid[96], outer[128];
	size_t ilen, mlen, olen;

	env.targets[0].cel = cel_of(test, type3_ld_cel, 6);
	env.targets[1].cel = cel_of(test, type3_cel, 5);

	/* switch -> port 1 (FM-owned LD) -> LD 0: Identify. */
	ilen = tunnel(inner, 0, 0x0001, NULL, 0);
	olen = tunnel(outer, 1, 0x5300, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v), 0);
	KUNIT_EXPECT_EQ(test, v.depth, 2);
	KUNIT_EXPECT_EQ(test, v.opcode, 0x0001);
	KUNIT_EXPECT_EQ(test, env.last_depth, 2);
	KUNIT_EXPECT_EQ(test, env.path[0], 1);
	KUNIT_EXPECT_EQ(test, env.path[1], 0);

	/* Sanitize two levels down, at a type-3: the kernel's. */
	env.targets[1].component = CXL_COMPONENT_TYPE3;
	ilen = tunnel(inner, 0, 0x4400, NULL, 0);
	olen = tunnel(outer, 1, 0x5300, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, v.depth, 2);
	/* At a component that is not a type-3, the innermost CEL: data. */
	env.targets[1].component = CXL_COMPONENT_SWITCH;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EOPNOTSUPP);

	/* A malformed inner tunnel is caught at its level. */
	ilen = tunnel(inner, 0, 0x0001, NULL, 0);
	inner[1] = 7;
	olen = tunnel(outer, 1, 0x5300, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EINVAL);

	/* Three levels: deeper than CXL defines. */
	env.targets[1].cel = cel_of(test, type3_ld_cel, 6);
	ilen = tunnel(inner, 0, 0x0001, NULL, 0);
	mlen = tunnel(mid, 0, 0x5300, inner, ilen);
	olen = tunnel(outer, 1, 0x5300, mid, mlen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EOPNOTSUPP);

	/* The middle level must list the tunnel command itself. */
	env.targets[0].cel = cel_of(test, type3_cel, 5);
	ilen = tunnel(inner, 0, 0x0001, NULL, 0);
	olen = tunnel(outer, 1, 0x5300, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EOPNOTSUPP);
}

/* The findings of the review, as a device that lies would let them pass. */
static const u16 lying_ld_cel[] = {
	0x0001, 0, 0x0201, 0x40, 0x0202, 0x40, 0x4204, 0, 0x4301, 0,
	0x4400, 0x40, 0x4402, 0, 0x5300, 0, 0x5102, 0, 0x4000, 0x40,
	0xc001, 0,
};

static const u16 lying_switch_cel[] = {
	0x0001, 0, 0x0202, 0x40, 0x5102, 0, 0x5201, 0, 0x5300, 0, 0x5402, 0,
};

static void policy_tunnel_bypass(struct kunit *test)
{
	static const u16 owned[] = { 0x0201, 0x0202, 0x4204, 0x4301, 0x4400,
				     0x4402 };
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = tunnel_policy(test, &env);
	struct cxl_fwctl_verdict v;
	u8 inner[64], outer[128], pc[2] = { 2, 0 }, bind[6] = { 0, 1, 2 };
	size_t ilen, olen, i;

	pol.allow_data_writes = true;
	env.busy_port = 0;
	env.targets[0].component = CXL_COMPONENT_TYPE3;
	env.targets[0].cel = cel_of(test, lying_ld_cel, 11);
	env.targets[1].component = CXL_COMPONENT_TYPE3;
	env.targets[1].cel = cel_of(test, lying_ld_cel, 11);

	/* Kernel-owned type-3 commands, one and two levels down: EBUSY. */
	for (i = 0; i < ARRAY_SIZE(owned); i++) {
		olen = tunnel(outer, 0, owned[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, 0x5300, outer,
							  olen, &v),
				    -EBUSY, "opcode %#x", owned[i]);
		KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
		ilen = tunnel(inner, 0, owned[i], NULL, 0);
		olen = tunnel(outer, 5, 0x5300, inner, ilen);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, 0x5300, outer,
							  olen, &v),
				    -EBUSY, "nested opcode %#x", owned[i]);
	}
	/*
	 * Background alone is not read-only (behind the free port: behind
	 * port 0 it is refused, policy_tunnel_background); vendor commands
	 * need full.
	 */
	olen = tunnel(outer, 5, 0x4000, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE);
	ilen = tunnel(inner, 0, 0xc001, NULL, 0);
	olen = tunnel(outer, 5, 0x5300, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	/* A target reporting a reserved type is judged as a type-3. */
	env.targets[0].component = 7;
	olen = tunnel(outer, 5, 0x4400, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);
	env.targets[0].component = CXL_COMPONENT_TYPE3;
	/* Below a type-3, an LD that says it is a switch is a type-3. */
	env.targets[1].component = CXL_COMPONENT_SWITCH;
	ilen = tunnel(inner, 0, 0x0202, NULL, 0);
	olen = tunnel(outer, 5, 0x5300, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);
	env.targets[1].component = CXL_COMPONENT_TYPE3;
	/* A port-acting command at a type-3 claiming none is still a port's. */
	olen = tunnel(outer, 0, 0x5102, pc, sizeof(pc));
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);

	/* A cascaded switch behind port 0 (in use) and port 5 (not). */
	env.targets[0].component = CXL_COMPONENT_SWITCH;
	env.targets[0].cel = cel_of(test, lying_switch_cel, 6);
	olen = tunnel(outer, 0, 0x5102, pc, sizeof(pc));
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);
	olen = tunnel(outer, 0, 0x5201, bind, sizeof(bind));
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);
	olen = tunnel(outer, 5, 0x5102, pc, sizeof(pc));
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v), 0);
	/* It claims no effects; a port change needs full scope anyway. */
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	olen = tunnel(outer, 5, 0x5402, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	/*
	 * Firmware of a switch behind a free port is not the kernel's, but
	 * needs full scope; behind the port in use it resets this kernel's
	 * devices.
	 */
	olen = tunnel(outer, 5, 0x0202, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	olen = tunnel(outer, 0, 0x0202, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5300, outer, olen, &v),
			-EBUSY);
	KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
}

/* This kernel drives the device with serial 0x77 through another path. */
static bool serial_77_in_use(void *priv, const struct cxl_fwctl_target *t)
{
	return t->serial == 0x77;
}

/*
 * A background command tunnelled to a type-3 this kernel drives: nothing
 * waits for it or can end it, abortable or not, so it is refused; behind a
 * free port the effects decide.
 */
static void policy_tunnel_background(struct kunit *test)
{
	static const u16 ops[] = { 0x0600, 0x0601 };
	/* Background only, abortable background, and tunnels onwards. */
	static const u16 cel[] = { 0x0600, 0x0040, 0x0601, 0x0140, 0x5300, 0 };
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = tunnel_policy(test, &env);
	struct cxl_fwctl_verdict v;
	u8 inner[64], outer[128];
	size_t ilen, olen, i;

	env.busy_port = 0;
	env.targets[0].component = CXL_COMPONENT_TYPE3;
	env.targets[0].cel = cel_of(test, cel, 3);
	env.targets[1] = env.targets[0];
	/* To the device behind port 0, and to an LD of it. */
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		olen = tunnel(outer, 0, ops[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  outer, olen, &v),
				    -EBUSY, "opcode %#x", ops[i]);
		KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
		ilen = tunnel(inner, 0, ops[i], NULL, 0);
		olen = tunnel(outer, 0, CXL_OP_TUNNEL, inner, ilen);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  outer, olen, &v),
				    -EBUSY, "nested opcode %#x", ops[i]);
		olen = tunnel(outer, 5, ops[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  outer, olen, &v),
				    0, "opcode %#x, free port", ops[i]);
		KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE);
	}
	/* Behind a free port, another head of a device this kernel drives. */
	pol.target_in_use = serial_77_in_use;
	env.targets[0].serial = 0x77;
	olen = tunnel(outer, 5, 0x0601, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, outer, olen,
					      &v), -EBUSY);
	/* A cascaded switch's own background command is not the kernel's. */
	env.targets[0].component = CXL_COMPONENT_SWITCH;
	env.targets[0].serial = 0;
	olen = tunnel(outer, 0, 0x0600, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, outer, olen,
					      &v), 0);
}

/*
 * A memory device of this kernel being sanitized takes no command through
 * a tunnel, read-only ones included, whatever port it sits behind and at
 * every depth, as its own node takes none; the others are judged as ever.
 * (The tunnel cache marks a target fenced: tunnel_cache.)
 */
static void policy_tunnel_sanitize_fence(struct kunit *test)
{
	static const u16 cel[] = { 0x0001, 0, 0x0600, 0x0002, 0x5300, 0 };
	static const u16 ops[] = { 0x0001, 0x0600, 0x4000 };
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = tunnel_policy(test, &env);
	struct cxl_fwctl_verdict v;
	u8 inner[64], outer[128];
	size_t ilen, olen, i;

	env.busy_port = 0;
	env.targets[0].component = CXL_COMPONENT_TYPE3;
	env.targets[0].cel = cel_of(test, cel, 3);
	env.targets[1] = env.targets[0];
	olen = tunnel(outer, 5, 0x0001, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, outer, olen,
					      &v), 0);
	env.targets[0].fenced = true;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		olen = tunnel(outer, 5, ops[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  outer, olen, &v),
				    -EBUSY, "opcode %#x", ops[i]);
		KUNIT_EXPECT_TRUE(test, v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
		KUNIT_EXPECT_EQ(test, v.opcode, ops[i]);
		olen = tunnel(outer, 0, ops[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  outer, olen, &v),
				    -EBUSY, "opcode %#x, port in use", ops[i]);
	}
	/* An LD of it, two levels down: the first level is already fenced. */
	ilen = tunnel(inner, 0, 0x0001, NULL, 0);
	olen = tunnel(outer, 5, CXL_OP_TUNNEL, inner, ilen);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, outer, olen,
					      &v), -EBUSY);
	KUNIT_EXPECT_EQ(test, v.depth, 1);
	/* Behind a switch that is not it, the device two levels down. */
	env.targets[0].fenced = false;
	env.targets[0].component = CXL_COMPONENT_SWITCH;
	env.targets[1].fenced = true;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, outer, olen,
					      &v), -EBUSY);
	KUNIT_EXPECT_EQ(test, v.depth, 2);
	env.targets[1].fenced = false;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, outer, olen,
					      &v), 0);
}

/* --- commands that act on a whole switch ------------------------------ */

struct switch_env {
	bool busy;
	unsigned int calls;
	struct cxl_fwctl_target cascade;
};

static bool env_switch_in_use(void *priv)
{
	struct switch_env *env = priv;

	env->calls++;
	return env->busy;
}

static const struct cxl_fwctl_target *env_cascade(void *priv, const u8 *path,
						  unsigned int depth)
{
	struct switch_env *env = priv;

	return &env->cascade;
}

/* Port 0 leads to this kernel's devices. */
static bool env_port0_in_use(void *priv, u8 port)
{
	return port == 0;
}

static const u16 fw_switch_cel[] = {
	0x0001, 0, 0x0201, 0x0040, 0x0202, 0x0002, 0x5300, 0,
	0xc000, 0, 0xffff, 0,
};

/*
 * Firmware transfer and activation, and vendor commands, act on every port
 * of a switch: refused while any leads to this kernel's devices, on the
 * switch itself and on a cascaded switch behind a port in use (or that
 * this kernel reaches another way). A fabric manager's kernel runs the
 * vendor commands, never the firmware.
 */
static void policy_switch_firmware(struct kunit *test)
{
	static const u16 ops[] = { 0x0201, 0x0202, 0xc000, 0xffff };
	struct switch_env env = {};
	struct cxl_fwctl_policy pol = {
		.self = {
			.cel = cel_of(test, fw_switch_cel, 6),
			.component = CXL_COMPONENT_SWITCH,
		},
		.tunnel_target = env_cascade,
		.port_in_use = env_port0_in_use,
		.switch_in_use = env_switch_in_use,
		.priv = &env,
	};
	struct cxl_fwctl_verdict v;
	unsigned int i, fm;
	size_t len;
	u8 buf[64];

	for (fm = 0; fm < 2; fm++) {
		pol.fabric_manager = fm;
		/* The table of constant verdicts must not answer for them. */
		cxl_fwctl_policy_prepare(&pol);
		for (i = 0; i < ARRAY_SIZE(ops); i++) {
			int want = fm && ops[i] >= CXL_OP_VENDOR_FIRST ? 0 : -EBUSY;

			env.busy = true;
			KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, ops[i],
								  NULL, 0, &v),
					    want, "opcode %#x option %u",
					    ops[i], fm);
			KUNIT_EXPECT_EQ(test,
					!!(v.flags & FWCTL_CXL_COMMAND_KERNEL_OWNED),
					want == -EBUSY);
			env.busy = false;
			KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, ops[i],
								  NULL, 0, &v),
					    0, "opcode %#x option %u",
					    ops[i], fm);
			KUNIT_EXPECT_EQ(test, v.needed,
					FWCTL_RPC_DEBUG_WRITE_FULL);
		}
		cxl_fwctl_policy_release(&pol);
	}
	/* Other commands do not ask. */
	env.calls = 0;
	env.busy = true;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, env.calls, 0);
	/* Without a way to tell, the switch carries this kernel's devices. */
	pol.fabric_manager = false;
	pol.switch_in_use = NULL;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0202, NULL, 0, &v),
			-EBUSY);

	/* A cascaded switch: behind port 0 it is this kernel's too. */
	env.cascade.component = CXL_COMPONENT_SWITCH;
	env.cascade.cel = cel_of(test, fw_switch_cel, 6);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		len = tunnel(buf, 0, ops[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  buf, len, &v),
				    -EBUSY, "opcode %#x", ops[i]);
		len = tunnel(buf, 3, ops[i], NULL, 0);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL,
							  buf, len, &v),
				    0, "opcode %#x", ops[i]);
		KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	}
	/* Behind a free port, but this kernel reaches it another way. */
	pol.target_in_use = serial_77_in_use;
	env.cascade.serial = 0x77;
	len = tunnel(buf, 3, 0x0202, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, buf, len, &v),
			-EBUSY);
	/* On a fabric manager's kernel, a vendor command there runs. */
	pol.fabric_manager = true;
	len = tunnel(buf, 0, 0xc000, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, buf, len, &v),
			0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
}

/* --- reading a CEL larger than the payload area, in chunks ------------ */

#define MB_PAYLOAD	256
#define MB_CEL_ENTRIES	100

struct mailbox_model {
	u8 regs[PCI_MMPT_PAYLOAD + MB_PAYLOAD];
	struct pci_mmpt *mbox;
	struct cxl_fwctl_mbox reads;
	struct task_struct *thread;
	u32 offsets[8];
	unsigned int get_logs;
	u16 nr_feats;		/* features the model supports */
	bool feats_lie;		/* report more entries than it returns */
	u32 log_chunk;		/* answer Get Log with at most this, if set */
	unsigned int delay_ms;	/* before each answer */
	u16 feat_starts[8];
	unsigned int get_feats;
	u16 rc;			/* every command's return code */
};

static void mbm_answer(struct mailbox_model *m)
{
	u8 *pl = m->regs + PCI_MMPT_PAYLOAD;
	u64 cmd = READ_ONCE(*(u64 *)(m->regs + PCI_MMPT_CMD));
	u16 opcode = cmd & 0xffff;
	u32 out = 0, off, len, i;

	if (opcode == CXL_OP_GET_SUPPORTED_LOGS) {
		static const u8 uuid[16] = {
			0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
			0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
		};

		memset(pl, 0, 8 + 0x14);
		pl[0] = 1;
		memcpy(pl + 8, uuid, 16);
		put_unaligned_le32(4 * MB_CEL_ENTRIES, pl + 24);
		out = 8 + 0x14;
	} else if (opcode == CXL_OP_GET_LOG) {
		off = get_unaligned_le32(pl + 16);
		len = get_unaligned_le32(pl + 20);
		if (m->get_logs < ARRAY_SIZE(m->offsets))
			m->offsets[m->get_logs] = off;
		m->get_logs++;
		if (m->log_chunk)
			len = min(len, m->log_chunk);
		/* Entry i: opcode 0x4000 + i, effects i & 1 (cold reset). */
		for (i = 0; i < len; i += 4) {
			put_unaligned_le16(0x4000 + (off + i) / 4, pl + i);
			put_unaligned_le16(((off + i) / 4) & 1, pl + i + 2);
		}
		out = len;
	} else if (opcode == CXL_OP_GET_SUPPORTED_FEATURES) {
		u32 count = get_unaligned_le32(pl);
		u16 start = get_unaligned_le16(pl + 4), n = 0;

		if (m->get_feats < ARRAY_SIZE(m->feat_starts))
			m->feat_starts[m->get_feats] = start;
		m->get_feats++;
		while (start + n < m->nr_feats &&
		       8 + (n + 1) * CXL_FEATURE_ENTRY <= count) {
			u8 *e = pl + 8 + n * CXL_FEATURE_ENTRY;

			memset(e, 0, CXL_FEATURE_ENTRY);
			e[0] = start + n;
			put_unaligned_le32(CXL_FEATURE_CHANGEABLE, e + 0x16);
			put_unaligned_le16(0x0200 | (start + n), e + 0x1c);
			n++;
		}
		put_unaligned_le16(n, pl);
		put_unaligned_le16(m->nr_feats + m->feats_lie, pl + 2);
		out = 8 + n * CXL_FEATURE_ENTRY;
	}
	WRITE_ONCE(*(u64 *)(m->regs + PCI_MMPT_CMD),
		   (cmd & 0xffff) | (u64)out << 16);
	WRITE_ONCE(*(u64 *)(m->regs + PCI_MMPT_STATUS),
		   FIELD_PREP(PCI_MMPT_STATUS_RC, m->rc));
	/* Reply and status visible before the doorbell clears. */
	smp_wmb();
	WRITE_ONCE(*(u32 *)(m->regs + PCI_MMPT_CTRL), 0);
}

static int mbm_thread(void *data)
{
	struct mailbox_model *m = data;

	while (!kthread_should_stop()) {
		if (READ_ONCE(*(u32 *)(m->regs + PCI_MMPT_CTRL)) &
		    PCI_MMPT_CTRL_DOORBELL) {
			/* The command is read after the doorbell. */
			smp_rmb();
			if (m->delay_ms)
				msleep(m->delay_ms);
			mbm_answer(m);
		}
		usleep_range(50, 100);
	}
	return 0;
}

/* The library's mailbox on the model's registers, until the test ends. */
static void mbm_create(struct kunit *test, struct mailbox_model *m,
		       struct device *dev)
{
	*(u32 *)(m->regs + PCI_MMPT_CAPS) = ilog2(MB_PAYLOAD);
	m->mbox = devm_pci_mmpt_create(dev, (void __iomem *)m->regs,
				       sizeof(m->regs), NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m->mbox));
	m->reads.mmpt = m->mbox;
}

static void mbm_stop(void *data)
{
	kthread_stop(data);
}

/* A model on its own KUnit device, answering until the test ends. */
static struct mailbox_model *mbm_up(struct kunit *test, const char *name)
{
	struct mailbox_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	mbm_create(test, m, dev);
	m->thread = kthread_run(mbm_thread, m, "%s", name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m->thread));
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, mbm_stop, m->thread), 0);
	return m;
}

static void cel_read_in_chunks(struct kunit *test)
{
	struct mailbox_model *m = mbm_up(test, "cxl-fwctl-mbox");
	struct cxl_cel *cel;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel), 0);
	/* 400 bytes through a 256-byte payload area: two chunks. */
	KUNIT_EXPECT_EQ(test, m->get_logs, 2);
	KUNIT_EXPECT_EQ(test, m->offsets[0], 0);
	KUNIT_EXPECT_EQ(test, m->offsets[1], MB_PAYLOAD);
	KUNIT_ASSERT_EQ(test, cel->count, MB_CEL_ENTRIES);
	for (i = 0; i < MB_CEL_ENTRIES; i++) {
		KUNIT_EXPECT_EQ(test, cel->ent[i].opcode, 0x4000 + i);
		KUNIT_EXPECT_EQ(test, cel->ent[i].effects, i & 1);
	}
	kvfree(cel);
}

/*
 * What a device's return code means is the CXL core's table's to say, for
 * every code a device can send: one the table does not list is -ENXIO,
 * never a read past its end. Unsupported, busy and retry keep the errnos
 * the policy's callers act on.
 */
static void xfer_return_codes(struct kunit *test)
{
	static const struct {
		u16 rc;
		int err;
	} cases[] = {
		{ CXL_MBOX_CMD_RC_UNSUPPORTED, -EOPNOTSUPP },
		{ CXL_MBOX_CMD_RC_MBUNSUPPORTED, -EOPNOTSUPP },
		{ CXL_MBOX_CMD_RC_BUSY, -EBUSY },
		{ CXL_MBOX_CMD_RC_RETRY, -EAGAIN },
		{ CXL_MBOX_CMD_RC_INTERNAL, -ENXIO },
		{ CXL_MBOX_CMD_RC_PADDR, -EFAULT },
		{ CXL_MBOX_CMD_RC_POISONLMT, -EBUSY },
		{ CXL_MBOX_CMD_RC_EXTLIST, -ENXIO },
		{ CXL_MBOX_CMD_RC_EXTLIST + 1, -ENXIO },
		{ 0x8000, -ENXIO },
		{ 0xffff, -ENXIO },
	};
	struct mailbox_model *m = mbm_up(test, "cxl-fwctl-rc");
	struct cxl_cel *cel = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m->rc = cases[i].rc;
		KUNIT_EXPECT_EQ_MSG(test,
				    cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel),
				    cases[i].err, "rc %#x", cases[i].rc);
		KUNIT_EXPECT_NULL(test, cel);
	}
	m->rc = 0;
	KUNIT_ASSERT_EQ(test, cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel), 0);
	kvfree(cel);
	/* Not clamped to the table's last entry: its own "unknown" one. */
	KUNIT_EXPECT_STREQ(test, cxl_mbox_cmd_rc(CXL_MBOX_CMD_RC_EXTLIST + 1)->desc,
			   "unknown return code");
	KUNIT_EXPECT_STREQ(test, cxl_mbox_cmd_rc(0xffff)->desc,
			   "unknown return code");
	KUNIT_EXPECT_STRNEQ(test, cxl_mbox_cmd_rc(CXL_MBOX_CMD_RC_EXTLIST)->desc,
			    "unknown return code");
}

/* --- the policy's reads through a memory device's mbox_send ---------- */

struct core_model {
	struct cxl_mailbox cxl_mbox;
	int err;		/* mbox_send's own failure */
	u16 rc;			/* else the device's return code */
	unsigned int sends;
	u16 opcode;
	size_t size_in;
};

static int core_model_send(struct cxl_mailbox *cxl_mbox,
			   struct cxl_mbox_cmd *mc)
{
	struct core_model *cm = container_of(cxl_mbox, struct core_model,
					     cxl_mbox);
	u8 *id = mc->payload_out;

	cm->sends++;
	cm->opcode = mc->opcode;
	cm->size_in = mc->size_in;
	if (cm->err)
		return cm->err;
	mc->return_code = cm->rc;
	if (cm->rc)
		return 0;
	/* Identify: vendor 1e98h, device 0002h, serial 42, a type-3 device. */
	memset(id, 0, 0x12);
	put_unaligned_le16(0x1e98, id);
	put_unaligned_le16(0x0002, id + 2);
	put_unaligned_le64(42, id + 8);
	id[0x11] = CXL_COMPONENT_TYPE3;
	mc->size_out = 0x12;
	return 0;
}

/*
 * cxl_fwctl_core_send() hands the policy's reads to the CXL core's
 * mbox_send and reports what it did as pci_mmpt_send() would: the reply
 * and its length, the device's return code, and mbox_send's own failure
 * (the sanitize fence's -EBUSY) unchanged, with nothing else sent.
 */
static void core_send_reads(struct kunit *test)
{
	struct core_model *cm = kunit_kzalloc(test, sizeof(*cm), GFP_KERNEL);
	struct mailbox_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct device *dev = kunit_device_register(test, "cxl-fwctl-core");
	struct cxl_fwctl_mbox reads;
	struct cxl_fwctl_target t = {};
	struct pci_mmpt_cmd cmd;
	u8 id[0x12];

	KUNIT_ASSERT_NOT_NULL(test, cm);
	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	/* The library's mailbox only sizes the reads: nothing reaches it. */
	mbm_create(test, m, dev);
	cm->cxl_mbox.mbox_send = core_model_send;
	reads = (struct cxl_fwctl_mbox){
		.mmpt = m->mbox, .send = cxl_fwctl_core_send,
		.priv = &cm->cxl_mbox,
	};

	KUNIT_ASSERT_EQ(test, cxl_fwctl_identify(&reads, NULL, 0, &t), 0);
	KUNIT_EXPECT_EQ(test, cm->sends, 1);
	KUNIT_EXPECT_EQ(test, cm->opcode, CXL_OP_IDENTIFY);
	KUNIT_EXPECT_EQ(test, cm->size_in, 0);
	KUNIT_EXPECT_EQ(test, t.vendor, 0x1e98);
	KUNIT_EXPECT_EQ(test, t.device, 0x0002);
	KUNIT_EXPECT_EQ(test, t.serial, 42);
	KUNIT_EXPECT_EQ(test, t.component, CXL_COMPONENT_TYPE3);

	/* Behind the sanitize fence: refused, and no second try. */
	cm->err = -EBUSY;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_identify(&reads, NULL, 0, &t), -EBUSY);
	KUNIT_EXPECT_EQ(test, cm->sends, 2);
	/* A device error is the core table's errno. */
	cm->err = 0;
	cm->rc = CXL_MBOX_CMD_RC_POISONLMT;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_identify(&reads, NULL, 0, &t), -EBUSY);
	cm->rc = CXL_MBOX_CMD_RC_INTERNAL;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_identify(&reads, NULL, 0, &t), -ENXIO);
	KUNIT_EXPECT_EQ(test, cm->sends, 4);

	/* Directly: a device error leaves no reply length; no flags taken. */
	cmd = (struct pci_mmpt_cmd){
		.opcode = CXL_OP_IDENTIFY, .out = id, .out_size = sizeof(id),
		.out_len = 99,
	};
	KUNIT_EXPECT_EQ(test, cxl_fwctl_core_send(&cm->cxl_mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.return_code, CXL_MBOX_CMD_RC_INTERNAL);
	KUNIT_EXPECT_EQ(test, cmd.out_len, 0);
	cm->rc = 0;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_core_send(&cm->cxl_mbox, &cmd), 0);
	KUNIT_EXPECT_EQ(test, cmd.out_len, 0x12);
	cmd.flags = PCI_MMPT_CMD_BACKGROUND;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_core_send(&cm->cxl_mbox, &cmd),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cm->sends, 6);
}

static void restore_budget(void *old)
{
	cxl_fwctl_read_budget_ms = (uintptr_t)old;
}

/*
 * A device cannot pace a CEL read into hours: a reply shorter than the
 * chunk asked for ends the log, one not in whole entries is malformed
 * (-EIO), and a read of whole chunks ends with its total budget
 * (-ETIMEDOUT), however quickly each single reply comes.
 */
static void cel_read_bounded(struct kunit *test)
{
	struct mailbox_model *m = mbm_up(test, "cxl-fwctl-slow");
	struct cxl_feature *f;
	struct cxl_cel *cel = NULL;
	unsigned int n;
	void *old;

	old = (void *)(uintptr_t)cxl_fwctl_read_budget_ms;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, restore_budget,
							old), 0);

	/* One entry per reply: the first short reply ends the log. */
	m->log_chunk = 4;
	KUNIT_ASSERT_EQ(test, cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel), 0);
	KUNIT_EXPECT_EQ(test, cel->count, 1);
	KUNIT_EXPECT_EQ(test, m->get_logs, 1);
	kvfree(cel);
	cel = NULL;
	/* Not whole entries: malformed. */
	m->log_chunk = 6;
	m->get_logs = 0;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel), -EIO);
	KUNIT_EXPECT_NULL(test, cel);

	/* Whole chunks, each slow: the budget ends it before the first. */
	m->log_chunk = 0;
	m->get_logs = 0;
	m->delay_ms = 30;
	cxl_fwctl_read_budget_ms = 20;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel),
			-ETIMEDOUT);
	KUNIT_EXPECT_NULL(test, cel);
	KUNIT_EXPECT_EQ(test, m->get_logs, 0);
	/* The same device within its budget. */
	m->get_logs = 0;
	cxl_fwctl_read_budget_ms = 10000;
	KUNIT_ASSERT_EQ(test, cxl_fwctl_read_cel(&m->reads, NULL, 0, &cel), 0);
	KUNIT_EXPECT_EQ(test, m->get_logs, 2);
	KUNIT_EXPECT_EQ(test, cel->count, MB_CEL_ENTRIES);
	kvfree(cel);

	/* Feature pages: the budget holds there too. */
	m->nr_feats = 7;
	m->get_feats = 0;
	cxl_fwctl_read_budget_ms = 20;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_read_features(&m->reads, &f, &n),
			-ETIMEDOUT);
	KUNIT_EXPECT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, m->get_feats, 1);
}

/* Get Supported Features in pages of what the payload area holds. */
static void features_read_in_pages(struct kunit *test)
{
	struct mailbox_model *m = mbm_up(test, "cxl-fwctl-feats");
	struct cxl_feature *f;
	unsigned int n, i;

	/* None: no table, no error. */
	KUNIT_ASSERT_EQ(test, cxl_fwctl_read_features(&m->reads, &f, &n), 0);
	KUNIT_EXPECT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, n, 0);

	/* Seven through a 256-byte area (five entries a page): two pages. */
	m->nr_feats = 7;
	m->get_feats = 0;
	KUNIT_ASSERT_EQ(test, cxl_fwctl_read_features(&m->reads, &f, &n), 0);
	KUNIT_EXPECT_EQ(test, m->get_feats, 2);
	KUNIT_EXPECT_EQ(test, m->feat_starts[1], 5);
	KUNIT_ASSERT_EQ(test, n, 7);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, f[i].uuid[0], i);
		KUNIT_EXPECT_EQ(test, f[i].flags, CXL_FEATURE_CHANGEABLE);
		KUNIT_EXPECT_EQ(test, f[i].set_effects, 0x0200 | i);
	}
	kvfree(f);

	/*
	 * A device that claims more than it ever lists: its short page is
	 * read on from, the empty one after it is malformed; no table.
	 */
	m->feats_lie = true;
	m->get_feats = 0;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_read_features(&m->reads, &f, &n), -EIO);
	KUNIT_EXPECT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, m->get_feats, 3);
}

/* --- the tunnel target cache -------------------------------------------- */

struct cache_env {
	u8 keys[256][3];
	u64 serial[256];
	u8 fw[256];
	u8 component;
	int id_err;
	int key_err;
	int fw_err;
	int read_err;
	unsigned int key_calls;
	unsigned int reads;
};

static int fake_port_key(void *priv, u8 port, u8 key[3])
{
	struct cache_env *env = priv;

	env->key_calls++;
	if (env->key_err)
		return env->key_err;
	memcpy(key, env->keys[port], 3);
	return 0;
}

static int fake_identify(void *priv, const u8 *path, unsigned int depth,
			 struct cxl_fwctl_target *t)
{
	struct cache_env *env = priv;

	if (env->id_err)
		return env->id_err;
	t->component = env->component;
	t->vendor = 0x1234;
	t->device = path[0];
	t->serial = env->serial[path[0]];
	return 0;
}

/* Get FW Info: a revision per first-level port. */
static int fake_fw_key(void *priv, const u8 *path, unsigned int depth,
		       u8 key[CXL_FW_KEY_LEN])
{
	struct cache_env *env = priv;

	if (env->fw_err)
		return env->fw_err;
	memset(key, 0, CXL_FW_KEY_LEN);
	key[0x10] = env->fw[path[0]];
	return 0;
}

/* A one-entry CEL naming the path it was read for and the read count. */
static int fake_read_cel(void *priv, const u8 *path, unsigned int depth,
			 struct cxl_cel **celp)
{
	struct cache_env *env = priv;
	u8 raw[4];

	env->reads++;
	if (env->read_err)
		return env->read_err;
	put_unaligned_le16(path[0] << 8 | (depth == 2 ? path[1] : 0xff), raw);
	put_unaligned_le16(env->reads, raw + 2);
	return cxl_cel_parse(raw, sizeof(raw), celp);
}

static bool fake_fenced(void *priv, const struct cxl_fwctl_target *t)
{
	return t->serial == 0x77;
}

static void tunnel_cache(struct kunit *test)
{
	struct cache_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	const struct cxl_fwctl_target *t;
	struct cxl_tunnel_cache tc;
	u8 path[2] = { 0, 0 };
	unsigned int i, nr;

	KUNIT_ASSERT_NOT_NULL(test, env);
	cxl_tunnel_cache_init(&tc, fake_port_key, fake_identify, fake_fw_key,
			      fake_read_cel, env);
	mutex_lock(&tc.lock);

	/* Read once, then served from the cache while the port is the same. */
	t = cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, t->cel);
	KUNIT_EXPECT_EQ(test, t->cel->ent[0].opcode, 0x00ff);
	KUNIT_EXPECT_PTR_EQ(test, cxl_tunnel_cache_get(&tc, path, 1), t);
	KUNIT_EXPECT_EQ(test, env->reads, 1);
	KUNIT_EXPECT_EQ(test, env->key_calls, 2);

	/* Another port, and a second level behind port 0: their own CELs. */
	path[0] = 1;
	KUNIT_EXPECT_EQ(test, cxl_tunnel_cache_get(&tc, path, 1)->cel->ent[0].opcode,
			0x01ff);
	path[0] = 0;
	path[1] = 2;
	KUNIT_EXPECT_EQ(test, cxl_tunnel_cache_get(&tc, path, 2)->cel->ent[0].opcode,
			0x0002);
	KUNIT_EXPECT_EQ(test, env->reads, 3);

	/* Port 0 changed (another device): both its entries re-read. */
	env->keys[0][1] = 4;
	t = cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_EQ(test, t->cel->ent[0].effects, 4);
	KUNIT_EXPECT_EQ(test, cxl_tunnel_cache_get(&tc, path, 2)->cel->ent[0].effects, 5);
	KUNIT_EXPECT_EQ(test, env->reads, 5);
	path[0] = 1;
	KUNIT_EXPECT_EQ(test, cxl_tunnel_cache_get(&tc, path, 1)->cel->ent[0].effects, 2);
	KUNIT_EXPECT_EQ(test, env->reads, 5);

	/* An unreadable CEL stays unreadable until the port changes. */
	path[0] = 2;
	env->read_err = -EIO;
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1)->cel);
	env->read_err = 0;
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1)->cel);
	KUNIT_EXPECT_EQ(test, env->reads, 6);
	env->keys[2][2] = 4;	/* the link trained */
	KUNIT_EXPECT_NOT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1)->cel);
	KUNIT_EXPECT_EQ(test, env->reads, 7);

	/* Same port state, another device (serial): read again. */
	env->serial[2] = 42;
	t = cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_EXPECT_EQ(test, env->reads, 8);
	KUNIT_EXPECT_EQ(test, t->serial, 42);
	KUNIT_EXPECT_EQ(test, t->cel->ent[0].effects, 8);
	/* It says it is a switch; the port says a type-3 sits there. */
	env->component = CXL_COMPONENT_SWITCH;
	env->keys[2][1] = 5;
	t = cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_EXPECT_EQ(test, t->component, CXL_COMPONENT_TYPE3);
	KUNIT_EXPECT_EQ(test, env->reads, 9);
	/*
	 * Same port, same device, other firmware (activated by whoever):
	 * read again; one that cannot say what it runs, every time.
	 */
	env->fw[2] = 1;
	cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_EXPECT_EQ(test, env->reads, 10);
	cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_EXPECT_EQ(test, env->reads, 10);
	env->fw_err = -EOPNOTSUPP;
	cxl_tunnel_cache_get(&tc, path, 1);
	cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_EXPECT_EQ(test, env->reads, 12);
	env->fw_err = 0;
	cxl_tunnel_cache_get(&tc, path, 1);
	cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_EXPECT_EQ(test, env->reads, 13);
	/* A read that ran out of time is no answer of the device's. */
	env->fw[2] = 2;
	env->read_err = -ETIMEDOUT;
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1)->cel);
	env->read_err = 0;
	KUNIT_EXPECT_NOT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1)->cel);
	KUNIT_EXPECT_EQ(test, env->reads, 15);
	/* Not identified: no target, nothing read. */
	env->id_err = -EIO;
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1));
	env->id_err = 0;
	KUNIT_EXPECT_EQ(test, env->reads, 15);
	/* Dropped: read again. */
	cxl_tunnel_cache_drop(&tc);
	KUNIT_EXPECT_EQ(test, tc.nr, 0);
	KUNIT_EXPECT_NOT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1));
	KUNIT_EXPECT_EQ(test, env->reads, 16);

	/*
	 * One the policy fences is asked nothing past Identify and not
	 * remembered: behind a port never read, then once unfenced.
	 */
	tc.fenced = fake_fenced;
	path[0] = 9;
	env->serial[9] = 0x77;
	nr = tc.nr;
	t = cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_NULL(test, t->cel);
	KUNIT_EXPECT_TRUE(test, t->fenced);
	KUNIT_EXPECT_EQ(test, t->serial, 0x77);
	KUNIT_EXPECT_EQ(test, env->reads, 16);
	KUNIT_EXPECT_EQ(test, tc.nr, nr);
	env->serial[9] = 43;
	t = cxl_tunnel_cache_get(&tc, path, 1);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_EXPECT_NOT_NULL(test, t->cel);
	KUNIT_EXPECT_FALSE(test, t->fenced);
	KUNIT_EXPECT_EQ(test, env->reads, 17);
	KUNIT_EXPECT_EQ(test, tc.nr, nr + 1);
	tc.fenced = NULL;
	path[0] = 2;

	/* No port state, no CEL; bad depths never reach the device. */
	env->key_err = -ENODEV;
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 1));
	env->key_err = 0;
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 0));
	KUNIT_EXPECT_NULL(test, cxl_tunnel_cache_get(&tc, path, 3));
	KUNIT_EXPECT_EQ(test, env->reads, 17);

	/* Bounded: more targets than it keeps, and it still answers. */
	for (i = 0; i < 2 * CXL_TUNNEL_CACHE_MAX; i++) {
		path[0] = 3 + i / 4;
		path[1] = i % 4;
		KUNIT_EXPECT_NOT_NULL(test, cxl_tunnel_cache_get(&tc, path, 2));
		KUNIT_EXPECT_LE(test, tc.nr, CXL_TUNNEL_CACHE_MAX);
	}

	mutex_unlock(&tc.lock);
	cxl_tunnel_cache_destroy(&tc);
}

/* --- verdicts worked out once (cxl_fwctl_policy_prepare) ------------- */

/* Two judgements agree on the errno and on every field of the verdict. */
static bool same_verdict(int ret_a, const struct cxl_fwctl_verdict *a,
			 int ret_b, const struct cxl_fwctl_verdict *b)
{
	return ret_a == ret_b && a->needed == b->needed &&
	       a->flags == b->flags && a->effects == b->effects &&
	       a->opcode == b->opcode && a->depth == b->depth &&
	       a->component == b->component && a->fabric == b->fabric &&
	       !memcmp(a->path, b->path, sizeof(a->path));
}

/* Stops at the first disagreement, naming it. */
static bool expect_same_verdict(struct kunit *test, const char *kind, u16 op,
				int ret_a, const struct cxl_fwctl_verdict *a,
				int ret_b, const struct cxl_fwctl_verdict *b)
{
	bool same = same_verdict(ret_a, a, ret_b, b);

	KUNIT_EXPECT_TRUE_MSG(test, same,
			      "%s, opcode %#x: table %d/%u/%#x, rules %d/%u/%#x",
			      kind, op, ret_a, a->needed, a->flags, ret_b,
			      b->needed, b->flags);
	return same;
}

/*
 * A CEL listing every opcode, with effects from a fixed seed: mostly
 * defined bits in any combination, some with reserved bits too.
 */
static struct cxl_cel *cel_every_opcode(struct kunit *test, u64 seed)
{
	u16 *pairs = kunit_kmalloc_array(test, 2 * 0x10000, sizeof(u16),
					 GFP_KERNEL);
	struct rnd_state rnd;
	unsigned int op;

	KUNIT_ASSERT_NOT_NULL(test, pairs);
	prandom_seed_state(&rnd, seed);
	for (op = 0; op < 0x10000; op++) {
		u32 r = prandom_u32_state(&rnd);

		pairs[2 * op] = op;
		pairs[2 * op + 1] = r & (r >> 31 ? 0xffff : 0x0fff);
	}
	return cel_of(test, pairs, 0x10000);
}

/* Behind any tunnel of policy_prepared_matches_full(): a memory device. */
static const u16 prep_target_cel[] = { 0x0001, 0, 0x4000, 0, 0x4400, 0 };
static struct cxl_fwctl_target prep_target = {
	.component = CXL_COMPONENT_TYPE3,
};

static const struct cxl_fwctl_target *
prep_tunnel_target(void *priv, const u8 *path, unsigned int depth)
{
	return depth == 1 ? &prep_target : NULL;
}

/*
 * The table answers exactly what the rules answer, for every opcode, on
 * every kind of policy, with and without a request payload (a tunnel, a
 * port argument or a feature UUID in it) and with ports in use or not.
 */
static void policy_prepared_matches_full(struct kunit *test)
{
	static const struct {
		u8 component;
		u16 vendor, device;
		bool bmc, bg_needs_abort, features, fm;
	} kinds[] = {
		{ CXL_COMPONENT_TYPE3, 0x8086, 0x0d93, false, true, true },
		{ CXL_COMPONENT_TYPE3, 0x8086, 0x0d93, true, true, true },
		{ CXL_COMPONENT_TYPE3, 0x1234, 0x5678, false, false, false },
		{ CXL_COMPONENT_TYPE3, 0x1234, 0x5678, false, false, false, true },
		{ CXL_COMPONENT_SWITCH, 0x19e5, 0xa128, false, false, false },
		{ CXL_COMPONENT_SWITCH, 0x19e5, 0xa129, true, false, false },
		{ CXL_COMPONENT_SWITCH, 0x19e5, 0xa129, false, false, false, true },
		{ 0x07, 0x1234, 0x0001, false, false, false },
	};
	struct port_env env = { .busy_port = 2, .vppb_busy = true };
	struct cxl_fwctl_verdict fv, sv;
	char kind[32];
	struct cxl_fwctl_policy fast;
	struct rnd_state rnd;
	u8 req[64];
	size_t k;

	prep_target.cel = cel_of(test, prep_target_cel, 3);
	prandom_seed_state(&rnd, 42);
	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct cxl_fwctl_policy slow = {
			.self = {
				.cel = cel_every_opcode(test, k + 1),
				.component = kinds[k].component,
				.vendor = kinds[k].vendor,
				.device = kinds[k].device,
			},
			.allow_data_writes = kinds[k].bmc,
			.fabric_manager = kinds[k].fm,
			.bg_needs_abort = kinds[k].bg_needs_abort,
			.features = kinds[k].features,
			.feats = feats,
			.nr_feats = ARRAY_SIZE(feats),
			.tunnel_target = prep_tunnel_target,
			.port_in_use = env_port_in_use,
			.vppb_in_use = env_vppb_in_use,
			.priv = &env,
		};
		unsigned int op;

		snprintf(kind, sizeof(kind), "policy %zu", k);
		fast = slow;
		cxl_fwctl_policy_prepare(&fast);
		KUNIT_ASSERT_NOT_NULL(test, fast.fast);
		for (op = 0; op < 0x10000; op++) {
			size_t len = prandom_u32_state(&rnd) % sizeof(req);
			int a, b;

			/* Seconds of work on a non-preemptible kernel. */
			if (!(op & 0xff))
				cond_resched();
			a = cxl_fwctl_judge(&fast, op, NULL, 0, &fv);
			b = cxl_fwctl_judge(&slow, op, NULL, 0, &sv);
			if (!expect_same_verdict(test, kind, op, a, &fv, b, &sv))
				break;

			/* A port argument, a tunnel, a feature UUID. */
			prandom_bytes_state(&rnd, req, sizeof(req));
			req[0] %= 4;
			a = cxl_fwctl_judge(&fast, op, req, len, &fv);
			b = cxl_fwctl_judge(&slow, op, req, len, &sv);
			if (!expect_same_verdict(test, kind, op, a, &fv, b, &sv))
				break;

			len = tunnel(req, op % 4, op % 3 ? 0x4000 : 0x4400,
				     NULL, 0);
			a = cxl_fwctl_judge(&fast, op, req, len, &fv);
			b = cxl_fwctl_judge(&slow, op, req, len, &sv);
			if (!expect_same_verdict(test, kind, op, a, &fv, b, &sv))
				break;

			/* A Set Feature header naming a feature the device has. */
			memset(req, 0, sizeof(req));
			memcpy(req, feats[op % ARRAY_SIZE(feats)].uuid,
			       sizeof(feats[0].uuid));
			a = cxl_fwctl_judge(&fast, op, req, sizeof(req), &fv);
			b = cxl_fwctl_judge(&slow, op, req, sizeof(req), &sv);
			if (!expect_same_verdict(test, kind, op, a, &fv, b, &sv))
				break;
		}
		cxl_fwctl_policy_release(&fast);
		KUNIT_EXPECT_NULL(test, fast.fast);
	}
}

/*
 * After any field the table was worked out from changes, the rules judge
 * again; the table answers only for the policy it was made for.
 */
static void policy_prepared_follows_changes(struct kunit *test)
{
	static const u16 plain[] = { 0x0001, 0, 0x4000, 0, 0x4500, 0x0020,
				     0x0600, 0x0040, 0x0300, 0 };
	static const u16 other[] = { 0x0001, 0x0002, 0x4000, 0x1000 };
	struct cxl_cel *cel = cel_of(test, plain, 5);
	struct cxl_fwctl_policy pol = {
		.self = {
			.cel = cel,
			.component = CXL_COMPONENT_SWITCH,
		},
	};
	struct cxl_fwctl_verdict v;

	cxl_fwctl_policy_prepare(&pol);
	KUNIT_ASSERT_NOT_NULL(test, pol.fast);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_CONFIGURATION);

	/*
	 * The table does answer: an effect changed in place (a parsed CEL
	 * never changes) goes unseen while the CEL is the same one...
	 */
	cel->ent[0].effects = 0x0002;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_CONFIGURATION);
	/* ...but a new CEL at the same address is judged by the rules. */
	cel->id++;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	cel->ent[0].effects = 0;

	/* Another CEL (firmware activated) before the table is made again. */
	pol.self.cel = cel_of(test, other, 2);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4000, NULL, 0, &v),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0300, NULL, 0, &v),
			-EOPNOTSUPP);
	cxl_fwctl_policy_prepare(&pol);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);

	/* Each fixed field: the verdict follows it without a new table. */
	pol.self.cel = cel;
	cel->id--;
	cxl_fwctl_policy_prepare(&pol);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4500, NULL, 0, &v),
			-EOPNOTSUPP);
	pol.allow_data_writes = true;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4500, NULL, 0, &v), 0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);

	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0600, NULL, 0, &v), 0);
	pol.bg_needs_abort = true;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0600, NULL, 0, &v),
			-EOPNOTSUPP);

	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4000, NULL, 0, &v), 0);
	pol.self.component = CXL_COMPONENT_TYPE3;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x4500, NULL, 0, &v),
			-EBUSY);
	pol.self.component = CXL_COMPONENT_SWITCH;

	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0300, NULL, 0, &v), 0);
	pol.self.vendor = 0x19e5;
	pol.self.device = 0xa128;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0300, NULL, 0, &v),
			-EOPNOTSUPP);

	/* Without a CEL there is no table and nothing runs. */
	pol.self.cel = NULL;
	cxl_fwctl_policy_prepare(&pol);
	KUNIT_EXPECT_NULL(test, pol.fast);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x0001, NULL, 0, &v),
			-EOPNOTSUPP);
	cxl_fwctl_policy_release(&pol);
}

/* --- a fabric manager's kernel ---------------------------------------- */

/* A switch whose ports all lead to one MLD; one port is this kernel's. */
struct fabric_env {
	struct cxl_fwctl_target mld;	/* behind every port, every level */
	u8 busy_port;
	bool vppb_busy;
};

static const struct cxl_fwctl_target *fabric_target(void *priv,
						    const u8 *path,
						    unsigned int depth)
{
	struct fabric_env *env = priv;

	return &env->mld;
}

static bool fabric_port_in_use(void *priv, u8 port)
{
	struct fabric_env *env = priv;

	return port == env->busy_port;
}

static bool fabric_vppb_in_use(void *priv, u8 vcs, u8 vppb)
{
	struct fabric_env *env = priv;

	return env->vppb_busy;
}

/* A switch's FM-API with the effects a real one lists. */
static const u16 fabric_switch_cel[] = {
	0x5100, 0, 0x5102, 0x0002, 0x5103, 0x0002, 0x5201, 0x0042,
	0x5202, 0x0042, 0x5203, 0x0002, 0x5300, 0, 0x0202, 0x0002,
	0xc000, 0, 0x5402, 0x0002,
};

/* An MLD's FM-owned LD, some entries lying. */
static const u16 fabric_mld_cel[] = {
	0x0001, 0, 0x5300, 0, 0x5400, 0, 0x5402, 0x0002,
	0x5404, 0x000a, 0x5407, 0x000a, 0x5409, 0x000a, 0x5602, 0x0002,
	0x5604, 0x0006, 0x5605, 0x0006,
	0x5606, 0x0022,		/* claims a security change */
	0x5607, 0x1002,		/* a reserved bit */
	0x0202, 0x0040, 0xc001, 0,
};

#define FABRIC_MLD_CEL_ENTRIES	(ARRAY_SIZE(fabric_mld_cel) / 2)

struct fabric_case {
	const char *what;
	u16 opcode;
	u8 in[6];
	u8 len;
	u8 depth;		/* tunnelled to port 3 (, LD 0) */
	int ret_fm, ret_host;	/* with and without the option */
	enum fwctl_rpc_scope fm, host;
	bool lowered;		/* the option's rule decides */
};

static const struct fabric_case fabric_cases[] = {
	{ "port control, free port", 0x5102, { 3 }, 2, 0, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "port control, port in use", 0x5102, { 0 }, 2, 0, -EBUSY, -EBUSY },
	{ "bind, free port", 0x5201, { 0, 1, 3, 0, 2, 0 }, 6, 0, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "bind, port in use", 0x5201, { 0, 1, 0 }, 6, 0, -EBUSY, -EBUSY },
	{ "unbind", 0x5202, { 0, 1, 0 }, 3, 0, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "AER stays debug", 0x5203, { 0, 1 }, 2, 0, 0, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "PPB config stays debug", 0x5103, { 3 }, 2, 0, 0, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "firmware", 0x0202, {}, 0, 0, 0, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "vendor", 0xc000, {}, 0, 0, 0, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
	/* A switch that answers an LD command names no port: not lowered. */
	{ "LD command at the switch", 0x5402, {}, 0, 0, 0, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ "LD allocations, tunnelled", 0x5402, {}, 0, 1, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "QoS, two levels", 0x5404, {}, 0, 2, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "QoS allocated BW", 0x5407, {}, 0, 1, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "QoS BW limit, two levels", 0x5409, {}, 0, 2, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "DC region configuration", 0x5602, {}, 0, 1, 0, 0,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL,
	  true },
	{ "DC add, data change", 0x5604, {}, 0, 1, 0, -EOPNOTSUPP,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_CONFIGURATION, true },
	{ "DC release, two levels", 0x5605, {}, 0, 2, 0, -EOPNOTSUPP,
	  FWCTL_RPC_CONFIGURATION, FWCTL_RPC_CONFIGURATION, true },
	{ "security claimed", 0x5606, {}, 0, 1, -EOPNOTSUPP, -EOPNOTSUPP },
	{ "reserved bit", 0x5607, {}, 0, 1, -EOPNOTSUPP, -EOPNOTSUPP },
	{ "type-3 firmware", 0x0202, {}, 0, 1, -EBUSY, -EBUSY },
	{ "type-3 vendor", 0xc001, {}, 0, 1, 0, 0,
	  FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
};

static void fabric_case_desc(const struct fabric_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(fabric, fabric_cases, fabric_case_desc);

/* The request of a case: direct, or through one or two tunnels. */
static size_t fabric_request(const struct fabric_case *c, u8 port, u8 *buf,
			     u16 *opcode)
{
	u8 inner[64];
	size_t len;

	*opcode = c->depth ? CXL_OP_TUNNEL : c->opcode;
	switch (c->depth) {
	case 0:
		memcpy(buf, c->in, c->len);
		return c->len;
	case 1:
		return tunnel(buf, port, c->opcode, c->in, c->len);
	}
	len = tunnel(inner, 0, c->opcode, c->in, c->len);
	return tunnel(buf, port, CXL_OP_TUNNEL, inner, len);
}

static void policy_fabric_manager(struct kunit *test)
{
	const struct fabric_case *c = test->param_value;
	struct fabric_env env = { .busy_port = 0 };
	struct cxl_fwctl_policy pol = {
		.self = {
			.cel = cel_of(test, fabric_switch_cel, 10),
			.component = CXL_COMPONENT_SWITCH,
		},
		.tunnel_target = fabric_target,
		.port_in_use = fabric_port_in_use,
		.vppb_in_use = fabric_vppb_in_use,
		.switch_in_use = switch_free,
		.priv = &env,
	};
	struct cxl_fwctl_verdict v;
	u16 opcode;
	u8 buf[128];
	size_t len;
	int fm;

	env.mld.component = CXL_COMPONENT_TYPE3;
	env.mld.cel = cel_of(test, fabric_mld_cel, FABRIC_MLD_CEL_ENTRIES);
	for (fm = 0; fm < 2; fm++) {
		int want = fm ? c->ret_fm : c->ret_host;

		pol.fabric_manager = fm;
		len = fabric_request(c, 3, buf, &opcode);
		KUNIT_EXPECT_EQ_MSG(test, cxl_fwctl_judge(&pol, opcode, buf, len,
							  &v),
				    want, "option %d", fm);
		if (!want) {
			KUNIT_EXPECT_EQ_MSG(test, v.needed,
					    fm ? c->fm : c->host,
					    "option %d", fm);
			/* Marked for the audit trail only when lowered. */
			KUNIT_EXPECT_EQ_MSG(test, v.fabric, fm && c->lowered,
					    "option %d", fm);
			KUNIT_EXPECT_EQ(test, v.opcode, c->opcode);
			KUNIT_EXPECT_EQ(test, v.depth, c->depth);
		}
		/*
		 * An FM-API command behind the port this kernel uses:
		 * refused whatever its effects.
		 */
		if (c->depth && (c->opcode >> 12) == 0x5) {
			len = fabric_request(c, env.busy_port, buf, &opcode);
			KUNIT_EXPECT_EQ_MSG(test,
					    cxl_fwctl_judge(&pol, opcode, buf,
							    len, &v),
					    -EBUSY, "option %d", fm);
		}
	}
}

/*
 * Set LD Allocations two levels down, through a component of type @first
 * behind free port 3, on a fabric manager's kernel: the scope it needs.
 */
static enum fwctl_rpc_scope fabric_behind_cascade(struct kunit *test,
						  u8 first)
{
	static const u16 cascade_cel[] = { 0x0001, 0, 0x5300, 0 };
	static const u8 inner_in[4] = { 1 };
	struct tunnel_env env = {};
	struct cxl_fwctl_policy pol = {
		.self = {
			.cel = cel_of(test, fabric_switch_cel, 10),
			.component = CXL_COMPONENT_SWITCH,
		},
		.fabric_manager = true,
		.tunnel_target = env_target,
		.port_in_use = env_tunnel_port_in_use,
		.priv = &env,
	};
	struct cxl_fwctl_verdict v;
	u8 inner[64], buf[128];
	size_t len;

	env.busy_port = 0xff;
	env.targets[0].component = first;
	env.targets[0].cel = cel_of(test, cascade_cel, 2);
	env.targets[1].component = CXL_COMPONENT_TYPE3;
	env.targets[1].cel = cel_of(test, fabric_mld_cel,
				    FABRIC_MLD_CEL_ENTRIES);
	len = tunnel(inner, 0, 0x5402, inner_in, sizeof(inner_in));
	len = tunnel(buf, 3, CXL_OP_TUNNEL, inner, len);
	KUNIT_ASSERT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, buf, len,
					      &v), 0);
	KUNIT_EXPECT_EQ(test, v.depth, 2);
	KUNIT_EXPECT_EQ(test, v.fabric, v.needed == FWCTL_RPC_CONFIGURATION);
	return v.needed;
}

/*
 * What a fabric manager's option does not change: a busy vPPB, a memory
 * device's own mailbox; and the commands list says what the option does.
 */
static void policy_fabric_manager_limits(struct kunit *test)
{
	struct fabric_env env = { .busy_port = 0, .vppb_busy = true };
	struct cxl_fwctl_policy pol = {
		.self = {
			.cel = cel_of(test, fabric_switch_cel, 10),
			.component = CXL_COMPONENT_SWITCH,
		},
		.fabric_manager = true,
		.tunnel_target = fabric_target,
		.port_in_use = fabric_port_in_use,
		.vppb_in_use = fabric_vppb_in_use,
		.priv = &env,
	};
	static const u8 bind[6] = { 0, 1, 3, 0, 0, 0 };
	static const u16 cascaded_cel[] = { 0x0001, 0, 0x5102, 0x0002 };
	struct fwctl_cxl_command *cmds;
	struct cxl_fwctl_verdict v;
	size_t count, i, len;
	u8 buf[64];
	int fm;

	/* A vPPB of this host's VCS, or bound to a port in use. */
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5201, bind, 6, &v),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5202, bind, 3, &v),
			-EBUSY);
	KUNIT_EXPECT_FALSE(test, v.fabric);
	/*
	 * Behind a free port, the other head of a multi-headed device this
	 * kernel drives: its LDs and capacity are this kernel's.
	 */
	env.vppb_busy = false;
	env.mld.component = CXL_COMPONENT_TYPE3;
	env.mld.cel = cel_of(test, fabric_mld_cel, FABRIC_MLD_CEL_ENTRIES);
	env.mld.serial = 0x77;
	pol.target_in_use = serial_77_in_use;
	len = tunnel(buf, 3, 0x5604, NULL, 0);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, buf, len, &v),
			-EBUSY);
	env.mld.serial = 0x78;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, buf, len, &v),
			0);
	KUNIT_EXPECT_TRUE(test, v.fabric);

	/*
	 * A cascaded switch behind a free port: its ports and VCSs cannot be
	 * described from here, so its configuration keeps the floor.
	 */
	env.mld.component = CXL_COMPONENT_SWITCH;
	env.mld.cel = cel_of(test, cascaded_cel, 2);
	len = tunnel(buf, 3, 0x5102, bind + 2, 2);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, CXL_OP_TUNNEL, buf, len, &v),
			0);
	KUNIT_EXPECT_EQ(test, v.needed, FWCTL_RPC_DEBUG_WRITE_FULL);
	KUNIT_EXPECT_FALSE(test, v.fabric);

	/* Nor the devices behind it. */
	KUNIT_EXPECT_EQ(test, fabric_behind_cascade(test, CXL_COMPONENT_SWITCH),
			FWCTL_RPC_DEBUG_WRITE_FULL);
	/* Through an MLD's FM-owned LD to one of its LDs: lowered. */
	KUNIT_EXPECT_EQ(test, fabric_behind_cascade(test, CXL_COMPONENT_TYPE3),
			FWCTL_RPC_CONFIGURATION);

	/* Without a way to tell, nothing is another host's. */
	env.vppb_busy = true;
	pol.port_in_use = NULL;
	pol.vppb_in_use = NULL;
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5102, bind + 2, 2, &v),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5201, bind, 6, &v),
			-EBUSY);

	for (fm = 0; fm < 2; fm++) {
		pol.fabric_manager = fm;
		cmds = cxl_fwctl_commands(&pol, &count);
		KUNIT_ASSERT_FALSE(test, IS_ERR(cmds));
		KUNIT_EXPECT_EQ(test, count, 10);
		for (i = 0; i < count; i++) {
			u16 op = cmds[i].opcode;
			bool lowered = fm && (op == 0x5102 || op == 0x5201 ||
					      op == 0x5202);

			if (op == 0x5100 || op == 0x5300)
				continue;
			KUNIT_EXPECT_EQ_MSG(test, cmds[i].scope,
					    lowered ? FWCTL_RPC_CONFIGURATION :
					    FWCTL_RPC_DEBUG_WRITE_FULL,
					    "opcode %#x option %d", op, fm);
			KUNIT_EXPECT_EQ(test,
					!!(cmds[i].flags & FWCTL_CXL_COMMAND_BACKGROUND),
					op == 0x5201 || op == 0x5202);
		}
		kvfree(cmds);
	}

	/* A memory device's own mailbox is this kernel's device. */
	pol.self.component = CXL_COMPONENT_TYPE3;
	pol.self.cel = cel_of(test, fabric_mld_cel, FABRIC_MLD_CEL_ENTRIES);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5402, NULL, 0, &v),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, cxl_fwctl_judge(&pol, 0x5604, NULL, 0, &v),
			-EBUSY);
}

static struct kunit_case cxl_policy_cases[] = {
	KUNIT_CASE(cel_parse_valid),
	KUNIT_CASE(cel_parse_bad),
	KUNIT_CASE_PARAM(policy_effects, effects_gen_params),
	KUNIT_CASE(policy_not_in_cel),
	KUNIT_CASE(policy_kernel_owned_and_quirks),
	KUNIT_CASE(policy_commands_scopes),
	KUNIT_CASE(policy_tunnel),
	KUNIT_CASE(policy_tunnel_malformed),
	KUNIT_CASE(policy_tunnel_nested),
	KUNIT_CASE(policy_tunnel_bypass),
	KUNIT_CASE(policy_tunnel_background),
	KUNIT_CASE(policy_tunnel_sanitize_fence),
	KUNIT_CASE(policy_switch_firmware),
	KUNIT_CASE(policy_ports),
	KUNIT_CASE(policy_features),
	KUNIT_CASE(policy_features_commands),
	KUNIT_CASE(cel_read_in_chunks),
	KUNIT_CASE(xfer_return_codes),
	KUNIT_CASE(core_send_reads),
	KUNIT_CASE(cel_read_bounded),
	KUNIT_CASE(features_read_in_pages),
	KUNIT_CASE(tunnel_cache),
	KUNIT_CASE_SLOW(policy_prepared_matches_full),
	KUNIT_CASE(policy_prepared_follows_changes),
	KUNIT_CASE_PARAM(policy_fabric_manager, fabric_gen_params),
	KUNIT_CASE(policy_fabric_manager_limits),
	{}
};

static struct kunit_suite cxl_policy_suite = {
	.name = "cxl_fwctl_policy",
	.test_cases = cxl_policy_cases,
};

kunit_test_suite(cxl_policy_suite);

MODULE_DESCRIPTION("KUnit tests for the CXL fwctl command policy");
MODULE_LICENSE("GPL");
