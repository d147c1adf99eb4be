// SPDX-License-Identifier: GPL-2.0
/*
 * The mock CXL switch CCI (CONFIG_CXL_SWITCH_MOCK) and the mailbox
 * transport through the real switch driver: the device answers as
 * configured (identity, CEL, ports, VCSs, tunnels to depth 3, return codes,
 * replies, background commands), records what it executed, and each of its
 * faults (stuck doorbell, all ones, bogus length, delays, removal with RPCs
 * in flight, lost interrupts) ends in a clean errno within a bounded time.
 * Nothing here needs DEBUG_WRITE_FULL: it runs unchanged under lockdown.
 * Each test runs on the "polled" mock (no mailbox interrupt) and on the
 * "irq" one (doorbell and background interrupts through an irq_sim line).
 */
#include <linux/cxl_mem.h>
#include <pthread.h>

#include "../kselftest_harness.h"
#include "mock_util.h"

#define OP_IDENTIFY	0x0001
#define OP_BG_STATUS	0x0002
#define OP_LOGS		0x0400
#define OP_GET_LOG	0x0401
#define OP_ID_SWITCH	0x5100
#define OP_PORT_STATE	0x5101
#define OP_VCS_INFO	0x5200
#define OP_TUNNEL	0x5300
/* Unassigned generic opcodes: judged by the effects the mock claims. */
#define OP_A		0x0d00
#define OP_B		0x0d01
#define OP_C		0x0d02
/* What the components behind ports answer to; the driver never sends it. */
#define OP_MARK		0x0d10

#define CFG		FWCTL_RPC_CONFIGURATION

static const uint8_t cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

/*
 * The fabric: a type-3 behind port 0; a switch behind port 1 with a type-3
 * behind its port 2 and a switch behind its port 3, which has a type-3
 * behind its port 4.
 */
static const struct cxl_mock_component fabric[] = {
	{ MOCK_AT(0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0x30 },
	{ MOCK_AT(1), .type = CXL_MOCK_COMP_SWITCH, .vendor = 0x19e5,
	  .device = 0xa128, .serial = 0x31 },
	{ MOCK_AT(1, 2), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0x32 },
	{ MOCK_AT(1, 3), .type = CXL_MOCK_COMP_SWITCH, .vendor = 0x19e5,
	  .device = 0xa128, .serial = 0x33 },
	{ MOCK_AT(1, 3, 4), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x8086,
	  .device = 0x0d93, .serial = 0x34 },
};

static const struct cxl_mock_port fabric_ports[] = {
	{ .port = 9, .state = 4, .connected = 0, .ltssm = 4, .max_width = 16,
	  .width = 8, .max_speed = 5, .speed = 4, .ld_count = 0,
	  .flags = CXL_MOCK_PORT_IN_USE },
};

static const uint8_t reply_a[] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };

static const struct cxl_mock_cmd fabric_cmds[] = {
	/* Implemented and listed, with a reply. */
	{ .opcode = OP_A, .flags = CXL_MOCK_CMD_IN_CEL,
	  .reply = (uintptr_t)reply_a, .reply_size = sizeof(reply_a) },
	/* Listed twice, the second time with other effects; fails with 5. */
	{ .opcode = OP_B, .flags = CXL_MOCK_CMD_IN_CEL, .cel_dups = 1,
	  .dup_effects = 0x0001, .return_code = 5 },
	/* Implemented but not listed. */
	{ .opcode = OP_C },
	/* Listed, not implemented. */
	{ .opcode = 0x0d03, .flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_NOT_IMPL },
	/* Reserved effect bits. */
	{ .opcode = 0x0d04, .effects = 0x1000, .flags = CXL_MOCK_CMD_IN_CEL },
	/* A reply that claims more than the payload area holds. */
	{ .opcode = 0x0d05, .flags = CXL_MOCK_CMD_IN_CEL, .reply_len = 4096,
	  .reply = (uintptr_t)reply_a, .reply_size = sizeof(reply_a) },
	/* A reply that claims less than it has. */
	{ .opcode = 0x0d06, .flags = CXL_MOCK_CMD_IN_CEL, .reply_len = 2,
	  .reply = (uintptr_t)reply_a, .reply_size = sizeof(reply_a) },
	/* A vendor opcode behind port 0, listed there. */
	{ MOCK_AT(0), .opcode = 0xc001, .flags = CXL_MOCK_CMD_IN_CEL },
	{ MOCK_AT(0), .opcode = OP_MARK, .flags = CXL_MOCK_CMD_IN_CEL },
	{ MOCK_AT(1), .opcode = OP_MARK, .flags = CXL_MOCK_CMD_IN_CEL },
	{ MOCK_AT(1, 2), .opcode = OP_MARK, .flags = CXL_MOCK_CMD_IN_CEL },
	{ MOCK_AT(1, 3, 4), .opcode = OP_MARK, .flags = CXL_MOCK_CMD_IN_CEL },
};

/* The switch's CEL in the order the mock lists it: sorted by opcode. */
static const uint16_t fabric_cel[][2] = {
	{ 0x0001, 0 }, { 0x0002, 0 }, { 0x0005, 0 }, { 0x0400, 0 },
	{ 0x0401, 0 }, { OP_A, 0 }, { OP_B, 0 }, { OP_B, 1 }, { 0x0d03, 0 },
	{ 0x0d04, 0x1000 }, { 0x0d05, 0 }, { 0x0d06, 0 }, { 0x5100, 0 },
	{ 0x5101, 0 }, { 0x5200, 0 }, { 0x5300, 0 },
};

