// SPDX-License-Identifier: GPL-2.0
/*
 * The CXL command policy against a device that lies, on the mock switch CCI
 * (CONFIG_CXL_SWITCH_MOCK) driven by the real switch driver, policy, RPC
 * path, compatibility node and fwctl core. The fabric:
 *
 *   switch (its CEL claims no effects for its port commands)
 *     port 0: type-3, a driver of this kernel bound below (in use)
 *     port 1: type-3, nothing of ours below
 *     port 2: a switch -> port 0: type-3; port 1: a switch -> port 0: type-3
 *     port 3: a component that says it is a switch; the port says type-3
 *
 * Every type-3 lists the kernel's commands with no or background-only
 * effects. Each refusal asserts its errno, that nothing reached the device
 * and (once per device, within the audit rate limit) its audit record. The
 * kernel is tainted by the write scope the refusals ask for, as fwctl
 * taints by the requested scope: whether a command reached the device is
 * read from the mock's counters, never from the taint. Built with
 * ADV_WRITES (cxl_adversarial_writes) it runs the accepted writes instead,
 * and asserts their taint and audit records, and what a killed caller's
 * background command does to the next one.
 */
#include <linux/cxl_mem.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "../kselftest_harness.h"
#include "mock_util.h"

/* The kernel's commands on a type-3, each claimed harmless by the device. */
static const struct {
	uint16_t opcode;
	uint16_t effects;
} owned[] = {
	{ 0x0101, 0x00 }, { 0x0103, 0x00 }, { 0x0201, 0x40 }, { 0x0202, 0x40 },
	{ 0x4101, 0x00 }, { 0x4103, 0x00 }, { 0x4204, 0x00 }, { 0x4300, 0x00 },
	{ 0x4301, 0x00 }, { 0x4302, 0x00 }, { 0x4304, 0x40 }, { 0x4305, 0x00 },
	{ 0x4400, 0x40 }, { 0x4401, 0x40 }, { 0x4402, 0x00 }, { 0x4501, 0x00 },
	{ 0x4503, 0x00 }, { 0x4600, 0x00 }, { 0x4601, 0x00 },
};

/* Rows of the policy table: a neutral opcode per effects combination. */
#define ROW_OP(i)	(0x0a00 + (i))
static const struct {
	uint16_t effects;
	int err;			/* refused with this, or 0 */
	uint32_t scope;			/* else the scope it needs */
} rows[] = {
	{ 0x0000, 0, FWCTL_RPC_CONFIGURATION },
	{ 0x0180, 0, FWCTL_RPC_CONFIGURATION },	/* abort, secondary mailbox */
	{ 0x0040, 0, FWCTL_RPC_DEBUG_WRITE },		/* background only */
	{ 0x0001, 0, FWCTL_RPC_DEBUG_WRITE },		/* after cold reset */
	{ 0x0600, 0, FWCTL_RPC_DEBUG_WRITE },		/* after conv. reset */
	{ 0x0a00, 0, FWCTL_RPC_DEBUG_WRITE },		/* after CXL reset */
	{ 0x0041, 0, FWCTL_RPC_DEBUG_WRITE },
	{ 0x0002, 0, FWCTL_RPC_DEBUG_WRITE_FULL },	/* immediate config */
	{ 0x0008, 0, FWCTL_RPC_DEBUG_WRITE_FULL },	/* immediate policy */
	{ 0x0010, 0, FWCTL_RPC_DEBUG_WRITE_FULL },	/* immediate log */
	{ 0x0042, 0, FWCTL_RPC_DEBUG_WRITE_FULL },
	{ 0x0004, -EOPNOTSUPP, 0 },			/* immediate data */
	{ 0x0020, -EOPNOTSUPP, 0 },			/* security state */
	{ 0x0064, -EOPNOTSUPP, 0 },			/* sanitize-like */
	{ 0x1000, -EOPNOTSUPP, 0 },			/* reserved */
	{ 0x8002, -EOPNOTSUPP, 0 },			/* reserved */
};

#define SW_SERIAL	0x5a000000ULL

