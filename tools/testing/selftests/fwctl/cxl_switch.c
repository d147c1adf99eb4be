// SPDX-License-Identifier: GPL-2.0
/*
 * The CXL switch mailbox CCI driver against QEMU's emulated switches: the
 * identity and ports in sysfs and through fwctl match the topology the
 * harness built (fwh.switches=N switches, each an upstream port with
 * sn=12345678+s, downstream ports 0 and 1 with type-3 devices of serial
 * 16*s+1 and 16*s+2), tunnels reach the type-3 devices, every refusal path
 * gives its errno, and unbind and removal with files open end in ENODEV.
 */
#include <linux/cxl_mem.h>
#include <pthread.h>

#include "../kselftest_harness.h"
#include "cxl_util.h"

#define DRV "/sys/bus/pci/drivers/cxl_switch_cci"
#define SERIAL_BASE 12345678ULL

static const uint8_t cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

static int expected_switches(void)
{
	const char *s = cmdline_arg("fwh.switches");

	return s ? atoi(s) : 1;
}

static int sw_read(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), DRV "/%s/%s", bdf, attr);
	return read_file(path, buf, len);
}

static int open_switch(const char *bdf)
{
	char dir[128], name[32], path[64];

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", bdf);
	if (cxl_fwctl_of(dir, name, sizeof(name)))
		return -1;
	snprintf(path, sizeof(path), "/dev/fwctl/%s", name);
	return open(path, O_RDWR);
}

/* Which switch of the topology this is, from its Identify serial. */
static int switch_index(int fd)
{
	struct cxl_rsp rsp;

	if (cxl_rpc(fd, FWCTL_RPC_CONFIGURATION, 0x0001, NULL, 0, &rsp) ||
	    rsp.hdr.retval)
		return -1;
	return le64(rsp.payload + 8) - SERIAL_BASE;
}

FIXTURE(sw) {
	char bdf[16];
	int fd;
	int index;
};

FIXTURE_SETUP(sw)
{
	char bdfs[8][16];

	ASSERT_LE(1, cxl_bound("cxl_switch_cci", bdfs, 8));
	snprintf(self->bdf, sizeof(self->bdf), "%s", bdfs[0]);
	self->fd = open_switch(self->bdf);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", self->bdf, strerror(errno));
	self->index = switch_index(self->fd);
	ASSERT_LE(0, self->index);
	ASSERT_GT(expected_switches(), self->index);
}

FIXTURE_TEARDOWN(sw)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(sw, sysfs_identity)
{
	char buf[64], want[32];

	ASSERT_LT(0, sw_read(self->bdf, "cxl_switch/vendor_id", buf, sizeof(buf)));
	ASSERT_STREQ("0x19e5", buf);
	/* QEMU answers with the upstream port's IDs. */
	ASSERT_LT(0, sw_read(self->bdf, "cxl_switch/device_id", buf, sizeof(buf)));
	ASSERT_STREQ("0xa128", buf);
	ASSERT_LT(0, sw_read(self->bdf, "cxl_switch/serial", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "0x%016llx", SERIAL_BASE + self->index);
	ASSERT_STREQ(want, buf);
	ASSERT_LT(0, sw_read(self->bdf, "cxl_switch/active_ports", buf, sizeof(buf)));
	ASSERT_STREQ("0-1,33", buf);
	ASSERT_LT(0, sw_read(self->bdf, "cxl_switch/num_vcs", buf, sizeof(buf)));
	ASSERT_STREQ("1", buf);
	ASSERT_LT(0, sw_read(self->bdf, "cxl_switch/cel_entries", buf, sizeof(buf)));
	ASSERT_STREQ("9", buf);
}

TEST_F(sw, sysfs_ports)
{
	char buf[64];
	int p;

	for (p = 0; p < 2; p++) {
		char attr[64];

		snprintf(attr, sizeof(attr), "port%d/state", p);
		ASSERT_LT(0, sw_read(self->bdf, attr, buf, sizeof(buf)));
		ASSERT_STREQ("downstream", buf);
		snprintf(attr, sizeof(attr), "port%d/connected_device", p);
		ASSERT_LT(0, sw_read(self->bdf, attr, buf, sizeof(buf)));
		ASSERT_STREQ("type3-mld", buf);
	}
	ASSERT_LT(0, sw_read(self->bdf, "port33/state", buf, sizeof(buf)));
	ASSERT_STREQ("upstream", buf);
	ASSERT_GT(0, sw_read(self->bdf, "port2/state", buf, sizeof(buf)));
}

TEST_F(sw, info)
{
	struct fwctl_info_cxl data;
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = sizeof(data),
		.out_device_data = (uintptr_t)&data,
	};

	ASSERT_EQ(0, ioctl(self->fd, FWCTL_INFO, &info));
	ASSERT_EQ(FWCTL_DEVICE_TYPE_CXL, info.out_device_type);
	ASSERT_EQ(sizeof(data), info.device_data_len);
	ASSERT_EQ(0, data.reserved);
	ASSERT_EQ(FWCTL_CXL_SWITCH_CCI, data.component);
	ASSERT_EQ(2048, data.payload_size);
	ASSERT_EQ(9, data.cel_entries);
	ASSERT_EQ(0x19e5, data.vendor_id);
	ASSERT_EQ(0xa123, data.device_id);
	ASSERT_EQ(SERIAL_BASE + self->index, data.serial);
}

