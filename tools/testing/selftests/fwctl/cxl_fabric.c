// SPDX-License-Identifier: GPL-2.0
/*
 * A fabric manager's day on the mock switch CCI (CONFIG_CXL_SWITCH_MOCK),
 * on a kernel built with CONFIG_CXL_FWCTL_FABRIC_MANAGER (the suites named
 * fabric*) and on one without (every other suite). The fabric:
 *
 *   switch, FM-API commands with the effects a real switch lists
 *     port 32: this host's upstream port (VCS 1)
 *     port 33: another host's upstream port (VCS 0)
 *     port 0: a type-3 this kernel drives (in use)
 *     port 1: a multi-logical type-3, nothing of ours below; LD 0 behind
 *             its FM-owned LD
 *     port 2: a type-3, nothing of ours below
 *   VCS 0 (another host's, USP 33): vPPB 0 bound to port 1 LD 0,
 *     vPPBs 1 and 2 unbound
 *   VCS 1 (this host's, USP 32): vPPB 0 bound to port 0, vPPB 1 unbound
 *
 * With the option the configuration commands on what leads to other hosts
 * run at CONFIGURATION, untainted, under lockdown too, each with an audit
 * record naming the person behind it and a trace event; without it they
 * keep the floors of a host kernel. On both, whatever acts on this kernel's
 * ports or its own virtual switch is refused with EBUSY, and firmware,
 * vendor and error-injection commands keep their scopes.
 */

#include "../kselftest_harness.h"
#include "mock_util.h"

#define HOST_USP	32
#define OTHER_USP	33
#define TRACE		"/sys/kernel/tracing"
#define FABRIC_EVENT	TRACE "/events/cxl_fwctl/cxl_fwctl_fabric/enable"
#define LOGIN_UID	"4242"

/* CEL effects, CXL r3.x table 8-75. */
#define CFG_IMM		0x0002
#define DATA_IMM	0x0004
#define POLICY_IMM	0x0008
#define SECURITY	0x0020
#define BACKGROUND	0x0040

#define PORT(p, f, st, conn)						\
	{ MOCK_AT(), .port = (p), .flags = (f), .state = (st),		\
	  .connected = (conn), .ltssm = 4, .max_width = 16, .width = 16,	\
	  .max_speed = 5, .speed = 5, .ld_count = 4 }