static const struct cxl_mock_component comps[] = {
	{ MOCK_AT(0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = SW_SERIAL + 1 },
	{ MOCK_AT(1), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = SW_SERIAL + 2 },
	{ MOCK_AT(2), .type = CXL_MOCK_COMP_SWITCH, .vendor = 0x19e5,
	  .device = 0xa129, .serial = SW_SERIAL + 3 },
	{ MOCK_AT(2, 0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = SW_SERIAL + 4 },
	{ MOCK_AT(2, 1), .type = CXL_MOCK_COMP_SWITCH, .vendor = 0x19e5,
	  .device = 0xa129, .serial = SW_SERIAL + 5 },
	{ MOCK_AT(2, 1, 0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = SW_SERIAL + 6 },
	/* It says it is a switch; its port says a type-3 sits there. */
	{ MOCK_AT(3), .type = CXL_MOCK_COMP_SWITCH, .vendor = 0x8086,
	  .device = 0x0d93, .serial = SW_SERIAL + 7 },
};

#define PORT(p, f, conn)						\
	{ MOCK_AT(), .port = (p), .flags = (f), .state = 3,		\
	  .connected = (conn), .ltssm = 4, .max_width = 16, .width = 16,	\
	  .max_speed = 5, .speed = 5, .ld_count = 1 }

static const struct cxl_mock_port ports[] = {
	PORT(0, CXL_MOCK_PORT_IN_USE, CXL_MOCK_PORT_AUTO),
	PORT(1, 0, CXL_MOCK_PORT_AUTO),
	PORT(2, 0, CXL_MOCK_PORT_AUTO),
	PORT(3, 0, 4),
	/* This host's upstream port: VCS 0 below is another host's. */
	{ MOCK_AT(), .port = 32, .flags = CXL_MOCK_PORT_HOST, .state = 4,
	  .ltssm = 4, .max_width = 16, .width = 16, .max_speed = 5,
	  .speed = 5 },
};

/*
 * VCS 0, another host's (its USP 33): vPPB 0 bound to port 0 (in use), 1
 * to port 1, 2 unbound.
 */
static const struct cxl_mock_vcs vcs[] = {
	{ MOCK_AT(), .vcs = 0, .state = 1, .usp = 33, .nr_vppbs = 3,
	  .vppb = { { 2, 0, 0 }, { 2, 1, 0 }, { 0, 0, 0 } } },
};

/* Port commands, each listed by the switch with no effects. */
static const uint16_t port_ops[] = {
	0x5102, 0x5103, 0x5201, 0x5202, 0x5203, 0x5301, 0x5302,
};

FIXTURE(adv) {
	struct mock_switch sw;
	int fd;
	bool locked;
	bool fm;
};

#ifndef ADV_WRITES
/*
 * What a request for a port, binding, LD or capacity command on what leads
 * to another host gets at DEBUG_WRITE when the switch claims no effects
 * for it: a fabric manager's kernel runs it (it needs CONFIGURATION
 * there), a host's kernel wants DEBUG_WRITE_FULL.
 */
static bool fabric_config(uint16_t op)
{
	switch (op) {
	case 0x5102: case 0x5201: case 0x5202:
	case 0x5402: case 0x5404: case 0x5407: case 0x5409:
	case 0x5602: case 0x5604: case 0x5605: case 0x5606: case 0x5607:
		return true;
	}
	return false;
}

#define FREE_PORT_ERR(op)	(self->fm && fabric_config(op) ? 0 : -EPERM)
#define FREE_PORT_RUNS(op)	(self->fm && fabric_config(op) ? 1 : 0)
#endif

static int add(struct mock_switch *sw, struct cxl_mock_path path,
	       uint16_t opcode, uint16_t effects)
{
	struct cxl_mock_cmd c = {
		.flags = CXL_MOCK_CMD_IN_CEL,
		.path = path,
		.opcode = opcode,
		.effects = effects,
	};

	return mock_cmd(sw, &c);
}

static int add_bg(struct mock_switch *sw, uint16_t opcode, uint16_t effects,
		  uint32_t bg_ms)
{
	struct cxl_mock_cmd c = {
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BG,
		.opcode = opcode,
		.effects = effects,
		.bg_ms = bg_ms,
	};

	return mock_cmd(sw, &c);
}

FIXTURE_SETUP(adv)
{
	static const struct cxl_mock_path t3[] = {
		MOCK_P(0), MOCK_P(1), MOCK_P(2, 0), MOCK_P(2, 1, 0), MOCK_P(3),
	};
	unsigned int i, j;

	self->locked = strcmp(lockdown_level(), "none") != 0;
	self->fm = fabric_manager_kernel();
	ASSERT_EQ(0, mock_switch_create(&(struct mock_switch_desc){
		.vendor = 0x1e98, .device = 0x0c0b, .serial = SW_SERIAL,
		.no_start = true,
		.comps = comps, .nr_comps = ARRAY_SIZE(comps),
		.ports = ports, .nr_ports = ARRAY_SIZE(ports),
		.vcs = vcs, .nr_vcs = ARRAY_SIZE(vcs) }, &self->sw));
	for (i = 0; i < ARRAY_SIZE(port_ops); i++)
		ASSERT_EQ(0, add(&self->sw, MOCK_P(), port_ops[i], 0));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), 0x0201, 0x40));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), 0x0202, 0x40));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), 0xc000, 0));
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		ASSERT_EQ(0, add(&self->sw, MOCK_P(), ROW_OP(i), rows[i].effects));
	for (j = 0; j < ARRAY_SIZE(t3); j++) {
		for (i = 0; i < ARRAY_SIZE(owned); i++)
			ASSERT_EQ(0, add(&self->sw, t3[j], owned[i].opcode,
					 owned[i].effects));
		for (i = 0; i < ARRAY_SIZE(rows); i++)
			ASSERT_EQ(0, add(&self->sw, t3[j], ROW_OP(i),
					 rows[i].effects));
		ASSERT_EQ(0, add(&self->sw, t3[j], 0x5402, 0));
		ASSERT_EQ(0, add(&self->sw, t3[j], 0x5604, 0));
		ASSERT_EQ(0, add(&self->sw, t3[j], 0x0502, 0));
		ASSERT_EQ(0, add(&self->sw, t3[j], 0xc001, 0));
		/* Background, and abortable background. */
		ASSERT_EQ(0, add(&self->sw, t3[j], 0x0a40, 0x0040));
		ASSERT_EQ(0, add(&self->sw, t3[j], 0x0a41, 0x0140));
	}
	/* The cascaded switches: port commands, firmware, with no effects. */
	for (i = 0; i < ARRAY_SIZE(port_ops); i++) {
		ASSERT_EQ(0, add(&self->sw, MOCK_P(2), port_ops[i], 0));
		ASSERT_EQ(0, add(&self->sw, MOCK_P(2, 1), port_ops[i], 0));
	}
	ASSERT_EQ(0, add(&self->sw, MOCK_P(2), 0x0202, 0x40));
	/*
	 * Background commands: one that ends, one that never does, and one
	 * whose CEL entry says it is not one.
	 */
	ASSERT_EQ(0, add_bg(&self->sw, 0x0a30, 0x0040, 1500));
	ASSERT_EQ(0, add_bg(&self->sw, 0x0a31, 0x0140, CXL_MOCK_BG_NEVER));
	ASSERT_EQ(0, add_bg(&self->sw, 0x0a32, 0, CXL_MOCK_BG_NEVER));
	ASSERT_EQ(0, mock_start(&self->sw));
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", self->sw.fwctl, strerror(errno));
}

FIXTURE_TEARDOWN(adv)
{
	if (self->fd >= 0)
		close(self->fd);
	mock_destroy(&self->sw);
}