TEST_F(sw, identify)
{
	struct cxl_rsp rsp;

	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x0001, NULL, 0,
			     &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0x12, rsp.hdr.size);
	ASSERT_EQ(0x19e5, le16(rsp.payload));
	ASSERT_EQ(0xa128, le16(rsp.payload + 2));
	ASSERT_EQ(0, rsp.payload[0x11]);	/* component: switch */
}

TEST_F(sw, identify_switch_and_ports)
{
	uint8_t in[4] = { 3, 0, 1, 33 };
	struct cxl_rsp rsp;
	const uint8_t *b;

	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x5100, NULL, 0,
			     &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0x49, rsp.hdr.size);
	ASSERT_EQ(3, rsp.payload[2]);		/* physical ports */
	ASSERT_EQ(1, rsp.payload[3]);		/* VCSs */
	ASSERT_EQ(0x03, rsp.payload[4]);	/* ports 0 and 1 */
	ASSERT_EQ(0x02, rsp.payload[4 + 4]);	/* port 33 */

	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x5101, in,
			     sizeof(in), &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(4 + 3 * 16, rsp.hdr.size);
	ASSERT_EQ(3, rsp.payload[0]);
	b = rsp.payload + 4;
	ASSERT_EQ(0, b[0]);
	ASSERT_EQ(3, b[1] & 0xf);		/* downstream */
	ASSERT_EQ(5, b[4]);			/* type-3 (QEMU: MLD) */
	ASSERT_EQ(1, b[16]);
	ASSERT_EQ(33, b[32]);
	ASSERT_EQ(4, b[33] & 0xf);		/* upstream */
}

TEST_F(sw, command_effects_log)
{
	uint8_t in[0x18];
	struct cxl_rsp rsp;
	uint32_t size, i;

	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x0400, NULL, 0,
			     &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(1, le16(rsp.payload));
	ASSERT_EQ(0, memcmp(rsp.payload + 8, cel_uuid, 16));
	size = le32(rsp.payload + 8 + 16);
	ASSERT_EQ(36, size);

	memcpy(in, cel_uuid, 16);
	memset(in + 16, 0, 8);
	in[20] = size;
	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x0401, in,
			     sizeof(in), &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(size, rsp.hdr.size);
	for (i = 0; i < size; i += 4)
		if (le16(rsp.payload + i) == 0x0301)
			ASSERT_EQ(0x08, le16(rsp.payload + i + 2));
}

/* Identify through the tunnel; returns the inner payload at out. */
static int tunnel_identify(int fd, uint8_t port, int nested,
			   struct cxl_rsp *rsp, const uint8_t **id)
{
	uint8_t inner[64], outer[96];
	size_t len;
	int ret;