static const struct cxl_mock_vcs fabric_vcs[] = {
	{ .vcs = 0, .state = 1, .usp = 9, .nr_vppbs = 3,
	  .vppb = { { .status = 2, .port = 0 }, { .status = 0 },
		    { .status = 3, .port = 1, .ld = 2 } } },
	{ .vcs = 5, .state = 0, .usp = 7, .nr_vppbs = 1,
	  .vppb = { { .status = 1, .port = 1 } } },
};

FIXTURE(mock) {
	struct mock_switch sw;
	int fd;
};

FIXTURE_VARIANT(mock) {
	uint32_t flags;
};

FIXTURE_VARIANT_ADD(mock, polled) {
	.flags = 0,
};

FIXTURE_VARIANT_ADD(mock, irq) {
	.flags = CXL_MOCK_F_DOORBELL_IRQ | CXL_MOCK_F_BG_IRQ,
};

FIXTURE_SETUP(mock)
{
	ASSERT_EQ(0, mock_switch_create(&(struct mock_switch_desc){
		.flags = variant->flags,
		.vendor = 0x1e98, .device = 0x0c0b, .serial = 0xabcdef,
		.ports = fabric_ports, .nr_ports = ARRAY_SIZE(fabric_ports),
		.comps = fabric, .nr_comps = ARRAY_SIZE(fabric),
		.cmds = fabric_cmds, .nr_cmds = ARRAY_SIZE(fabric_cmds),
		.vcs = fabric_vcs, .nr_vcs = ARRAY_SIZE(fabric_vcs),
	}, &self->sw));
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", self->sw.fwctl, strerror(errno));
	/* The driver's probe ran commands; tests count from zero. */
	ASSERT_EQ(0, mock_reset_counts(&self->sw));
}

FIXTURE_TEARDOWN(mock)
{
	if (self->fd >= 0)
		close(self->fd);
	mock_destroy(&self->sw);
}

static int rpc(int fd, uint16_t op, const void *in, size_t len,
	       struct cxl_rsp *rsp)
{
	return cxl_rpc(fd, CFG, op, in, len, rsp);
}

/*
 * Open a sysfs attribute of the switch for reading as user nobody, in a
 * child; the errno it got, 0 when it opened.
 */
static int as_nobody_open(const char *name, const char *attr)
{
	char path[256];
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), MOCK_SYSFS "/%s/%s", name, attr);
	pid = fork();
	if (pid == 0) {
		/* As root, these set the real, effective and saved IDs. */
		if (setgid(65534) || setuid(65534))
			_exit(255);
		_exit(open(path, O_RDONLY) < 0 ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(mock, identify_and_sysfs)
{
	char buf[64];
	struct fwctl_info_cxl data;
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = sizeof(data),
		.out_device_data = (uintptr_t)&data,
	};
	struct cxl_rsp rsp;

	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0x12, rsp.hdr.size);
	ASSERT_EQ(0x1e98, le16(rsp.payload));
	ASSERT_EQ(0x0c0b, le16(rsp.payload + 2));
	ASSERT_EQ(0xabcdef, le64(rsp.payload + 8));
	ASSERT_EQ(11, rsp.payload[0x10]);
	ASSERT_EQ(0, rsp.payload[0x11]);
	/* The command, and the switch's check of itself before it. */
	ASSERT_EQ(2, mock_count(&self->sw, MOCK_P(), OP_IDENTIFY));

	ASSERT_EQ(0, ioctl(self->fd, FWCTL_INFO, &info));
	ASSERT_EQ(FWCTL_CXL_SWITCH_CCI, data.component);
	ASSERT_EQ(2048, data.payload_size);
	/* OP_B's duplicate is merged. */
	ASSERT_EQ(ARRAY_SIZE(fabric_cel) - 1, data.cel_entries);
	ASSERT_EQ(0xabcdef, data.serial);

	ASSERT_LT(0, mock_sysfs(&self->sw, "cxl_switch/serial", buf, sizeof(buf)));
	ASSERT_STREQ("0x0000000000abcdef", buf);
	ASSERT_LT(0, mock_sysfs(&self->sw, "cxl_switch/active_ports", buf, sizeof(buf)));
	ASSERT_STREQ("0-1,9", buf);
	ASSERT_LT(0, mock_sysfs(&self->sw, "port9/state", buf, sizeof(buf)));
	ASSERT_STREQ("upstream", buf);
	ASSERT_LT(0, mock_sysfs(&self->sw, "port0/connected_device", buf, sizeof(buf)));
	ASSERT_STREQ("type3-sld", buf);

	/* Each read is a mailbox command: not for an unprivileged user. */
	ASSERT_EQ(0, mock_reset_counts(&self->sw));
	ASSERT_EQ(EACCES, as_nobody_open(self->sw.name, "port9/state"));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x5101));
}