/* Get FW Info of a mock component, in its CEL: the revision of slot 1. */
static int fw_info(struct mock_switch *sw, struct cxl_mock_path path,
		   char rev)
{
	static uint8_t out[0x50];
	struct cxl_mock_cmd c = {
		.flags = CXL_MOCK_CMD_IN_CEL,
		.path = path,
		.opcode = 0x0200,
		.reply = (uintptr_t)out,
		.reply_size = sizeof(out),
	};

	memset(out, 0, sizeof(out));
	out[0] = 1;		/* one slot */
	out[1] = 1;		/* slot 1 active */
	out[0x10] = rev;
	return mock_cmd(sw, &c);
}

#ifndef ADV_WRITES
/*
 * The review's tunnel bypass, one, two and three levels down, at every
 * type-3 and at the one that lies about its type: the kernel's commands
 * never reach a device, whatever its CEL says.
 */
TEST_F(adv, kernel_owned_at_every_depth)
{
	static const struct cxl_mock_path t3[] = {
		MOCK_P(0), MOCK_P(1), MOCK_P(2, 0), MOCK_P(3),
	};
	unsigned int i, j;
	int audit = audit_open();

	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));
	for (j = 0; j < ARRAY_SIZE(t3); j++) {
		for (i = 0; i < ARRAY_SIZE(owned); i++) {
			uint8_t in[64] = {};

			ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
						       t3[j], owned[i].opcode, in, 24))
				TH_LOG("path %u/%u opcode %#x", t3[j].depth,
				       t3[j].port[0], owned[i].opcode);
			ASSERT_EQ(0, mock_count(&self->sw, t3[j], owned[i].opcode));
		}
	}
	/* The core's audit record: the scope and the errno. */
	ASSERT_EQ(1, audit_count(audit, "op=fwctl_rpc",
				 "scope=debug-write errno=16 res=0", NULL, 1));
	/* Three levels: deeper than CXL defines, refused before the device. */
	ASSERT_EQ(-EOPNOTSUPP, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					    MOCK_P(2, 1, 0), 0x0a00, NULL, 0));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(2, 1, 0), 0x0a00));
	/* What is not the kernel's still passes, at the scope it needs. */
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_CONFIGURATION, MOCK_P(2, 0),
				  ROW_OP(0), NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(2, 0), ROW_OP(0)));
}

/*
 * The same bypasses through /dev/cxl/switchN, the node existing tools use:
 * EBUSY there too, the errno memN's raw path gives for the kernel's own.
 */
TEST_F(adv, kernel_owned_through_the_compat_node)
{
	uint8_t in[64] = {}, buf[256], out[64];
	struct cxl_send_command cmd = { .id = CXL_MEM_COMMAND_ID_RAW };
	unsigned int i;
	int fd = mock_open_raw(&self->sw);
	size_t len;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(owned); i++) {
		len = mock_tunnel_to(buf, MOCK_P(1), owned[i].opcode, in, 24);
		cmd.raw.opcode = 0x5300;
		cmd.in.size = len;
		cmd.in.payload = (uintptr_t)buf;
		cmd.out.size = sizeof(out);
		cmd.out.payload = (uintptr_t)out;
		ASSERT_EQ(-1, ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd));
		ASSERT_EQ(EBUSY, errno) TH_LOG("opcode %#x", owned[i].opcode);
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), owned[i].opcode));
	}
	/* A port command on a port in use, likewise. */
	in[0] = 0;
	cmd.raw.opcode = 0x5102;
	cmd.in.size = 2;
	cmd.in.payload = (uintptr_t)in;
	ASSERT_EQ(-1, ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x5102));
	close(fd);
}

/* A command of the policy table that needs DEBUG_WRITE_FULL, raw. */
static int raw_row_full(int fd)
{
	struct cxl_send_command cmd = {
		.id = CXL_MEM_COMMAND_ID_RAW,
		.raw.opcode = ROW_OP(7),
	};

	return ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd) ? -errno : 0;
}

/*
 * The compatibility node applies the core's rules itself: without
 * CAP_SYS_RAWIO a command that needs full access is refused before the
 * switch sees it, and the refusal is an audit record, as the fwctl core
 * records its own.
 */
TEST_F(adv, compat_node_full_scope_refusal_audited)
{
	int audit, fd = mock_open_raw(&self->sw);

	ASSERT_EQ(FWCTL_RPC_DEBUG_WRITE_FULL, rows[7].scope);
	ASSERT_LE(0, fd);
	audit = audit_open();
	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));
	ASSERT_EQ(-EPERM, without_rawio(raw_row_full, fd));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), ROW_OP(7)));
	ASSERT_EQ(1, audit_count(audit, "op=cxl_switch_raw", "opcode=0x0a07",
				 "errno=1 res=0", 1));
	close(fd);
}

/*
 * Commands that act on a port: refused while the port leads to a device
 * of this kernel, judged by their effects otherwise; a port change needs
 * DEBUG_WRITE_FULL although the switch claims no effects.
 */