static const struct cxl_mock_component comps[] = {
	{ MOCK_AT(0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0xfa0 },
	{ MOCK_AT(1), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0xfa1 },
	{ MOCK_AT(1, 0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0xfa1 },
	{ MOCK_AT(2), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0xfa2 },
	/*
	 * Another head of the memory device this kernel drives as sn=1 on
	 * the default topology (the device serial number cxl_pci's device
	 * has), behind a free port.
	 */
	{ MOCK_AT(3), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 1 },
};

static const struct cxl_mock_port ports[] = {
	PORT(HOST_USP, CXL_MOCK_PORT_HOST, 4, 0),
	PORT(OTHER_USP, 0, 4, 0),
	PORT(0, CXL_MOCK_PORT_IN_USE, 3, CXL_MOCK_PORT_AUTO),
	PORT(1, 0, 3, 5),
	PORT(2, 0, 3, CXL_MOCK_PORT_AUTO),
	PORT(3, 0, 3, 5),
};

static const struct cxl_mock_vcs vcs[] = {
	{ MOCK_AT(), .vcs = 0, .state = 1, .usp = OTHER_USP, .nr_vppbs = 3,
	  .vppb = { { 3, 1, 0 }, { 0, 0, 0 }, { 0, 0, 0 } } },
	{ MOCK_AT(), .vcs = 1, .state = 1, .usp = HOST_USP, .nr_vppbs = 2,
	  .vppb = { { 2, 0, 0 }, { 0, 0, 0 } } },
};

/* The switch's FM-API and firmware commands. */
static const struct {
	uint16_t opcode;
	uint16_t effects;
	bool bg;
} sw_cmds[] = {
	{ 0x5102, CFG_IMM },			/* Physical Port Control */
	{ 0x5103, CFG_IMM },			/* PPB CXL.io config request */
	{ 0x5201, CFG_IMM | BACKGROUND, true },	/* Bind vPPB */
	{ 0x5202, CFG_IMM | BACKGROUND, true },	/* Unbind vPPB */
	{ 0x5203, CFG_IMM },			/* Generate AER Event */
	{ 0x0201, CFG_IMM | BACKGROUND },	/* Transfer FW */
	{ 0x0202, CFG_IMM },			/* Activate FW */
	{ 0xc000, 0 },				/* a vendor command */
};

/* An MLD's FM-API commands, as a memory device with LDs lists them. */
static const struct {
	uint16_t opcode;
	uint16_t effects;
} t3_cmds[] = {
	{ 0x5400, 0 },				/* Get LD Info */
	{ 0x5401, 0 },				/* Get LD Allocations */
	{ 0x5402, CFG_IMM },			/* Set LD Allocations */
	{ 0x5403, 0 },				/* Get QoS Control */
	{ 0x5404, CFG_IMM | POLICY_IMM },	/* Set QoS Control */
	{ 0x5409, CFG_IMM | POLICY_IMM },	/* Set QoS BW Limit */
	{ 0x5600, 0 },				/* Get DCD Info */
	{ 0x5602, CFG_IMM },			/* Set DC Region Configuration */
	{ 0x5604, CFG_IMM | DATA_IMM },		/* Initiate DC Add */
	{ 0x5605, CFG_IMM | DATA_IMM },		/* Initiate DC Release */
	{ 0x5606, SECURITY },			/* a lie: DC Add Reference */
	{ 0x0202, CFG_IMM },			/* Activate FW */
	{ 0xc001, 0 },				/* a vendor command */
};

FIXTURE(fab) {
	struct mock_switch sw;
	int fd;
	bool fm;
};

FIXTURE_SETUP(fab)
{
	static const struct cxl_mock_path t3[] = {
		MOCK_P(0), MOCK_P(1), MOCK_P(1, 0), MOCK_P(2), MOCK_P(3),
	};
	unsigned int i, j;

	self->fm = fabric_manager_kernel();
	ASSERT_EQ(0, mock_switch_create(&(struct mock_switch_desc){
		.vendor = 0x1e98, .device = 0x0c0b, .serial = 0xfab,
		.no_start = true,
		.comps = comps, .nr_comps = ARRAY_SIZE(comps),
		.ports = ports, .nr_ports = ARRAY_SIZE(ports),
		.vcs = vcs, .nr_vcs = ARRAY_SIZE(vcs) }, &self->sw));
	for (i = 0; i < ARRAY_SIZE(sw_cmds); i++) {
		struct cxl_mock_cmd c = {
			.flags = CXL_MOCK_CMD_IN_CEL |
				 (sw_cmds[i].bg ? CXL_MOCK_CMD_BG : 0),
			.opcode = sw_cmds[i].opcode,
			.effects = sw_cmds[i].effects,
			.bg_ms = 20,
		};

		ASSERT_EQ(0, mock_cmd(&self->sw, &c));
	}
	for (j = 0; j < ARRAY_SIZE(t3); j++) {
		for (i = 0; i < ARRAY_SIZE(t3_cmds); i++) {
			struct cxl_mock_cmd c = {
				.flags = CXL_MOCK_CMD_IN_CEL,
				.path = t3[j],
				.opcode = t3_cmds[i].opcode,
				.effects = t3_cmds[i].effects,
			};

			ASSERT_EQ(0, mock_cmd(&self->sw, &c));
		}
	}
	/* The MLD's FM-owned LD tunnels on to its LDs. */
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BUILTIN,
		.path = MOCK_P(1), .opcode = 0x5300 }));
	ASSERT_EQ(0, mock_start(&self->sw));
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", self->sw.fwctl, strerror(errno));
}

FIXTURE_TEARDOWN(fab)
{
	if (self->fd >= 0)
		close(self->fd);
	mock_destroy(&self->sw);
}

/* Start recording the fabric tracepoint from an empty buffer. */
static int trace_start(void)
{
	/* Opening the trace file with O_TRUNC empties the buffer. */
	int fd = open(TRACE "/trace", O_WRONLY | O_TRUNC);

	if (fd < 0)
		return -errno;
	close(fd);
	return write_file(FABRIC_EVENT, "1");
}

/* The fabric events recorded since trace_start() holding @a and @b. */
static int trace_count(const char *a, const char *b)
{
	static char buf[65536];
	char *line, *save;
	int n = 0;

	write_file(FABRIC_EVENT, "0");
	if (read_file(TRACE "/trace", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "cxl_fwctl_fabric:") && strstr(line, a) &&
		    (!b || strstr(line, b)))
			n++;
	return n;
}

/*
 * Whether fwctl had tainted the kernel before this program ran. Where it
 * had not (the fabric manager's guests run this suite first), requests at
 * CONFIGURATION must leave it so; write scopes taint by themselves.
 */
static bool tainted_at_start;

static void __attribute__((constructor)) note_taint(void)
{
	tainted_at_start = kernel_tainted_fwctl();
}