/* The CEL whole, and in chunks at byte offsets, as configured. */
TEST_F(mock, command_effects_log)
{
	uint8_t in[0x18], cel[256];
	struct cxl_rsp rsp;
	uint32_t size, off, i;

	ASSERT_EQ(0, rpc(self->fd, OP_LOGS, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(8 + 0x14, rsp.hdr.size);
	ASSERT_EQ(1, le16(rsp.payload));
	ASSERT_EQ(0, memcmp(rsp.payload + 8, cel_uuid, 16));
	size = le32(rsp.payload + 8 + 16);
	ASSERT_EQ(4 * ARRAY_SIZE(fabric_cel), size);

	/* 6-byte chunks: entries split across reads. */
	for (off = 0; off < size; off += rsp.hdr.size) {
		memcpy(in, cel_uuid, 16);
		memset(in + 16, 0, 8);
		in[16] = off;
		in[20] = 6;
		ASSERT_EQ(0, rpc(self->fd, OP_GET_LOG, in, sizeof(in), &rsp));
		ASSERT_EQ(0, rsp.hdr.retval);
		ASSERT_EQ(size - off < 6 ? size - off : 6, rsp.hdr.size);
		memcpy(cel + off, rsp.payload, rsp.hdr.size);
	}
	for (i = 0; i < ARRAY_SIZE(fabric_cel); i++) {
		ASSERT_EQ(fabric_cel[i][0], le16(cel + 4 * i));
		ASSERT_EQ(fabric_cel[i][1], le16(cel + 4 * i + 2));
	}
	/* An unknown log, a short request. */
	in[0] ^= 1;
	ASSERT_EQ(0, rpc(self->fd, OP_GET_LOG, in, sizeof(in), &rsp));
	ASSERT_EQ(0x17, rsp.hdr.retval);
	ASSERT_EQ(0, rpc(self->fd, OP_GET_LOG, in, 8, &rsp));
	ASSERT_EQ(0x16, rsp.hdr.retval);
}

/* Commands from the table: replies, return codes and the lies of a CEL. */
TEST_F(mock, command_table)
{
	struct cxl_rsp rsp;

	ASSERT_EQ(0, rpc(self->fd, OP_A, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(sizeof(reply_a), rsp.hdr.size);
	ASSERT_EQ(0, memcmp(rsp.payload, reply_a, sizeof(reply_a)));
	ASSERT_EQ(0, rpc(self->fd, 0x0d06, NULL, 0, &rsp));
	ASSERT_EQ(2, rsp.hdr.size);

	/* Listed twice, the union of the effects is judged: DEBUG_WRITE. */
	ASSERT_EQ(-EPERM, rpc(self->fd, OP_B, NULL, 0, &rsp));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), OP_B));
	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, OP_B, NULL, 0,
			     &rsp));
	ASSERT_EQ(5, rsp.hdr.retval);
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), OP_B));

	/* Listed but not implemented: the device says unsupported. */
	ASSERT_EQ(0, rpc(self->fd, 0x0d03, NULL, 0, &rsp));
	ASSERT_EQ(3, rsp.hdr.retval);
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0d03));

	/* Refused before the device: not listed, reserved effect bits. */
	ASSERT_EQ(-EOPNOTSUPP, rpc(self->fd, OP_C, NULL, 0, &rsp));
	ASSERT_EQ(-EOPNOTSUPP, rpc(self->fd, 0x0d04, NULL, 0, &rsp));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), OP_C));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x0d04));
}

/*
 * Tunnel a command without payload through the ports of path; returns 0
 * with the innermost output at *out, -errno, 1000 + the outer return code
 * or 2000 + an inner one.
 */
static int tunnel_cmd(int fd, struct cxl_mock_path path, uint16_t opcode,
		      struct cxl_rsp *rsp, const uint8_t **out)
{
	uint8_t bufs[2][128];
	const uint8_t *p;
	uint16_t op = opcode;
	size_t len = 0;
	int i, cur = 0, ret;

	/* Innermost first, each level wrapping the one before. */
	for (i = path.depth - 1; i >= 0; i--) {
		len = cxl_tunnel(bufs[cur], path.port[i], op, bufs[!cur], len);
		op = OP_TUNNEL;
		cur = !cur;
	}
	ret = rpc(fd, OP_TUNNEL, bufs[!cur], len, rsp);
	if (ret || rsp->hdr.retval)
		return ret ?: 1000 + rsp->hdr.retval;
	for (p = rsp->payload, i = 0; i < path.depth; i++) {
		p += 4;		/* response length, reserved */
		if ((p[0] & 0xf) != 1 || p[1] != 0x42 || le16(p + 8))
			return 2000 + le16(p + 8);
		p += 12;
	}
	*out = p;
	return 0;
}

static int tunnel_identify(int fd, struct cxl_mock_path path,
			   struct cxl_rsp *rsp, const uint8_t **id)
{
	return tunnel_cmd(fd, path, OP_IDENTIFY, rsp, id);
}

/* How often each component executed OP_MARK, as a number base 10. */
static long long marks(struct mock_switch *sw)
{
	return mock_count(sw, MOCK_P(), OP_MARK) +
	       10 * mock_count(sw, MOCK_P(0), OP_MARK) +
	       100 * mock_count(sw, MOCK_P(1), OP_MARK) +
	       1000 * mock_count(sw, MOCK_P(1, 2), OP_MARK) +
	       10000 * mock_count(sw, MOCK_P(1, 3, 4), OP_MARK);
}