TEST_F(adv, ports_in_use)
{
	uint8_t in[8] = {};
	unsigned int i;
	int audit = audit_open();

	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));
	for (i = 0; i < ARRAY_SIZE(port_ops); i++) {
		uint16_t op = port_ops[i];
		bool vppb = op == 0x5202 || op == 0x5203;

		if (op == 0x5201)
			continue;
		/* Port 0 / vPPB 0 (bound to port 0): in use. */
		memset(in, 0, sizeof(in));
		ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					       MOCK_P(), op, in, 4))
			TH_LOG("opcode %#x", op);
		/* Port 1 / vPPB 1 (bound to port 1): the effects' floor. */
		in[vppb ? 1 : 0] = 1;
		ASSERT_EQ(FREE_PORT_ERR(op), mock_send_at(self->fd,
							  FWCTL_RPC_DEBUG_WRITE,
						     MOCK_P(), op, in, 4))
			TH_LOG("opcode %#x", op);
		/* Too short to name what it acts on. */
		ASSERT_EQ(-EINVAL, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
						MOCK_P(), op, in, vppb ? 1 : 0))
			TH_LOG("opcode %#x", op);
		ASSERT_EQ(FREE_PORT_RUNS(op), mock_count(&self->sw, MOCK_P(), op));
	}
	ASSERT_EQ(1, audit_count(audit, "op=fwctl_rpc",
				 "scope=debug-write errno=16 res=0", NULL, 1));

	/* Bind vPPB: the vPPB and the port it binds must both be free. */
	in[0] = 0;
	in[1] = 2;		/* vPPB 2: unbound */
	in[2] = 0;		/* port 0: in use */
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       0x5201, in, 6));
	in[2] = 1;
	ASSERT_EQ(FREE_PORT_ERR(0x5201), mock_send_at(self->fd,
						      FWCTL_RPC_DEBUG_WRITE,
						 MOCK_P(), 0x5201, in, 6));
	in[1] = 0;		/* vPPB 0: bound to port 0 */
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       0x5201, in, 6));
	/* A vPPB of a VCS the switch does not know: counts as in use. */
	in[0] = 3;
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       0x5202, in, 3));
	ASSERT_EQ(FREE_PORT_RUNS(0x5201), mock_count(&self->sw, MOCK_P(),
						     0x5201));
	ASSERT_EQ(FREE_PORT_RUNS(0x5202), mock_count(&self->sw, MOCK_P(),
						     0x5202));

	/* A driver binds below port 1: from now on it is the kernel's. */
	ASSERT_EQ(0, mock_port(&self->sw, &(struct cxl_mock_port)
			       PORT(1, CXL_MOCK_PORT_IN_USE, CXL_MOCK_PORT_AUTO)));
	in[0] = 1;
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       0x5102, in, 2));
}

/* Behind a tunnel: the first port the tunnel leaves through decides. */
TEST_F(adv, ports_behind_tunnels)
{
	uint8_t in[8] = { 0 };
	static const uint16_t mld_ops[] = { 0x5402, 0x5604, 0x0502 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mld_ops); i++) {
		ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					       MOCK_P(0), mld_ops[i], in, 4))
			TH_LOG("opcode %#x", mld_ops[i]);
		ASSERT_EQ(FREE_PORT_ERR(mld_ops[i]),
			  mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(1),
				       mld_ops[i], in, 4))
			TH_LOG("opcode %#x", mld_ops[i]);
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), mld_ops[i]));
		ASSERT_EQ(FREE_PORT_RUNS(mld_ops[i]),
			  mock_count(&self->sw, MOCK_P(1), mld_ops[i]));
	}
	/*
	 * The cascaded switch behind port 2 (free): its ports by effects,
	 * on a fabric manager's kernel too (its VCSs cannot be described).
	 */
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(2),
				       0x5102, in, 2));
	/* Its firmware is not the kernel's, but needs full scope. */
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(2),
				       0x0202, NULL, 0));
	/* Port 2 in use: everything behind it acts on this kernel's devices. */
	ASSERT_EQ(0, mock_port(&self->sw, &(struct cxl_mock_port)
			       PORT(2, CXL_MOCK_PORT_IN_USE, CXL_MOCK_PORT_AUTO)));
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(2),
				       0x5102, in, 2));
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(2),
				       0x5201, in, 6));
	/* Its firmware too: an activation resets this kernel's devices. */
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(2),
				       0x0202, NULL, 0));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(2), 0x5102));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(2), 0x0202));
}

/*
 * Every row of the policy table, on the switch itself and behind one and
 * two tunnels: refused, or below its scope EPERM; the commands query says
 * the same for the switch's own entries.
 */
TEST_F(adv, policy_table)
{
	static const struct cxl_mock_path at[] = {
		MOCK_P(), MOCK_P(1), MOCK_P(2, 0),
	};
	struct fwctl_cxl_command cmds[128];
	unsigned int i, j, n, seen = 0;
	int ret;

	for (j = 0; j < ARRAY_SIZE(at); j++) {
		for (i = 0; i < ARRAY_SIZE(rows); i++) {
			int want = rows[i].err;

			if (!want && rows[i].scope == FWCTL_RPC_CONFIGURATION) {
				ASSERT_EQ(0, mock_send_at(self->fd, 0, at[j],
							  ROW_OP(i), NULL, 0));
				ASSERT_EQ(1, mock_count(&self->sw, at[j],
							ROW_OP(i)));
				continue;
			}
			if (!want) {
				ASSERT_EQ(-EPERM, mock_send_at(self->fd,
							       rows[i].scope - 1,
							  at[j], ROW_OP(i),
							  NULL, 0))
					TH_LOG("row %u depth %u", i,
					       at[j].depth);
			} else {
				ASSERT_EQ(want, mock_send_at(self->fd,
							     FWCTL_RPC_DEBUG_WRITE,
							at[j], ROW_OP(i), NULL,
							0))
					TH_LOG("row %u depth %u", i,
					       at[j].depth);
			}
			ASSERT_EQ(0, mock_count(&self->sw, at[j], ROW_OP(i)));
		}
		/*
		 * Vendor opcodes: full scope whatever they claim; on the
		 * switch, whose port 0 leads to this kernel, only where the
		 * kernel owns the fabric (switch_firmware_ours).
		 */
		ASSERT_EQ(j || self->fm ? -EPERM : -EBUSY,
			  mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, at[j],
				       j ? 0xc001 : 0xc000, NULL, 0));
	}
	/* Firmware on that switch: refused, though listed at full scope. */
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       0x0201, NULL, 0));

	ret = cxl_query_commands(self->fd, FWCTL_RPC_CONFIGURATION, cmds,
				 ARRAY_SIZE(cmds));
	ASSERT_LE(0, ret);
	n = ret;
	for (i = 0; i < n; i++) {
		for (j = 0; j < ARRAY_SIZE(rows); j++) {
			if (cmds[i].opcode != ROW_OP(j))
				continue;
			seen++;
			if (rows[j].err) {
				ASSERT_TRUE(cmds[i].flags & FWCTL_CXL_COMMAND_REFUSED);
			} else {
				ASSERT_EQ(rows[j].scope, cmds[i].scope)
					TH_LOG("row %u", j);
				ASSERT_FALSE(cmds[i].flags & FWCTL_CXL_COMMAND_REFUSED);
			}
		}
		if (cmds[i].opcode == 0x0201)
			ASSERT_EQ(FWCTL_RPC_DEBUG_WRITE_FULL, cmds[i].scope);
		if (cmds[i].opcode == 0x5102)
			ASSERT_EQ(self->fm ? FWCTL_RPC_CONFIGURATION :
			       FWCTL_RPC_DEBUG_WRITE_FULL, cmds[i].scope);
	}
	ASSERT_EQ(ARRAY_SIZE(rows), seen);
}