	len = cxl_tunnel(inner, 0, 0x0001, NULL, 0);
	if (nested)
		len = cxl_tunnel(outer, port, 0x5300, inner, len);
	else
		len = cxl_tunnel(outer, port, 0x0001, NULL, 0);
	ret = cxl_rpc(fd, FWCTL_RPC_CONFIGURATION, 0x5300, outer, len, rsp);
	if (ret || rsp->hdr.retval)
		return ret ?: 1000 + rsp->hdr.retval;
	/* response length, reserved, then the CCI response message */
	*id = rsp->payload + 4;
	if (nested)
		*id += 12 + 4;
	/* category response, tag echoed, inner return code */
	if (((*id)[0] & 0xf) != 1 || (*id)[1] != 0x42 || le16(*id + 8))
		return 2000 + le16(*id + 8);
	*id += 12;
	return 0;
}

/*
 * Every switch of the topology probed, answers for itself and reaches its
 * own type-3 devices.
 */
TEST(every_switch_probed)
{
	char bdfs[8][16], buf[64];
	int n, i, fd, idx, port, seen = 0;
	const uint8_t *id;
	struct cxl_rsp rsp;

	n = cxl_bound("cxl_switch_cci", bdfs, 8);
	ASSERT_EQ(expected_switches(), n);
	for (i = 0; i < n; i++) {
		fd = open_switch(bdfs[i]);
		ASSERT_LE(0, fd);
		idx = switch_index(fd);
		ASSERT_LE(0, idx);
		seen |= 1 << idx;
		ASSERT_LT(0, sw_read(bdfs[i], "cxl_switch/num_physical_ports",
				     buf, sizeof(buf)));
		ASSERT_STREQ("3", buf);
		for (port = 0; port < 2; port++) {
			ASSERT_EQ(0, tunnel_identify(fd, port, 0, &rsp, &id));
			ASSERT_EQ(16 * idx + 1 + port, le64(id + 8));
		}
		close(fd);
	}
	/* Distinct serials 0..n-1: no switch answered for another. */
	ASSERT_EQ((1 << n) - 1, seen);
}

TEST_F(sw, tunnel_identify_type3)
{
	const uint8_t *id;
	struct cxl_rsp rsp;
	int port;

	for (port = 0; port < 2; port++) {
		ASSERT_EQ(0, tunnel_identify(self->fd, port, 0, &rsp, &id));
		ASSERT_EQ(0x8086, le16(id));
		ASSERT_EQ(0x0d93, le16(id + 2));
		ASSERT_EQ(16 * self->index + 1 + port, le64(id + 8));
		ASSERT_EQ(3, id[0x11]);		/* component: type-3 */
	}
}

TEST_F(sw, tunnel_nested_identify)
{
	const uint8_t *id;
	struct cxl_rsp rsp;

	ASSERT_EQ(0, tunnel_identify(self->fd, 1, 1, &rsp, &id));
	ASSERT_EQ(0x8086, le16(id));
	ASSERT_EQ(0x0d93, le16(id + 2));
	ASSERT_EQ(3, id[0x11]);
}