TEST_F(mock, tunnels_reach_their_component)
{
	const uint8_t *id;
	struct cxl_rsp rsp;

	/* Each answers for itself... */
	ASSERT_EQ(0, tunnel_identify(self->fd, MOCK_P(0), &rsp, &id));
	ASSERT_EQ(0x30, le64(id + 8));
	ASSERT_EQ(3, id[0x11]);
	ASSERT_LE(1, mock_count(&self->sw, MOCK_P(0), OP_IDENTIFY));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1, 2), OP_IDENTIFY));

	ASSERT_EQ(0, tunnel_identify(self->fd, MOCK_P(1), &rsp, &id));
	ASSERT_EQ(0x31, le64(id + 8));
	ASSERT_EQ(0, id[0x11]);

	ASSERT_EQ(0, tunnel_identify(self->fd, MOCK_P(1, 2), &rsp, &id));
	ASSERT_EQ(0x8086, le16(id));
	ASSERT_EQ(0x32, le64(id + 8));
	ASSERT_EQ(3, id[0x11]);
	ASSERT_LE(1, mock_count(&self->sw, MOCK_P(1, 2), OP_IDENTIFY));
	ASSERT_LE(1, mock_count(&self->sw, MOCK_P(1), OP_TUNNEL));

	/* ...and a command only the test sends runs there exactly once. */
	ASSERT_EQ(0, tunnel_cmd(self->fd, MOCK_P(0), OP_MARK, &rsp, &id));
	ASSERT_EQ(10, marks(&self->sw));
	ASSERT_EQ(0, tunnel_cmd(self->fd, MOCK_P(1), OP_MARK, &rsp, &id));
	ASSERT_EQ(110, marks(&self->sw));
	ASSERT_EQ(0, tunnel_cmd(self->fd, MOCK_P(1, 2), OP_MARK, &rsp, &id));
	ASSERT_EQ(1110, marks(&self->sw));

	/*
	 * Depth 3: the policy allows two levels (CXL_TUNNEL_MAX_DEPTH).
	 * The refusal comes before the innermost tunnel ran: the switch at
	 * 1.3 was never asked to tunnel, the type-3 at 1.3.4 never saw it.
	 */
	ASSERT_EQ(-EOPNOTSUPP, tunnel_cmd(self->fd, MOCK_P(1, 3, 4), OP_MARK,
					  &rsp, &id));
	ASSERT_EQ(1110, marks(&self->sw));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1, 3), OP_TUNNEL));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(1, 3, 4), OP_IDENTIFY));

	/* Nobody there: nothing to judge it by, refused. */
	ASSERT_EQ(-EOPNOTSUPP, tunnel_cmd(self->fd, MOCK_P(7), OP_MARK, &rsp,
					  &id));
	ASSERT_EQ(1110, marks(&self->sw));
}

/* What the policy refuses behind a tunnel; the response framing. */
TEST_F(mock, tunnel_framing)
{
	uint8_t req[64];
	struct cxl_rsp rsp;
	size_t len;

	len = cxl_tunnel(req, 0, OP_A, "xy", 2);
	ASSERT_EQ(-EOPNOTSUPP, rpc(self->fd, OP_TUNNEL, req, len, &rsp));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), OP_A));
	/* The type-3's own vendor command: DEBUG_WRITE_FULL, never CFG. */
	len = cxl_tunnel(req, 0, 0xc001, NULL, 0);
	ASSERT_EQ(-EPERM, rpc(self->fd, OP_TUNNEL, req, len, &rsp));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), 0xc001));

	/* Identify: response length 12 + 18, the tag echoed, opcode, size. */
	len = cxl_tunnel(req, 0, OP_IDENTIFY, NULL, 0);
	ASSERT_EQ(0, rpc(self->fd, OP_TUNNEL, req, len, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(4 + 12 + 0x12, rsp.hdr.size);
	ASSERT_EQ(12 + 0x12, le16(rsp.payload));
	ASSERT_EQ(1, rsp.payload[4]);
	ASSERT_EQ(0x42, rsp.payload[5]);
	ASSERT_EQ(0x01, rsp.payload[7]);
	ASSERT_EQ(0x00, rsp.payload[8]);
	ASSERT_EQ(0x12, le32(rsp.payload + 9) & 0x1fffff);
	ASSERT_EQ(0, le16(rsp.payload + 12));
}

TEST_F(mock, execution_record)
{
	struct cxl_rsp rsp;
	int i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	/* Each with the switch's Identify of itself before it. */
	ASSERT_EQ(10, mock_count(&self->sw, MOCK_P(), OP_IDENTIFY));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), OP_A));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), OP_IDENTIFY));
	ASSERT_EQ(-ENOENT, mock_count(&self->sw, MOCK_P(5), OP_IDENTIFY));
	ASSERT_EQ(0, mock_reset_counts(&self->sw));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), OP_IDENTIFY));
	/* Refused by the policy: never reached the device. */
	/* Physical Port Control of the upstream port, in use here. */
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102,
				  "\x09\0", 2, &rsp));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), 0x5102));
}