/*
 * A device swapped behind a port for another of the same type, the port's
 * state unchanged: it is judged by its own CEL, not its predecessor's.
 */
TEST_F(adv, device_swapped_behind_a_port)
{
	struct cxl_mock_component c = comps[1];

	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
	c.serial = SW_SERIAL + 0x100;
	ASSERT_EQ(0, mock_component(&self->sw, &c));
	/* The newcomer says the same opcode changes configuration now. */
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), ROW_OP(0), 0x0002));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
	/* And one that claims to be a switch where the port says type-3. */
	c.type = CXL_MOCK_COMP_SWITCH;
	c.serial = SW_SERIAL + 0x101;
	ASSERT_EQ(0, mock_component(&self->sw, &c));
	ASSERT_EQ(0, mock_port(&self->sw, &(struct cxl_mock_port)PORT(1, 0, 4)));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), 0x4400, 0));
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(1),
				       0x4400, NULL, 0));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), 0x4400));
}

/*
 * A component that identifies as QEMU's switch (which aborts the emulator
 * on Get and Set Timestamp) behind a port whose state says a type-3 sits
 * there: judged as a type-3, and the quirk still holds, keyed on what it
 * reports in Identify.
 */
TEST_F(adv, quirk_follows_identify)
{
	struct cxl_mock_component c = comps[6];
	uint8_t ts[8] = {};

	ASSERT_EQ(3, c.path.port[0]);
	c.vendor = 0x19e5;
	c.device = 0xa128;
	c.serial = SW_SERIAL + 0x200;
	ASSERT_EQ(0, mock_component(&self->sw, &c));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(3), 0x0300, 0));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(3), 0x0301, 0));
	ASSERT_EQ(-EOPNOTSUPP, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					    MOCK_P(3), 0x0300, NULL, 0));
	ASSERT_EQ(-EOPNOTSUPP, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					    MOCK_P(3), 0x0301, ts, sizeof(ts)));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(3), 0x0300));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(3), 0x0301));
	/* What it may run still runs. */
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(3), 0x0001, NULL, 0));
}

/* A component that cannot be identified gets nothing. */
TEST_F(adv, unidentified_target)
{
	struct cxl_mock_cmd c = {
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_NOT_IMPL,
		.path = MOCK_P(1),
		.opcode = 0x0001,
	};

	ASSERT_EQ(0, mock_cmd(&self->sw, &c));
	ASSERT_EQ(-EOPNOTSUPP, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0),
					    NULL, 0));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
}

/*
 * Firmware transfer and activation, and vendor commands, act on every port
 * of a switch: refused with EBUSY while one of them leads to this kernel
 * (port 0), judged by their scope once none does. Vendor commands run on a
 * kernel that owns the fabric. Asked at DEBUG_WRITE, below their scope, so
 * that EBUSY is told from EPERM under lockdown too. The cascaded switch
 * behind a port in use: ports_behind_tunnels.
 */
TEST_F(adv, switch_firmware_ours)
{
	static const uint16_t ops[] = { 0x0201, 0x0202, 0xc000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ASSERT_EQ(ops[i] == 0xc000 && self->fm ? -EPERM : -EBUSY,
			  mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       ops[i], NULL, 0))
			TH_LOG("opcode %#x", ops[i]);
	}
	/* At full scope too, where lockdown lets it be asked. */
	if (!self->locked)
		ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       MOCK_P(), 0x0202, NULL, 0));
	/* No port leads to this kernel any more. */
	ASSERT_EQ(0, mock_port(&self->sw, &(struct cxl_mock_port)
			       PORT(0, 0, CXL_MOCK_PORT_AUTO)));
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					       MOCK_P(), ops[i], NULL, 0))
			TH_LOG("opcode %#x", ops[i]);
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), ops[i]));
	}
}

/*
 * A command whose CEL entry has no background effect, answered "background
 * command started" (and never finishing): the RPC fails with EPROTO at
 * once and the switch is asked to abort it (background_slot_after_a_lie
 * shows the slot was never taken).
 */
TEST_F(adv, background_not_in_cel)
{
	struct timespec t0, t1;

	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &t0));
	ASSERT_EQ(-EPROTO, mock_send_at(self->fd, FWCTL_RPC_CONFIGURATION,
					MOCK_P(), 0x0a32, NULL, 0));
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC, &t1));
	ASSERT_LT(t1.tv_sec - t0.tv_sec, 2);
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0a32));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0005));
}

#define RPC_EVENT	"/sys/kernel/tracing/events/cxl_fwctl/cxl_fwctl_rpc/enable"

/* Whether an event recorded since the trace was emptied holds @a, then @b. */
static bool rpc_traced(const char *a, const char *b)
{
	static char buf[65536];
	bool seen;

	write_file(RPC_EVENT, "0");
	if (read_file("/sys/kernel/tracing/trace", buf, sizeof(buf)) < 0)
		return false;
	seen = strstr(buf, a) && (!b || strstr(strstr(buf, a), b));
	return seen;
}