/* Discovery reads at CONFIGURATION on every kernel, and never taints. */
TEST_F(fab, discover)
{
	uint8_t ps[] = { 4, 0, 1, HOST_USP, OTHER_USP };
	uint8_t vi[] = { 0, 8, 2, 0, 1 };
	uint8_t ld[] = { 0, 4 };
	struct cxl_rsp rsp;

	ASSERT_EQ(0, cxl_rpc(self->fd, 0, 0x5100, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0, cxl_rpc(self->fd, 0, 0x5101, ps, sizeof(ps), &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0, cxl_rpc(self->fd, 0, 0x5200, vi, sizeof(vi), &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), 0x5400, NULL, 0));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1), 0x5401, ld, sizeof(ld)));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(1, 0), 0x5403, NULL, 0));
	ASSERT_EQ(0, mock_send_at(self->fd, 0, MOCK_P(2), 0x5600, NULL, 0));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1), 0x5400));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(1, 0), 0x5403));
	ASSERT_EQ(tainted_at_start, kernel_tainted_fwctl());
}

/* One write of the workflow: where it goes and what it carries. */
struct fm_write {
	struct cxl_mock_path at;
	uint16_t opcode;
	uint8_t in[8];
	uint8_t len;
	const char *names;	/* what its trace event names */
	bool data;		/* immediate data change (dynamic capacity) */
};

static const struct fm_write writes[] = {
	/* Bind port 1 LD 1 to vPPB 1 of the other host's VCS 0. */
	{ MOCK_P(), 0x5201, { 0, 1, 1, 0, 1, 0 }, 6,
	  "port=1 vcs=0 vppb=1 ld=1" },
	/* Unbind vPPB 0 of VCS 0. */
	{ MOCK_P(), 0x5202, { 0, 0, 0 }, 3, "port=-1 vcs=0 vppb=0 ld=-1" },
	/* Physical Port Control of port 2: assert PERST. */
	{ MOCK_P(), 0x5102, { 2, 0 }, 2, "port=2 vcs=-1" },
	/* Set LD Allocations of the MLD behind port 1. */
	{ MOCK_P(1), 0x5402, { 1, 0, 0, 0 }, 4, "depth=1 path=1.0" },
	/* Set QoS Control and BW Limit, of it and of its LD 0. */
	{ MOCK_P(1), 0x5404, { 0 }, 8, "depth=1 path=1.0" },
	{ MOCK_P(1, 0), 0x5409, { 1, 0 }, 2, "depth=2 path=1.0" },
	/* Dynamic capacity: region configuration, add and release. */
	{ MOCK_P(2), 0x5602, { 0 }, 8, "depth=1 path=2.0" },
	{ MOCK_P(2), 0x5604, { 0 }, 8, "depth=1 path=2.0", true },
	{ MOCK_P(2), 0x5605, { 0 }, 8, "depth=1 path=2.0", true },
};

/*
 * The day's writes on what leads to other hosts. A fabric manager's kernel
 * runs each at CONFIGURATION without taint, under lockdown as well, and
 * records it with the login identity of the person behind the process; a
 * host kernel keeps its floors: DEBUG_WRITE_FULL for each, and nothing at
 * all for the dynamic capacity changes (immediate data changes).
 */
TEST_F(fab, workflow)
{
	unsigned int i;
	int audit;

	/* "sudo fwctl" by user 4242: uid 0, the login uid stays 4242. */
	ASSERT_EQ(0, write_file("/proc/self/loginuid", LOGIN_UID));
	ASSERT_EQ(0, trace_start());
	audit = audit_open();
	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));
	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		const struct fm_write *w = &writes[i];
		int want = self->fm ? 0 : w->data ? -EOPNOTSUPP : -EPERM;

		ASSERT_EQ(want, mock_send_at(self->fd, FWCTL_RPC_CONFIGURATION, w->at,
					     w->opcode, w->in, w->len))
			TH_LOG("opcode %#x", w->opcode);
		ASSERT_EQ(self->fm, mock_count(&self->sw, w->at, w->opcode))
			TH_LOG("opcode %#x", w->opcode);
		if (!self->fm) {
			/* A host's floor, refused or not at any lower scope. */
			ASSERT_EQ(w->data ? -EOPNOTSUPP : -EPERM,
				  mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE, w->at,
					       w->opcode, w->in, w->len));
			ASSERT_EQ(0, mock_count(&self->sw, w->at, w->opcode));
		}
	}
	/* The host's refusals asked for DEBUG_WRITE: that taints. */
	ASSERT_EQ(tainted_at_start || !self->fm, kernel_tainted_fwctl());

	/* The trail: one record and one event per write that ran. */
	ASSERT_EQ(self->fm ? (int)ARRAY_SIZE(writes) : 0,
		  audit_count(audit, "op=cxl_fabric_config",
			      "auid=" LOGIN_UID, " uid=0", ARRAY_SIZE(writes)));
	for (i = 0; i < ARRAY_SIZE(writes); i++) {
		char op[32];

		snprintf(op, sizeof(op), "opcode=0x%04x", writes[i].opcode);
		ASSERT_EQ(self->fm, trace_count(op, writes[i].names))
			TH_LOG("%s %s", op, writes[i].names);
	}
	ASSERT_EQ(self->fm ? (int)ARRAY_SIZE(writes) : 0,
		  trace_count("comm=cxl_fabric", "scope=0 needed=0 result=0"));
}