TEST_F(mock, ports_and_virtual_switches)
{
	uint8_t in[8] = { 3, 0, 1, 9 }, vin[8] = { 1, 8, 2, 0, 5 };
	struct cxl_rsp rsp;
	char buf[64];
	const uint8_t *b;

	ASSERT_EQ(0, rpc(self->fd, OP_ID_SWITCH, NULL, 0, &rsp));
	ASSERT_EQ(0x49, rsp.hdr.size);
	ASSERT_EQ(3, rsp.payload[2]);
	ASSERT_EQ(2, rsp.payload[3]);
	ASSERT_EQ(0x03, rsp.payload[4]);
	ASSERT_EQ(0x02, rsp.payload[5]);
	ASSERT_EQ(0x21, rsp.payload[0x24]);	/* VCS 0 and 5 */
	ASSERT_EQ(4, le16(rsp.payload + 0x44));
	ASSERT_EQ(2, le16(rsp.payload + 0x46));

	ASSERT_EQ(0, rpc(self->fd, OP_PORT_STATE, in, 4, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(4 + 3 * 16, rsp.hdr.size);
	b = rsp.payload + 4;
	ASSERT_EQ(0, b[0]);
	ASSERT_EQ(3, b[1]);
	ASSERT_EQ(4, b[4]);		/* a type-3 */
	ASSERT_EQ(1, b[16 + 4]);	/* a switch: PCIe */
	ASSERT_EQ(9, b[32]);
	ASSERT_EQ(4, b[33]);
	ASSERT_EQ(8, b[32 + 7]);
	in[3] = 10;
	ASSERT_EQ(0, rpc(self->fd, OP_PORT_STATE, in, 4, &rsp));
	ASSERT_EQ(2, rsp.hdr.retval);

	/* From vPPB 1, at most 8 each, VCSs 0 and 5. */
	ASSERT_EQ(0, rpc(self->fd, OP_VCS_INFO, vin, 5, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(4 + 4 + 2 * 4 + 4, rsp.hdr.size);
	ASSERT_EQ(2, rsp.payload[0]);
	b = rsp.payload + 4;
	ASSERT_EQ(0, b[0]);
	ASSERT_EQ(1, b[1]);
	ASSERT_EQ(9, b[2]);
	ASSERT_EQ(3, b[3]);
	ASSERT_EQ(0, b[4]);		/* vPPB 1: unbound */
	ASSERT_EQ(3, b[8]);		/* vPPB 2: bound to an LD */
	ASSERT_EQ(1, b[9]);
	ASSERT_EQ(2, b[10]);
	ASSERT_EQ(5, b[12]);
	ASSERT_EQ(7, b[14]);
	ASSERT_EQ(1, b[15]);		/* one vPPB, none listed from 1 */
	vin[4] = 6;
	ASSERT_EQ(0, rpc(self->fd, OP_VCS_INFO, vin, 5, &rsp));
	ASSERT_EQ(2, rsp.hdr.retval);

	/* Changed at run time: the sysfs files read it live. */
	ASSERT_EQ(0, mock_port(&self->sw, &(struct cxl_mock_port){
		.port = 0, .state = 0, .connected = 0, .ltssm = 8 }));
	ASSERT_LT(0, mock_sysfs(&self->sw, "port0/state", buf, sizeof(buf)));
	ASSERT_STREQ("disabled", buf);
	ASSERT_LT(0, mock_sysfs(&self->sw, "port0/ltssm", buf, sizeof(buf)));
	ASSERT_STREQ("8", buf);
}

/* Swap the device behind a port, change a CEL: the device follows. */
TEST_F(mock, reconfigure)
{
	uint8_t in[0x18];
	const uint8_t *id;
	struct cxl_rsp rsp;

	ASSERT_EQ(0, mock_component(&self->sw, &(struct cxl_mock_component){
		MOCK_AT(0), .type = CXL_MOCK_COMP_TYPE3, .vendor = 0x1b36,
		.device = 0x0042, .serial = 0x99 }));
	ASSERT_EQ(0, tunnel_identify(self->fd, MOCK_P(0), &rsp, &id));
	ASSERT_EQ(0x1b36, le16(id));
	ASSERT_EQ(0x99, le64(id + 8));
	/* Its record starts from zero: only this test's tunnels count. */
	ASSERT_LE(1, mock_count(&self->sw, MOCK_P(0), OP_IDENTIFY));
	ASSERT_GE(2, mock_count(&self->sw, MOCK_P(0), OP_IDENTIFY));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(0), OP_MARK));

	/* A new CEL on the switch: OP_C listed with effects 2. */
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_C, .effects = 2, .flags = CXL_MOCK_CMD_IN_CEL }));
	ASSERT_EQ(0, mock_cmd_delete(&self->sw, MOCK_P(), OP_A));
	ASSERT_EQ(-ENOENT, mock_cmd_delete(&self->sw, MOCK_P(), OP_A));
	ASSERT_EQ(0, rpc(self->fd, OP_LOGS, NULL, 0, &rsp));
	ASSERT_EQ(4 * ARRAY_SIZE(fabric_cel), le32(rsp.payload + 24));
	memcpy(in, cel_uuid, 16);
	memset(in + 16, 0, 8);
	in[20] = 4 * ARRAY_SIZE(fabric_cel);
	ASSERT_EQ(0, rpc(self->fd, OP_GET_LOG, in, sizeof(in), &rsp));
	ASSERT_EQ(OP_B, le16(rsp.payload + 4 * 5));
	ASSERT_EQ(OP_C, le16(rsp.payload + 4 * 7));
	ASSERT_EQ(2, le16(rsp.payload + 4 * 7 + 2));
	/* A table entry overrides a built-in, and gives it back. */
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_ID_SWITCH, .flags = CXL_MOCK_CMD_IN_CEL,
		.return_code = 5 }));
	ASSERT_EQ(0, rpc(self->fd, OP_ID_SWITCH, NULL, 0, &rsp));
	ASSERT_EQ(5, rsp.hdr.retval);
	ASSERT_EQ(0, mock_builtin_effects(&self->sw, MOCK_P(), OP_ID_SWITCH, 0));
	ASSERT_EQ(0, rpc(self->fd, OP_ID_SWITCH, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0x49, rsp.hdr.size);

	/* Empty the port: the device refuses the tunnel itself. */
	ASSERT_EQ(0, mock_component(&self->sw, &(struct cxl_mock_component){
		MOCK_AT(0), .type = CXL_MOCK_COMP_TYPE3,
		.flags = CXL_MOCK_COMPF_REMOVE }));
	ASSERT_EQ(-ENOENT, mock_count(&self->sw, MOCK_P(0), OP_IDENTIFY));
	ASSERT_EQ(-ENOENT, mock_component(&self->sw, &(struct cxl_mock_component){
		MOCK_AT(6, 1), .type = CXL_MOCK_COMP_TYPE3 }));
}