/*
 * A tunnelled command is named by what it carries: a firmware activation
 * refused behind the port in use reads as 0x0202, with its path, in the
 * event, not as one more 0x5300.
 */
TEST_F(adv, refusal_names_the_tunnelled_command)
{
	int t;

	if (access(RPC_EVENT, W_OK))
		SKIP(return, "no cxl_fwctl_rpc event: %s", strerror(errno));
	t = open("/sys/kernel/tracing/trace", O_WRONLY | O_TRUNC);
	ASSERT_LE(0, t);
	close(t);
	ASSERT_EQ(0, write_file(RPC_EVENT, "1"));
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
				       MOCK_P(0), 0x0202, NULL, 0));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), 0x0202));
	ASSERT_TRUE(rpc_traced("opcode=0x0202 via=0x5300 depth=1 path=0.0 scope=2",
			       "refused result=-16"));
}

/* Get Supported Logs of a mock component: one CEL of @size bytes. */
static int logs_claim(struct mock_switch *sw, struct cxl_mock_path path,
		      uint32_t size)
{
	static const uint8_t uuid[16] = {
		0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
		0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
	};
	static uint8_t out[8 + 0x14];
	struct cxl_mock_cmd c = {
		.flags = CXL_MOCK_CMD_IN_CEL,
		.path = path,
		.opcode = 0x0400,
		.reply = (uintptr_t)out,
		.reply_size = sizeof(out),
	};

	memset(out, 0, sizeof(out));
	out[0] = 1;
	memcpy(out + 8, uuid, sizeof(uuid));
	out[24] = size & 0xff;
	out[25] = (size >> 8) & 0xff;
	out[26] = (size >> 16) & 0xff;
	out[27] = size >> 24;
	return mock_cmd(sw, &c);
}

/* Get Log of a mock component: @len bytes of zeros, after @delay_ms. */
static int log_reply(struct mock_switch *sw, struct cxl_mock_path path,
		     uint32_t len, uint32_t delay_ms)
{
	static uint8_t out[2048];
	struct cxl_mock_cmd c = {
		.flags = CXL_MOCK_CMD_IN_CEL,
		.path = path,
		.opcode = 0x0401,
		.reply = (uintptr_t)out,
		.reply_size = len,
		.delay_ms = delay_ms,
	};

	return mock_cmd(sw, &c);
}

#define READ_BUDGET	"/sys/module/cxl_fwctl/parameters/read_budget_ms"
/* What the mock's 2 KiB payload area holds of a Get Log one level down. */
#define LOG_CHUNK	(2048 - 16)

/*
 * A target that paces its CEL: four bytes a reply of a 64 KiB log end the
 * log at the first reply (a CEL of one entry, without the command), and
 * whole chunks each just slow enough run into the read's budget (no CEL).
 * Either way the command is refused in seconds, not hours.
 */
TEST_F(adv, cel_read_paced)
{
	long long t;
	int ret;

	ASSERT_EQ(0, logs_claim(&self->sw, MOCK_P(1), 0x10000));
	ASSERT_EQ(0, log_reply(&self->sw, MOCK_P(1), 4, 0));
	ASSERT_EQ(-EOPNOTSUPP, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0),
					    NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1), 0x0401));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));

	ASSERT_EQ(0, log_reply(&self->sw, MOCK_P(1), LOG_CHUNK, 300));
	ASSERT_EQ(0, mock_reset_counts(&self->sw));
	ASSERT_EQ(0, write_file(READ_BUDGET, "1000"));
	t = mock_ms();
	ret = mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0);
	t = mock_ms() - t;
	ASSERT_EQ(0, write_file(READ_BUDGET, "10000"));
	ASSERT_EQ(-EOPNOTSUPP, ret);
	ASSERT_GT(4000, t);
	ASSERT_GE(5, mock_count(&self->sw, MOCK_P(1), 0x0401));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
}

/*
 * Killed in the middle of a paced CEL read, within its budget: the caller
 * dies at the next reply, and the tunnel it held is free for the next user.
 */
TEST_F(adv, killed_during_a_paced_read)
{
	long long t;
	int status;
	pid_t pid;

	ASSERT_EQ(0, logs_claim(&self->sw, MOCK_P(1), 0x10000));
	ASSERT_EQ(0, log_reply(&self->sw, MOCK_P(1), LOG_CHUNK, 300));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0);
		_exit(0);
	}
	usleep(700000);
	ASSERT_LT(0, mock_count(&self->sw, MOCK_P(1), 0x0401));
	t = mock_ms();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_GT(1000, mock_ms() - t);
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(2, 0), ROW_OP(0), NULL, 0));
	ASSERT_GT(1500, mock_ms() - t);
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
}

/*
 * The memory device's sanitize fence holds through a tunnel: behind a
 * free port sits a component with the serial number of this kernel's
 * volatile memory device (QEMU's, serial 2). While the kernel sanitizes
 * that device nothing tunnelled to it runs, as nothing runs on its own
 * node, through fwctl or the compatibility node; once done it does.
 */