TEST_F(sw, refusals)
{
	uint8_t buf[64] = {}, ts[8] = { 0 };
	struct cxl_rsp rsp;
	size_t len;

	/*
	 * The policy's verdicts, at a scope below DEBUG_WRITE_FULL so that
	 * lockdown (which refuses that scope first) does not hide them.
	 * QEMU's switch CCI aborts on timestamps: never sent to it.
	 */
	ASSERT_EQ(-EOPNOTSUPP, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
				       0x0300, NULL, 0, &rsp));
	ASSERT_EQ(-EOPNOTSUPP, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
				       0x0301, ts, sizeof(ts), &rsp));
	/* Not in the switch's CEL. */
	ASSERT_EQ(-EOPNOTSUPP, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
				       0x4000, NULL, 0, &rsp));
	/*
	 * A vendor command may do what a firmware activation does, to a
	 * switch whose ports lead to this kernel's memory devices: refused
	 * before its CEL is asked, but on a kernel that owns the fabric.
	 */
	ASSERT_EQ(fabric_manager_kernel() ? -EOPNOTSUPP : -EBUSY,
		  cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0xc000, NULL, 0,
			  &rsp));
	/* Would pull host devices from under their drivers: port 0. */
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102,
				  buf, 2, &rsp));
	/* The upstream port (33) leads to this host itself. */
	buf[0] = 33;
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102,
				  buf, 2, &rsp));
	/* A port the switch does not know: in use, whatever it is. */
	buf[0] = 7;
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102,
				  buf, 2, &rsp));
	/* No port named. */
	ASSERT_EQ(-EINVAL, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102,
				   buf, 0, &rsp));
	/* A vPPB whose binding QEMU cannot tell (no 5200h): in use. */
	buf[0] = 0;
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5202,
				  buf, 4, &rsp));
	/* A type-3 behind a tunnel: the kernel's commands are refused. */
	len = cxl_tunnel(buf, 0, 0x4400, NULL, 0);
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
				  0x5300, buf, len, &rsp));
	/* A tunnelled command the target does not list. */
	len = cxl_tunnel(buf, 0, 0x4000, NULL, 0);
	ASSERT_EQ(-EOPNOTSUPP, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
				       0x5300, buf, len, &rsp));
	/* A malformed tunnel. */
	len = cxl_tunnel(buf, 0, 0x0001, NULL, 0);
	buf[1] = 1;
	ASSERT_EQ(-EINVAL, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x5300,
				   buf, len, &rsp));
	ASSERT_EQ(-EINVAL, cxl_rpc(self->fd, FWCTL_RPC_CONFIGURATION, 0x5300,
				   buf, 10, &rsp));
}

/*
 * The bypasses a review found: the kernel's type-3 commands carried by a
 * tunnel, one and two levels down, to both memory devices. QEMU's LD CCI
 * lists none of them, so before the fix they were EOPNOTSUPP only by luck
 * of its CEL; now the kernel refuses them whatever the target lists.
 */
static const uint16_t type3_owned[] = {
	0x0201, 0x0202, 0x4204, 0x4300, 0x4301, 0x4302, 0x4304, 0x4305,
	0x4400, 0x4401, 0x4402, 0x4501, 0x4600,
};

TEST_F(sw, tunnel_kernel_owned)
{
	uint8_t inner[64], buf[96];
	struct cxl_rsp rsp;
	size_t i, len;
	int port;

	for (port = 0; port < 2; port++) {
		for (i = 0; i < ARRAY_SIZE(type3_owned); i++) {
			len = cxl_tunnel(buf, port, type3_owned[i], NULL, 0);
			ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
						  0x5300, buf, len, &rsp))
				TH_LOG("port %d opcode %#x", port, type3_owned[i]);
			len = cxl_tunnel(inner, 0, type3_owned[i], NULL, 0);
			len = cxl_tunnel(buf, port, 0x5300, inner, len);
			ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
						  0x5300, buf, len, &rsp))
				TH_LOG("nested, port %d opcode %#x", port,
				       type3_owned[i]);
		}
	}
	/* Identify still passes both ways. */
	len = cxl_tunnel(inner, 0, 0x0001, NULL, 0);
	len = cxl_tunnel(buf, 1, 0x5300, inner, len);
	ASSERT_EQ(0, cxl_rpc(self->fd, 0, 0x5300, buf, len, &rsp));
}

/*
 * Per-port ownership on QEMU's switch: with cxl_pci unbound from the
 * memory device behind port 1, port 1 is still bound into this host's own
 * virtual switch (its downstream port bridge is enumerated here and
 * pcieport drives it), so Physical Port Control of it stays the kernel's;
 * bound again, likewise.
 */