TEST_F(mock, stuck_doorbell)
{
	struct cxl_rsp rsp;
	long long t;

	ASSERT_EQ(0, mock_faults(&self->sw, CXL_MOCK_FAULT_STUCK, 0, 0));
	t = mock_ms();
	ASSERT_EQ(-ETIMEDOUT, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	t = mock_ms() - t;
	ASSERT_LE(1900, t);
	ASSERT_GT(5000, t);
	/* Unusable until the doorbell clears; nothing ran. */
	ASSERT_EQ(-EBUSY, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), OP_IDENTIFY));
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 0));
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	/* The command, and the switch's check of itself before it. */
	ASSERT_EQ(2, mock_count(&self->sw, MOCK_P(), OP_IDENTIFY));
}

TEST_F(mock, all_ones)
{
	struct cxl_rsp rsp;
	long long t;

	ASSERT_EQ(0, mock_faults(&self->sw, CXL_MOCK_FAULT_ALL_ONES, 0, 0));
	t = mock_ms();
	ASSERT_EQ(-ENODEV, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	/* No interrupt comes from a device that is gone: 2 s at most. */
	ASSERT_GT(3000, mock_ms() - t);
	ASSERT_EQ(0, mock_count(&self->sw, MOCK_P(), OP_IDENTIFY));
	/* It comes back. */
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 0));
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
}

TEST_F(mock, bogus_length)
{
	uint8_t fw[0x50] = { 1, 1 };
	struct cxl_rsp rsp;

	/* One command claims 4096 bytes: the library refuses its reply. */
	ASSERT_EQ(-EIO, rpc(self->fd, 0x0d05, NULL, 0, &rsp));
	ASSERT_EQ(1, mock_count(&self->sw, MOCK_P(), 0x0d05));
	/*
	 * A switch that says what it runs (Get FW Info): its CEL, whose Get
	 * Log would now claim more than asked for, is not read before each
	 * request.
	 */
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.flags = CXL_MOCK_CMD_IN_CEL, .path = MOCK_P(), .opcode = 0x0200,
		.reply = (uintptr_t)fw, .reply_size = sizeof(fw) }));
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	/* Every command claims 2049 bytes. */
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 2049));
	ASSERT_EQ(-EIO, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	/* Exactly the payload area is no lie. */
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 2048));
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(2048, rsp.hdr.size);
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 0));
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0x12, rsp.hdr.size);
}

TEST_F(mock, delays)
{
	struct cxl_rsp rsp;
	long long t;

	/* Slow but in time. */
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 300, 0));
	t = mock_ms();
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_LE(300, mock_ms() - t);
	/* One command slow beyond the doorbell timeout. */
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 0));
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_A, .flags = CXL_MOCK_CMD_IN_CEL,
		.delay_ms = 3000 }));
	t = mock_ms();
	ASSERT_EQ(-ETIMEDOUT, rpc(self->fd, OP_A, NULL, 0, &rsp));
	ASSERT_GT(5000, mock_ms() - t);
	/* Once the device answered, the mailbox works again. */
	usleep(1500 * 1000);
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
}

/*
 * A background command: the final return code, its status register; one
 * whose status register names another opcode ends in EPROTO (the library
 * checks the owner's opcode).
 */
TEST_F(mock, background)
{
	struct cxl_rsp rsp;
	long long t;

	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_A, .effects = 0x40,
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BG,
		.bg_ms = 300, .bg_rc = 0x12 }));
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_B, .effects = 0x40,
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BG |
			 CXL_MOCK_CMD_BG_OPCODE,
		.bg_ms = 300, .bg_rc = 0x12, .bg_opcode = 0x1234 }));
	/* The driver reads the CEL at probe: restart to see effects 0x40. */
	close(self->fd);
	ASSERT_EQ(0, mock_remove(&self->sw, false));
	ASSERT_EQ(0, mock_start(&self->sw));
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd);

	t = mock_ms();
	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, OP_A, NULL, 0,
			     &rsp));
	t = mock_ms() - t;
	ASSERT_EQ(0x12, rsp.hdr.retval);
	ASSERT_LE(250, t);
	ASSERT_GT(3000, t);
	ASSERT_EQ(0, rpc(self->fd, OP_BG_STATUS, NULL, 0, &rsp));
	ASSERT_EQ(8, rsp.hdr.size);
	ASSERT_EQ(100 << 1, rsp.payload[0]);
	ASSERT_EQ(OP_A, le16(rsp.payload + 2));
	ASSERT_EQ(0x12, le16(rsp.payload + 4));

	ASSERT_EQ(-EPROTO, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, OP_B,
				   NULL, 0, &rsp));
	/* The slot is free again: the first one runs. */
	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, OP_A, NULL, 0,
			     &rsp));
}