TEST_F(adv, tunnel_sanitize_fence)
{
	struct cxl_mock_component c = comps[1];
	struct cxl_send_command cmd = { .id = CXL_MEM_COMMAND_ID_RAW };
	char mem[32], path[128];
	uint8_t buf[64], out[64];
	long long logs;
	int raw;

	if (memdev_by_serial(2, mem, sizeof(mem)))
		SKIP(return, "no memory device with serial 2 in this topology");
	c.serial = 2;
	ASSERT_EQ(0, mock_component(&self->sw, &c));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), ROW_OP(0), 0));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));

	raw = mock_open_raw(&self->sw);
	ASSERT_LE(0, raw);
	cmd.raw.opcode = 0x5300;
	cmd.in.size = mock_tunnel_to(buf, MOCK_P(1), ROW_OP(0), NULL, 0);
	cmd.in.payload = (uintptr_t)buf;
	cmd.out.size = sizeof(out);
	cmd.out.payload = (uintptr_t)out;
	snprintf(path, sizeof(path), CXL_DEVS "/%s/security/sanitize", mem);
	logs = mock_count(&self->sw, MOCK_P(1), 0x0400);
	ASSERT_EQ(0, write_file(path, "1"));
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(-1, ioctl(raw, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
	/* Asked its identity, nothing more: no CEL read while fenced. */
	ASSERT_EQ(logs, mock_count(&self->sw, MOCK_P(1), 0x0400));
	/* Another device behind another port is not fenced. */
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(2, 0), ROW_OP(0), NULL, 0));

	ASSERT_EQ(0, memdev_wait_sanitized(mem, 300));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(0, ioctl(raw, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(3, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
	close(raw);
}

/*
 * The switch's own firmware or identity changed without fwctl (a BMC, a
 * vendor tool, another host): noticed before the next judgement. Without
 * Get FW Info its CEL is read and compared every time; with it, whenever
 * what it says it runs changes; a new identity brings its quirks.
 */
TEST_F(adv, switch_changed_outside_fwctl)
{
	struct cxl_mock_component root = {
		.type = CXL_MOCK_COMP_SWITCH, .vendor = 0x1e98,
		.device = 0x0c0b, .serial = SW_SERIAL,
	};
	long long logs;

	ASSERT_EQ(0, add(&self->sw, MOCK_P(), 0x0300, 0));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	/* New firmware that cannot say so: its CEL tells. */
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), ROW_OP(0), 0x0002));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), ROW_OP(0)));
	/*
	 * Firmware that says what it runs (its CEL lists Get FW Info now):
	 * its CEL is read again when that changes, and only then.
	 */
	ASSERT_EQ(0, fw_info(&self->sw, MOCK_P(), '1'));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	logs = mock_count(&self->sw, MOCK_P(), 0x0401);
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), ROW_OP(0), 0));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_EQ(logs, mock_count(&self->sw, MOCK_P(), 0x0401));
	ASSERT_EQ(0, fw_info(&self->sw, MOCK_P(), '2'));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_EQ(2, mock_count(&self->sw, MOCK_P(), ROW_OP(0)));
	/* Another identity: QEMU's switch, whose timestamp aborts it. */
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(), 0x0300, NULL, 0));
	root.vendor = 0x19e5;
	root.device = 0xa128;
	ASSERT_EQ(0, mock_component(&self->sw, &root));
	ASSERT_EQ(-EOPNOTSUPP, mock_send_at(self->fd, 0, MOCK_P(), 0x0300,
					    NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0300));
}

#else /* ADV_WRITES */

/*
 * The accepted writes, built as cxl_adversarial_writes: each runs on a
 * tainted kernel and is audited.
 */
TEST_F(adv, accepted_writes_taint)
{
	uint8_t in[8] = { 1 };
	char buf[8192];
	int audit;

	/*
	 * A reset-time change needs DEBUG_WRITE, which lockdown leaves. The
	 * audit record names the command the tunnel carried and its path,
	 * not 0x5300; the core's line names the scope.
	 */
	audit = audit_open();
	ASSERT_LE(0, audit);
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(2, 0),
				  ROW_OP(3), NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(2, 0), ROW_OP(3)));
	ASSERT_TRUE(kernel_tainted_fwctl());
	ASSERT_LE(0, audit_collect(audit, buf, sizeof(buf)));
	ASSERT_LT(0, audit_lines(buf, "op=fwctl_rpc",
				 "scope=debug-write errno=0 res=1", NULL));
	ASSERT_LT(0, audit_lines(buf, "op=cxl_fwctl_write",
				 "opcode=0x0a03 depth=2 path=2.0 ",
				 "needs=2 rc=0 res=1")) TH_LOG("%s", buf);

	/* Physical Port Control of the free port 1: full scope. */
	audit = audit_open();
	ASSERT_LE(0, audit);
	if (self->locked) {
		ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       MOCK_P(), 0x5102, in, 2));
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x5102));
		close(audit);
		return;
	}
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL, MOCK_P(),
				  0x5102, in, 2));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x5102));
	ASSERT_LE(0, audit_collect(audit, buf, sizeof(buf)));
	ASSERT_LT(0, audit_lines(buf, "op=fwctl_rpc",
				 "scope=debug-write-full errno=0 res=1", NULL))
		TH_LOG("%s", buf);
}

/*
 * A tunnel target's CEL is never older than its firmware: read again for
 * every judgement while the target cannot say what it runs (no Get FW
 * Info), and whenever what it says changes, whoever activated it; dropped
 * after Physical Port Control.
 */
TEST_F(adv, tunnel_cel_follows_firmware)
{
	uint8_t in[8] = { 1 };

	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), ROW_OP(0), 0x0002));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	/* It says what it runs now. */
	ASSERT_EQ(0, fw_info(&self->sw, MOCK_P(1), '1'));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), ROW_OP(0), 0));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	/* New firmware, activated behind the kernel's back. */
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), ROW_OP(0), 0x0002));
	ASSERT_EQ(0, fw_info(&self->sw, MOCK_P(1), '2'));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(2, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
	if (self->locked) {
		/* Lockdown refuses the port change: nothing is dropped. */
		ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       MOCK_P(), 0x5102, in, 2));
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x5102));
		return;
	}
	/* Same firmware, other effects: the stricter cached verdict holds... */
	ASSERT_EQ(0, add(&self->sw, MOCK_P(1), ROW_OP(0), 0));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	/* ...until a port change drops the cache. */
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL, MOCK_P(),
				  0x5102, in, 2));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), ROW_OP(0), NULL, 0));
	ASSERT_EQ(3, mock_count(&self->sw, MOCK_P(1), ROW_OP(0)));
}