TEST_F(sw, port_stays_in_use_without_its_driver)
{
	char bdfs[4][16], mem[32], bdf[16];
	uint8_t pc[2] = { 1, 0 };
	struct cxl_rsp rsp;
	int n;

	ASSERT_EQ(0, memdev_by_serial(16 * self->index + 2, mem, sizeof(mem)));
	ASSERT_EQ(0, memdev_bdf(mem, bdf, sizeof(bdf)));
	n = cxl_bound("cxl_pci", bdfs, 4);
	ASSERT_LE(1, n);
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102, pc,
				  sizeof(pc), &rsp));
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers/cxl_pci/unbind", bdf));
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102,
				  pc, sizeof(pc), &rsp));
	/* Port 0 still leads to a bound device. */
	pc[0] = 0;
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102, pc,
				  sizeof(pc), &rsp));
	ASSERT_EQ(0, write_file("/sys/bus/pci/drivers/cxl_pci/bind", bdf));
	pc[0] = 1;
	ASSERT_EQ(-EBUSY, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x5102, pc,
				  sizeof(pc), &rsp));
	ASSERT_EQ(n, cxl_bound("cxl_pci", bdfs, 4));
}

static int raw_rpc(int fd, struct cxl_req *req, uint32_t in_len,
		   uint32_t out_len)
{
	struct cxl_rsp rsp;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.in_len = in_len,
		.out_len = out_len,
		.in = (uintptr_t)req,
		.out = (uintptr_t)&rsp,
	};

	return ioctl(fd, FWCTL_RPC, &rpc) ? -errno : 0;
}

TEST_F(sw, malformed_requests)
{
	struct cxl_req req = { .hdr = { .opcode = 0x0001 } };

	ASSERT_EQ(0, raw_rpc(self->fd, &req, 16, 8 + 0x12));
	/* out_len too small for the reply header. */
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 16, 7));
	/* in_len shorter than the header. */
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 15, 64));
	/* op_size past in_len (a longer in_len is fine, as in mainline). */
	req.hdr.op_size = 4;
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 16, 64));
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 19, 64));
	/* op_size over the payload area. */
	req.hdr.op_size = 2049;
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 16 + 2049, 64));
	req.hdr.op_size = 0;
	req.hdr.flags = 1;
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 16, 64));
	req.hdr.flags = 0;
	req.hdr.reserved1 = 1;
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 16, 64));
	req.hdr.reserved1 = 0;
	req.hdr.opcode = 0x10001;
	ASSERT_EQ(-EINVAL, raw_rpc(self->fd, &req, 16, 64));
}

TEST_F(sw, truncated_reply)
{
	struct cxl_req req = { .hdr = { .opcode = 0x0001 } };
	uint8_t out[12];
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.in_len = 16,
		.out_len = sizeof(out),
		.in = (uintptr_t)&req,
		.out = (uintptr_t)out,
	};

	ASSERT_EQ(0, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(8 + 0x12, rpc.out_len);
	ASSERT_EQ(0x12, le32(out));
	ASSERT_EQ(0x19e5, le16(out + 8));
}

TEST_F(sw, commands_query)
{
	struct fwctl_cxl_command cmds[32];
	unsigned int i, n, seen = 0;
	int ret;

	ret = cxl_query_commands(self->fd, FWCTL_RPC_CONFIGURATION, cmds,
				 ARRAY_SIZE(cmds));
	ASSERT_LE(0, ret);
	n = ret;
	ASSERT_EQ(9, n);	/* the CEL */
	for (i = 0; i < n; i++) {
		/* Nothing on a switch is the kernel's by type. */
		ASSERT_FALSE(cmds[i].flags & FWCTL_CXL_COMMAND_KERNEL_OWNED);
		switch (cmds[i].opcode) {
		case 0x0001:
		case 0x5300:
			ASSERT_EQ(FWCTL_RPC_CONFIGURATION, cmds[i].scope);
			ASSERT_EQ(0, cmds[i].flags);
			seen |= 1;
			break;
		case 0x0300:
		case 0x0301:
			ASSERT_TRUE(cmds[i].flags & FWCTL_CXL_COMMAND_REFUSED);
			seen |= 2;
			break;
		}
	}
	ASSERT_EQ(3, seen);
}