/*
 * The audit record names the command, where it acted and the person; a
 * host's kernel refuses the command and records nothing.
 */
TEST_F(fab, audit_record)
{
	uint8_t in[6] = { 0, 2, 2, 0, 0, 0 };
	int audit;

	ASSERT_EQ(0, write_file("/proc/self/loginuid", LOGIN_UID));
	audit = audit_open();
	ASSERT_LE(0, audit);
	if (!self->fm) {
		/* A host's kernel: refused, so nothing to record. */
		ASSERT_EQ(-EPERM, mock_send_at(self->fd, FWCTL_RPC_CONFIGURATION,
					       MOCK_P(), 0x5201, in, sizeof(in)));
		ASSERT_EQ(0, audit_count(audit, "op=cxl_fabric_config",
					 "opcode=0x5201", NULL, 1));
		return;
	}
	ASSERT_EQ(0, mock_send_at(self->fd, FWCTL_RPC_CONFIGURATION, MOCK_P(),
				  0x5201, in, sizeof(in)));
	ASSERT_EQ(1, audit_count(audit, "op=cxl_fabric_config",
				 "opcode=0x5201 depth=0 path=0.0 port=2 vcs=0 vppb=2 ld=0 scope=0 needs=0 rc=0 res=1",
				 "auid=" LOGIN_UID " uid=0", 1));
}

/*
 * On every kernel: what acts on this kernel's devices, an upstream port or
 * this host's own virtual switch is refused with EBUSY at every scope the
 * core lets through, before the device sees it.
 */
TEST_F(fab, ours_refused)
{
	static const struct {
		struct cxl_mock_path at;
		uint16_t opcode;
		uint8_t in[8];
		uint8_t len;
	} ours[] = {
		/* Port control of the port in use, and of the upstream ports. */
		{ MOCK_P(), 0x5102, { 0, 0 }, 2 },
		{ MOCK_P(), 0x5102, { HOST_USP, 0 }, 2 },
		{ MOCK_P(), 0x5102, { OTHER_USP, 0 }, 2 },
		/* A free port bound into this host's VCS 1: a hot-add. */
		{ MOCK_P(), 0x5201, { 1, 1, 2, 0, 0, 0 }, 6 },
		/* Another host's VCS, but the port in use or an upstream one. */
		{ MOCK_P(), 0x5201, { 0, 1, 0, 0, 0, 0 }, 6 },
		{ MOCK_P(), 0x5201, { 0, 1, HOST_USP, 0, 0, 0 }, 6 },
		/* Unbinding from this host's VCS, even an unbound vPPB. */
		{ MOCK_P(), 0x5202, { 1, 0, 0 }, 3 },
		{ MOCK_P(), 0x5202, { 1, 1, 0 }, 3 },
		/* AER into a vPPB of this host's VCS: a port pcieport drives. */
		{ MOCK_P(), 0x5203, { 1, 1, 0, 0 }, 4 },
		/* A VCS the switch does not describe. */
		{ MOCK_P(), 0x5201, { 3, 0, 2, 0, 0, 0 }, 6 },
		/* LD, QoS and capacity of the device this kernel drives. */
		{ MOCK_P(0), 0x5402, { 1, 0, 0, 0 }, 4 },
		{ MOCK_P(0), 0x5404, { 0 }, 8 },
		{ MOCK_P(0), 0x5604, { 0 }, 8 },
		/* The same, its other head reached through a free port. */
		{ MOCK_P(3), 0x5402, { 1, 0, 0, 0 }, 4 },
		{ MOCK_P(3), 0x5604, { 0 }, 8 },
	};
	/* Lockdown refuses DEBUG_WRITE_FULL before the policy sees it. */
	uint32_t scopes[] = { FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE,
			      FWCTL_RPC_DEBUG_WRITE_FULL };
	unsigned int nscopes = strcmp(lockdown_level(), "none") ? 2 : 3;
	unsigned int i, s;

	for (i = 0; i < ARRAY_SIZE(ours); i++) {
		for (s = 0; s < nscopes; s++) {
			uint32_t scope = scopes[s];

			ASSERT_EQ(-EBUSY, mock_send_at(self->fd, scope, ours[i].at,
						       ours[i].opcode, ours[i].in,
						  ours[i].len))
				TH_LOG("case %u scope %u", i, scope);
		}
		ASSERT_EQ(0, mock_count(&self->sw, ours[i].at, ours[i].opcode))
			TH_LOG("case %u", i);
	}
}