/*
 * The switch's own firmware activation, once no port leads to this
 * kernel: its CEL is read again; so after a vendor command.
 */
TEST_F(adv, firmware_activation_rereads_the_cel)
{
	ASSERT_EQ(0, mock_port(&self->sw, &(struct cxl_mock_port)
			       PORT(0, 0, CXL_MOCK_PORT_AUTO)));
	if (self->locked) {
		ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       MOCK_P(), 0x0202, NULL, 0));
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x0202));
		return;
	}
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), ROW_OP(0), 0x0002));
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL, MOCK_P(),
				  0x0202, NULL, 0));
	ASSERT_EQ(-EPERM, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), ROW_OP(0)));

	/* A vendor command may have done the same: read again after one. */
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), ROW_OP(0), 0));
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL, MOCK_P(),
				  0xc000, NULL, 0));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_EQ(2, mock_count(&self->sw, MOCK_P(), ROW_OP(0)));
}

/*
 * After a command lied its way into the background (background_not_in_cel)
 * the background slot is free: the next background command runs.
 */
TEST_F(adv, background_slot_after_a_lie)
{
	ASSERT_EQ(-EPROTO, mock_send_at(self->fd, FWCTL_RPC_CONFIGURATION,
					MOCK_P(), 0x0a32, NULL, 0));
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				  0x0a30, NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0a30));
}

/*
 * A background command tunnelled to a type-3 this kernel drives (behind
 * port 0): nothing waits for it or can end it, and the kernel's sanitize or
 * firmware transfer would wait behind it, so it is refused, abortable or
 * not. Behind a free port, directly or through the cascaded switch, its
 * effects decide.
 */
TEST_F(adv, tunnelled_background_to_ours)
{
	static const uint16_t ops[] = { 0x0a40, 0x0a41 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					       MOCK_P(0), ops[i], NULL, 0))
			TH_LOG("opcode %#x", ops[i]);
		ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), ops[i]));
		ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_DEBUG_READ_ONLY,
					       MOCK_P(1), ops[i], NULL, 0));
		ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					  MOCK_P(1), ops[i], NULL, 0));
		ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1), ops[i]));
		ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					  MOCK_P(2, 0), ops[i], NULL, 0));
		ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(2, 0), ops[i]));
	}
}

/* A background command on the switch, from a child that is then killed. */
static pid_t bg_child(int fd, uint16_t opcode)
{
	pid_t pid = fork();

	if (!pid) {
		mock_send_at(fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(), opcode, NULL, 0);
		_exit(0);
	}
	return pid;
}

/*
 * Killed while it waits for its background command: the command keeps
 * the device's one background slot while the device runs it (nothing else
 * may start), and the slot is free again once the device is done, not
 * only after an unbind.
 */
TEST_F(adv, killed_background_frees_the_slot)
{
	long long t;
	int status, ret = -EBUSY;
	pid_t pid;

	pid = bg_child(self->fd, 0x0a30);
	ASSERT_LE(0, pid);
	usleep(300000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0a30));
	ASSERT_EQ(-EBUSY, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(),
				       0x0a30, NULL, 0));
	t = mock_ms();
	while (ret == -EBUSY && mock_ms() - t < 10000) {
		usleep(100000);
		ret = mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(), 0x0a30,
				   NULL, 0);
	}
	ASSERT_EQ(0, ret) TH_LOG("after %lld ms", mock_ms() - t);
	ASSERT_GT(6000, mock_ms() - t);
	ASSERT_EQ(2, mock_count(&self->sw, MOCK_P(), 0x0a30));
	/* The abort is not the killed caller's to send: none was sent. */
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x0005));
}

/*
 * One the device says it can abort, and that would never end by itself:
 * the kernel aborts it when its caller is killed, so the slot is free at
 * once.
 */
TEST_F(adv, killed_abortable_background_is_aborted)
{
	int status;
	pid_t pid;

	pid = bg_child(self->fd, 0x0a31);
	ASSERT_LE(0, pid);
	usleep(300000);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0005));
	/* The slot is free at once: the next one runs (and ends, 1.5 s). */
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, MOCK_P(), 0x0a30,
				  NULL, 0));
}

/*
 * The switch changes (its CEL lists one more command) while another
 * caller waits for a 4 s background command: the next request reads the
 * CEL again, which takes the policy for writing, and is answered at once,
 * as is FWCTL_INFO; neither waits for the background command to end. The
 * policy is not held across a background wait.
 */
TEST_F(adv, background_wait_holds_no_policy)
{
	struct fwctl_info_cxl cxl = {};
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = sizeof(cxl),
		.out_device_data = (uintptr_t)&cxl,
	};
	long long t, logs;
	int status;
	pid_t pid;

	ASSERT_EQ(0, add_bg(&self->sw, 0x0a33, 0x0040, 4000));
	pid = bg_child(self->fd, 0x0a33);
	ASSERT_LE(0, pid);
	t = mock_ms();
	while (!mock_count(&self->sw, MOCK_P(), 0x0a33) && mock_ms() - t < 3000)
		usleep(20000);
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0a33));
	logs = mock_count(&self->sw, MOCK_P(), 0x0401);
	ASSERT_EQ(0, add(&self->sw, MOCK_P(), 0x0300, 0));

	t = mock_ms();
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(), ROW_OP(0), NULL, 0));
	ASSERT_LT(logs, mock_count(&self->sw, MOCK_P(), 0x0401));
	ASSERT_EQ(0, ioctl(self->fd, FWCTL_INFO, &info));
	ASSERT_GT(2000, mock_ms() - t) TH_LOG("%lld ms", mock_ms() - t);
	/* The background command ran on to its end meanwhile. */
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x0005));
}

#endif /* ADV_WRITES */

TEST_HARNESS_MAIN