/* The commands query's own rules: no payload, no flags, any reply room. */
TEST_F(sw, commands_query_rules)
{
	struct fwctl_rpc_cxl_hdr req = { .opcode = FWCTL_CXL_QUERY_COMMANDS };
	struct {
		struct fwctl_rpc_cxl_out_hdr hdr;
		struct fwctl_cxl_command c[2];
	} rsp;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_DEBUG_READ_ONLY,
		.in_len = sizeof(req),
		.out_len = sizeof(rsp),
		.in = (uintptr_t)&req,
		.out = (uintptr_t)&rsp,
	};
	struct fwctl_cxl_command full[16];

	ASSERT_EQ(9, cxl_query_commands(self->fd, FWCTL_RPC_CONFIGURATION,
					full, ARRAY_SIZE(full)));
	/* Room for two of the nine: cut short, the full length reported. */
	ASSERT_EQ(0, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(sizeof(rsp.hdr) + 9 * sizeof(rsp.c[0]), rpc.out_len);
	ASSERT_EQ(9 * sizeof(rsp.c[0]), rsp.hdr.size);
	ASSERT_EQ(0, rsp.hdr.retval);
	ASSERT_EQ(0, memcmp(rsp.c, full, sizeof(rsp.c)));
	/* Too little room for the header, flags, a payload: EINVAL. */
	rpc.out_len = sizeof(rsp.hdr) - 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EINVAL, errno);
	rpc.out_len = sizeof(rsp);
	req.flags = 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EINVAL, errno);
	req.flags = 0;
	req.op_size = 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EINVAL, errno);
}

static int identify_full(int fd)
{
	struct cxl_rsp rsp;

	return cxl_rpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL, 0x0001, NULL, 0, &rsp);
}

TEST_F(sw, scopes)
{
	struct cxl_rsp rsp;

	ASSERT_EQ(-EPERM, without_rawio(identify_full, self->fd));
	if (strcmp(lockdown_level(), "none")) {
		ASSERT_EQ(-EPERM, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					  0x0001, NULL, 0, &rsp));
	} else {
		ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				     0x0001, NULL, 0, &rsp));
	}
	ASSERT_EQ(0, cxl_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE, 0x0001, NULL, 0,
			     &rsp));
}

/* Unbind and rebind the driver, with a file open across it. */
TEST_F(sw, unbind_with_open_file)
{
	struct cxl_rsp rsp;
	int fd;

	ASSERT_EQ(0, write_file(DRV "/unbind", self->bdf));
	ASSERT_EQ(-ENODEV, cxl_rpc(self->fd, 0, 0x0001, NULL, 0, &rsp));
	ASSERT_EQ(0, write_file(DRV "/bind", self->bdf));
	fd = open_switch(self->bdf);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cxl_rpc(fd, 0, 0x0001, NULL, 0, &rsp));
	ASSERT_EQ(0, rsp.hdr.retval);
	close(fd);
	ASSERT_EQ(-ENODEV, cxl_rpc(self->fd, 0, 0x0001, NULL, 0, &rsp));
}

/* Remove the PCI function with a file open, then rescan. */
TEST_F(sw, remove_with_open_file)
{
	char path[128];
	struct cxl_rsp rsp;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove",
		 self->bdf);
	ASSERT_EQ(0, write_file(path, "1"));
	ASSERT_EQ(-ENODEV, cxl_rpc(self->fd, 0, 0x0001, NULL, 0, &rsp));
	ASSERT_EQ(0, write_file("/sys/bus/pci/rescan", "1"));
	fd = open_switch(self->bdf);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cxl_rpc(fd, 0, 0x0001, NULL, 0, &rsp));
	close(fd);
}

/* --- /dev/cxl/switchN: the raw interface existing tools use ---------- */