/*
 * Commands that change what a device is, inject errors or reach raw config
 * space keep their scopes on a fabric manager's kernel too, on a free port
 * of another host. The switch's firmware acts on every port, port 0 (this
 * kernel's) among them: refused on both kernels; its vendor commands run,
 * at full scope, only where the kernel owns the fabric.
 */
#define VENDOR_AT_SWITCH	1	/* -EPERM or -EBUSY, by the kernel */

TEST_F(fab, kept_scopes)
{
	static const struct {
		struct cxl_mock_path at;
		uint16_t opcode;
		uint8_t in[8];
		uint8_t len;
		int err;
	} kept[] = {
		{ MOCK_P(), 0x0202, { 0 }, 1, -EBUSY },
		{ MOCK_P(), 0xc000, { 0 }, 0, VENDOR_AT_SWITCH },
		{ MOCK_P(), 0x5203, { 0, 1, 0, 0 }, 4, -EPERM },
		{ MOCK_P(), 0x5103, { 2, 0, 0, 0 }, 4, -EPERM },
		/* A type-3's firmware stays the kernel's, as everywhere. */
		{ MOCK_P(1), 0x0202, { 0 }, 1, -EBUSY },
		{ MOCK_P(1), 0xc001, { 0 }, 0, -EPERM },
		/* A configuration command that claims a security change. */
		{ MOCK_P(1), 0x5606, { 0 }, 8, -EOPNOTSUPP },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kept); i++) {
		int err = kept[i].err;

		if (err == VENDOR_AT_SWITCH)
			err = self->fm ? -EPERM : -EBUSY;
		ASSERT_EQ(err, mock_send_at(self->fd, FWCTL_RPC_DEBUG_WRITE,
					    kept[i].at, kept[i].opcode,
					    kept[i].in, kept[i].len))
			TH_LOG("case %u", i);
		ASSERT_EQ(0, mock_count(&self->sw, kept[i].at, kept[i].opcode));
	}
}

/* The commands query tells the scope each command needs on this kernel. */
TEST_F(fab, commands_query)
{
	static const struct {
		uint16_t opcode;
		uint32_t fm;		/* with the option */
		uint32_t host;		/* without */
	} want[] = {
		{ 0x5100, FWCTL_RPC_CONFIGURATION, FWCTL_RPC_CONFIGURATION },
		{ 0x5102, FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL },
		{ 0x5201, FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL },
		{ 0x5202, FWCTL_RPC_CONFIGURATION, FWCTL_RPC_DEBUG_WRITE_FULL },
		{ 0x5103, FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
		{ 0x5203, FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
		{ 0x0202, FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
		{ 0xc000, FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_DEBUG_WRITE_FULL },
	};
	struct fwctl_cxl_command cmds[64];
	unsigned int i, j, n;
	int ret;

	ret = cxl_query_commands(self->fd, FWCTL_RPC_CONFIGURATION, cmds,
				 ARRAY_SIZE(cmds));
	ASSERT_LE(0, ret);
	n = ret;
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		uint32_t scope = self->fm ? want[i].fm : want[i].host;

		for (j = 0; j < n && cmds[j].opcode != want[i].opcode; j++)
			;
		ASSERT_LT(j, n) TH_LOG("opcode %#x not listed", want[i].opcode);
		ASSERT_EQ(scope, cmds[j].scope) TH_LOG("opcode %#x", cmds[j].opcode);
		ASSERT_EQ(0, cmds[j].flags & FWCTL_CXL_COMMAND_REFUSED);
	}
	/* Bind and unbind run in the background. */
	for (j = 0; j < n && cmds[j].opcode != 0x5201; j++)
		;
	ASSERT_LT(j, n);
	ASSERT_TRUE(cmds[j].flags & FWCTL_CXL_COMMAND_BACKGROUND);
}

TEST_HARNESS_MAIN