/* RPCs from several threads while the device is removed under them. */
TEST_F(mock, remove_with_rpcs_in_flight)
{
	struct cxl_send_command cmd = {
		.id = CXL_MEM_COMMAND_ID_RAW, .raw.opcode = OP_IDENTIFY,
	};
	struct hammer h[HAMMERS];
	pthread_t th[HAMMERS];
	struct cxl_rsp rsp;
	int i, raw;

	raw = mock_open_raw(&self->sw);
	ASSERT_LE(0, raw);
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 20, 0));
	for (i = 0; i < HAMMERS; i++) {
		h[i] = (struct hammer){ .fd = self->fd, .opcode = OP_IDENTIFY };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, hammer_fn, &h[i]));
	}
	for (i = 0; i < HAMMERS; i++)
		while (!__atomic_load_n(&h[i].ok, __ATOMIC_RELAXED))
			usleep(1000);
	ASSERT_EQ(0, mock_remove(&self->sw, false));
	for (i = 0; i < HAMMERS; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		ASSERT_EQ(0, h[i].bad);
		ASSERT_EQ(20, h[i].gone);
	}
	ASSERT_EQ(-ENODEV, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(-1, ioctl(raw, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(ENODEV, errno);
	close(raw);
	/* Started again: a new fwctl device that works. */
	ASSERT_EQ(0, mock_faults(&self->sw, 0, 0, 0));
	ASSERT_EQ(0, mock_start(&self->sw));
	close(self->fd);
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
}

struct bg_call {
	int fd;
	int ret;
	long long ms;
};

static void *bg_call_fn(void *arg)
{
	struct bg_call *c = arg;
	struct cxl_rsp rsp;

	c->ms = mock_ms();
	c->ret = cxl_rpc(c->fd, FWCTL_RPC_DEBUG_WRITE, OP_A, NULL, 0, &rsp);
	c->ms = mock_ms() - c->ms;
	return NULL;
}

/*
 * A background command that never ends, then surprise removal: its wait
 * ends with ENODEV (with interrupts, only if the library also polls: a
 * removed device raises none).
 */
TEST_F_TIMEOUT(mock, surprise_removal_ends_a_background_wait, 20)
{
	struct bg_call c = {};
	pthread_t th;
	char path[256];

	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_A, .effects = 0x40,
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BG,
		.bg_ms = CXL_MOCK_BG_NEVER }));
	close(self->fd);
	ASSERT_EQ(0, mock_remove(&self->sw, false));
	ASSERT_EQ(0, mock_start(&self->sw));
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd);

	c.fd = self->fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, bg_call_fn, &c));
	while (mock_count(&self->sw, MOCK_P(), OP_A) < 1)
		usleep(10000);
	usleep(300 * 1000);
	ASSERT_EQ(0, mock_remove(&self->sw, true));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(-ENODEV, c.ret);
	ASSERT_GT(10000, c.ms);
	snprintf(path, sizeof(path), MOCK_SYSFS "/%s", self->sw.name);
	ASSERT_NE(0, access(path, F_OK));
}

/* The interrupt raised through the real vector completes commands. */
TEST_F(mock, interrupts)
{
	struct cxl_mock_info info;
	struct cxl_rsp rsp;
	char line[512], irq[16];
	long long total = 0, cmds;
	uint64_t fired;
	FILE *f;
	int i;

	ASSERT_EQ(0, mock_info(&self->sw, &info));
	ASSERT_EQ(1, info.started);
	if (!variant->flags) {
		/* No interrupt advertised: none raised, commands polled. */
		ASSERT_EQ(0, info.irq);
		ASSERT_EQ(0, info.irqs_fired);
		ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
		return;
	}
	ASSERT_NE(0, info.irq);
	fired = info.irqs_fired;
	ASSERT_EQ(0, mock_reset_counts(&self->sw));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	ASSERT_EQ(0, mock_info(&self->sw, &info));
	/* One per command, the switch's check of itself included. */
	cmds = mock_count(&self->sw, MOCK_P(), OP_IDENTIFY) +
	       mock_count(&self->sw, MOCK_P(), 0x0400) +
	       mock_count(&self->sw, MOCK_P(), 0x0401);
	ASSERT_LE(20, cmds);
	ASSERT_EQ(fired + cmds, info.irqs_fired);
	ASSERT_EQ(0, info.irqs_dropped);

	/* Linux counted them on that interrupt, requested by the driver. */
	snprintf(irq, sizeof(irq), "%u:", info.irq);
	f = fopen("/proc/interrupts", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		while (*p == ' ')
			p++;
		if (strncmp(p, irq, strlen(irq)))
			continue;
		p += strlen(irq);
		for (;;) {
			long long n = strtoll(p, &end, 10);

			if (end == p)
				break;
			total += n;
			p = end;
		}
		ASSERT_NE(NULL, strstr(line, self->sw.name)) TH_LOG("%s", line);
	}
	fclose(f);
	ASSERT_LE(10, total);
}

/*
 * An interrupt that never comes: the command still completes within a
 * bound once the MMPT library polls as a safety net while it waits for
 * the interrupt (without one, a doorbell wait lasts its full 2 s timeout
 * and a background wait its full 60 s).
 */