static int open_raw(const char *bdf)
{
	char path[300];
	struct dirent *de;
	DIR *dir;
	int fd = -1;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/cxl_switch_raw",
		 bdf);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "switch", 6)) {
			snprintf(path, sizeof(path), "/dev/cxl/%s", de->d_name);
			fd = open(path, O_RDWR);
			break;
		}
	closedir(dir);
	return fd;
}

/* As libcxlmi's ioctl transport does it: RAW, opcode, sizes, retval. */
static int raw_send(int fd, uint16_t opcode, const void *in, uint32_t in_size,
		    void *out, uint32_t *out_size, uint32_t *retval)
{
	struct cxl_send_command cmd = {
		.id = CXL_MEM_COMMAND_ID_RAW,
		.raw.opcode = opcode,
		.in.size = in_size,
		.in.payload = (uintptr_t)in,
		.out.size = *out_size,
		.out.payload = (uintptr_t)out,
	};

	if (ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd))
		return -errno;
	*out_size = cmd.out.size;
	*retval = cmd.retval;
	return 0;
}

TEST_F(sw, raw_node_identify_logs_ports)
{
	uint8_t out[2048], in[0x18], ports[3] = { 2, 0, 1 };
	uint32_t size = sizeof(out), rv = 0;
	int fd = open_raw(self->bdf);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, raw_send(fd, 0x0001, NULL, 0, out, &size, &rv));
	ASSERT_EQ(0, rv);
	ASSERT_EQ(0x12, size);
	ASSERT_EQ(0x19e5, le16(out));
	ASSERT_EQ(SERIAL_BASE + self->index, le64(out + 8));

	size = sizeof(out);
	ASSERT_EQ(0, raw_send(fd, 0x0400, NULL, 0, out, &size, &rv));
	ASSERT_EQ(0, rv);
	ASSERT_EQ(0, memcmp(out + 8, cel_uuid, 16));
	memcpy(in, cel_uuid, 16);
	memset(in + 16, 0, 8);
	in[20] = 36;
	size = sizeof(out);
	ASSERT_EQ(0, raw_send(fd, 0x0401, in, sizeof(in), out, &size, &rv));
	ASSERT_EQ(0, rv);
	ASSERT_EQ(36, size);

	size = sizeof(out);
	ASSERT_EQ(0, raw_send(fd, 0x5100, NULL, 0, out, &size, &rv));
	ASSERT_EQ(0, rv);
	ASSERT_EQ(3, out[2]);
	size = sizeof(out);
	ASSERT_EQ(0, raw_send(fd, 0x5101, ports, sizeof(ports), out, &size, &rv));
	ASSERT_EQ(0, rv);
	ASSERT_EQ(2, out[0]);

	/* A reply longer than the buffer: truncated, the copied size back. */
	size = 4;
	ASSERT_EQ(0, raw_send(fd, 0x0001, NULL, 0, out, &size, &rv));
	ASSERT_EQ(4, size);
	close(fd);
}

TEST_F(sw, raw_node_tunnel)
{
	uint8_t req[64], out[256];
	uint32_t size = sizeof(out), rv = 0;
	size_t len = cxl_tunnel(req, 0, 0x0001, NULL, 0);
	int fd = open_raw(self->bdf);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, raw_send(fd, 0x5300, req, len, out, &size, &rv));
	ASSERT_EQ(0, rv);
	ASSERT_EQ(0, le16(out + 4 + 8));		/* inner return code */
	ASSERT_EQ(0x8086, le16(out + 4 + 12));
	ASSERT_EQ(3, out[4 + 12 + 0x11]);
	close(fd);
}

TEST_F(sw, raw_node_refusals)
{
	struct cxl_send_command cmd = { .id = CXL_MEM_COMMAND_ID_RAW };
	uint8_t out[64], in[8] = {}, req[32];
	uint32_t size = sizeof(out), rv = 0;
	int fd = open_raw(self->bdf);
	size_t i, len;

	ASSERT_LE(0, fd);
	/*
	 * Never allowed: EPERM, as the raw path of memdevs gives for a
	 * disabled command. The kernel's own (a port it uses, a command it
	 * keeps for itself): EBUSY, as that path gives for an exclusive one.
	 */
	ASSERT_EQ(-EPERM, raw_send(fd, 0x0300, NULL, 0, out, &size, &rv));
	ASSERT_EQ(-EPERM, raw_send(fd, 0x0301, in, 8, out, &size, &rv));
	ASSERT_EQ(-EBUSY, raw_send(fd, 0x5102, in, 2, out, &size, &rv));
	ASSERT_EQ(-EPERM, raw_send(fd, 0x4000, NULL, 0, out, &size, &rv));
	/* The tunnel bypasses, through the node existing tools use. */
	for (i = 0; i < ARRAY_SIZE(type3_owned); i++) {
		len = cxl_tunnel(req, 0, type3_owned[i], NULL, 0);
		size = sizeof(out);
		ASSERT_EQ(-EBUSY, raw_send(fd, 0x5300, req, len, out, &size,
					   &rv)) TH_LOG("opcode %#x",
							type3_owned[i]);
	}

	cmd.id = CXL_MEM_COMMAND_ID_IDENTIFY;
	ASSERT_EQ(-1, ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(ENOTTY, errno);
	cmd.id = CXL_MEM_COMMAND_ID_RAW;
	cmd.raw.opcode = 1;
	cmd.flags = 1;
	ASSERT_EQ(-1, ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(EINVAL, errno);
	cmd.flags = 0;
	cmd.in.size = 2049;
	ASSERT_EQ(-1, ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(fd, CXL_MEM_QUERY_COMMANDS, &cmd));
	ASSERT_EQ(ENOTTY, errno);
	close(fd);
}

TEST_F(sw, raw_node_unbind)
{
	uint8_t out[64];
	uint32_t size = sizeof(out), rv = 0;
	int fd = open_raw(self->bdf);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_file(DRV "/unbind", self->bdf));
	ASSERT_EQ(-ENODEV, raw_send(fd, 0x0001, NULL, 0, out, &size, &rv));
	ASSERT_EQ(0, write_file(DRV "/bind", self->bdf));
	close(fd);
	fd = open_raw(self->bdf);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, raw_send(fd, 0x0001, NULL, 0, out, &size, &rv));
	close(fd);
}

/* RPCs from several threads while the driver is unbound under them. */
TEST_F(sw, unbind_with_rpcs_in_flight)
{
	struct hammer h[HAMMERS];
	int i, fd, bound;

	ASSERT_EQ(0, hammer_unbind(self->fd, 0x0001, DRV, self->bdf, h, &bound));
	for (i = 0; i < HAMMERS; i++) {
		/* Each RPC either ran whole or found the device gone. */
		ASSERT_EQ(0, h[i].bad);
		ASSERT_LT(0, h[i].ok);
		ASSERT_EQ(20, h[i].gone);
	}
	ASSERT_EQ(0, bound);
	fd = open_switch(self->bdf);
	ASSERT_LE(0, fd);
	close(fd);
}

/* The mailbox library traces every command; this switch polls. */
TEST_F(sw, mailbox_tracepoint)
{
	char buf[16384];
	struct cxl_rsp rsp;
	int fd, n;

	ASSERT_EQ(0, write_file("/sys/kernel/tracing/trace", ""));
	ASSERT_EQ(0, write_file("/sys/kernel/tracing/events/pci_mmpt/pci_mmpt_cmd/enable", "1"));
	ASSERT_EQ(0, cxl_rpc(self->fd, 0, 0x5100, NULL, 0, &rsp));
	ASSERT_EQ(0, write_file("/sys/kernel/tracing/events/pci_mmpt/pci_mmpt_cmd/enable", "0"));
	fd = open("/sys/kernel/tracing/trace", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	ASSERT_TRUE(strstr(buf, "opcode=0x5100 in=0 out=73 rc=0x0 ") &&
		    strstr(buf, " poll err=0")) TH_LOG("trace:\n%s", buf);
}

TEST_HARNESS_MAIN