TEST_F_TIMEOUT(mock, lost_interrupts, 30)
{
	struct cxl_mock_info info;
	struct cxl_rsp rsp;
	long long t;

	if (!variant->flags) {
		ASSERT_EQ(0, mock_faults(&self->sw, CXL_MOCK_FAULT_NO_IRQ, 0, 0));
		ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
		ASSERT_EQ(0, mock_info(&self->sw, &info));
		ASSERT_EQ(0, info.irqs_dropped);
		return;
	}
	ASSERT_EQ(0, mock_cmd(&self->sw, &(struct cxl_mock_cmd){
		.opcode = OP_A, .effects = 0x40,
		.flags = CXL_MOCK_CMD_IN_CEL | CXL_MOCK_CMD_BG, .bg_ms = 100 }));
	close(self->fd);
	ASSERT_EQ(0, mock_remove(&self->sw, false));
	ASSERT_EQ(0, mock_start(&self->sw));
	self->fd = mock_open_fwctl(&self->sw);
	ASSERT_LE(0, self->fd);

	ASSERT_EQ(0, mock_faults(&self->sw, CXL_MOCK_FAULT_NO_IRQ, 0, 0));
	t = mock_ms();
	ASSERT_EQ(0, rpc(self->fd, OP_IDENTIFY, NULL, 0, &rsp));
	t = mock_ms() - t;
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_GT(1000, t) TH_LOG("doorbell completion took %lld ms", t);

	t = mock_ms();
	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, OP_A, NULL, 0,
			     &rsp));
	t = mock_ms() - t;
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_GT(3000, t) TH_LOG("background completion took %lld ms", t);
	ASSERT_EQ(0, mock_info(&self->sw, &info));
	ASSERT_LE(2, info.irqs_dropped);
}

/* The control file: bad requests change nothing; closing cleans up. */
TEST(control_errors)
{
	struct cxl_mock_create c = { .size = sizeof(c) };
	struct cxl_mock_id id = {};
	struct mock_switch sw = {};
	char path[256];
	int fd = open(MOCK_CTL, O_RDWR), fd2;

	ASSERT_LE(0, fd);
	sw.ctl = fd;
	ASSERT_EQ(-1, ioctl(fd, _IO(CXL_MOCK_TYPE, 0xEF)));
	ASSERT_EQ(ENOTTY, errno);
	c.flags = 1 << 7;
	ASSERT_EQ(-EINVAL, mock_ioctl(&sw, CXL_MOCK_CREATE, &c));
	c.flags = 0;
	c.payload_shift = 7;
	ASSERT_EQ(-EINVAL, mock_ioctl(&sw, CXL_MOCK_CREATE, &c));
	c.payload_shift = 0;
	c.size = 4;
	ASSERT_EQ(-EINVAL, mock_ioctl(&sw, CXL_MOCK_CREATE, &c));
	c.size = sizeof(c);
	ASSERT_EQ(0, mock_ioctl(&sw, CXL_MOCK_CREATE, &c));
	sw.id = c.id;
	snprintf(sw.name, sizeof(sw.name), "cxl_switch_mock.%u", sw.id);

	/* Switches of another file are invisible here. */
	fd2 = open(MOCK_CTL, O_RDWR);
	ASSERT_LE(0, fd2);
	id.id = c.id;
	ASSERT_EQ(-1, ioctl(fd2, CXL_MOCK_START, &id));
	ASSERT_EQ(ENOENT, errno);
	close(fd2);

	ASSERT_EQ(-ENODEV, mock_remove(&sw, false));
	ASSERT_EQ(-ENOENT, mock_component(&sw, &(struct cxl_mock_component){
		MOCK_AT(1, 1), .type = CXL_MOCK_COMP_TYPE3 }));
	ASSERT_EQ(-EINVAL, mock_component(&sw, &(struct cxl_mock_component){
		MOCK_AT(1), .type = 2 }));
	ASSERT_EQ(-EINVAL, mock_cmd(&sw, &(struct cxl_mock_cmd){
		.opcode = 1, .flags = 1 << 9 }));
	ASSERT_EQ(-EINVAL, mock_cmd(&sw, &(struct cxl_mock_cmd){
		.opcode = 1, .reply_size = CXL_MOCK_MAX_REPLY + 1 }));
	ASSERT_EQ(-EFAULT, mock_cmd(&sw, &(struct cxl_mock_cmd){
		.opcode = 1, .reply_size = 8, .reply = 8 }));
	ASSERT_EQ(-EINVAL, mock_faults(&sw, 1 << 8, 0, 0));

	/* Not started: no device. */
	snprintf(path, sizeof(path), MOCK_SYSFS "/%s", sw.name);
	ASSERT_NE(0, access(path, F_OK));
	ASSERT_EQ(0, mock_start(&sw));
	ASSERT_EQ(0, access(path, F_OK));
	ASSERT_EQ(0, access(sw.fwctl, F_OK));
	ASSERT_EQ(0, access(sw.raw, F_OK));
	ASSERT_EQ(-EBUSY, mock_ioctl(&sw, CXL_MOCK_START, &id));

	/* Closing the control file removes and frees it. */
	close(fd);
	ASSERT_NE(0, access(path, F_OK));
}

/* A device whose probe fails is refused at start, nothing left behind. */
TEST(probe_failure)
{
	struct mock_switch sw;
	char path[256];

	ASSERT_EQ(0, mock_switch_create(&(struct mock_switch_desc){
		.serial = 1, .no_start = true }, &sw));
	ASSERT_EQ(0, mock_cmd_delete(&sw, MOCK_P(), OP_LOGS));
	ASSERT_EQ(-EOPNOTSUPP, mock_start(&sw));
	snprintf(path, sizeof(path), MOCK_SYSFS "/%s/driver", sw.name);
	ASSERT_NE(0, access(path, F_OK));
	ASSERT_EQ(0, mock_builtin_effects(&sw, MOCK_P(), OP_LOGS, 0));
	ASSERT_EQ(0, mock_start(&sw));
	ASSERT_EQ(0, mock_destroy(&sw));
	snprintf(path, sizeof(path), MOCK_SYSFS "/%s", sw.name);
	ASSERT_NE(0, access(path, F_OK));
}

TEST_HARNESS_MAIN
