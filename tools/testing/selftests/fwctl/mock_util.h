/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for selftests on the mock CXL switch CCI (CONFIG_CXL_SWITCH_MOCK,
 * drivers/cxl/switch/mock.c; its control ABI is mock.h there).
 *
 * A mock switch is a fake switch mailbox CCI driven by the real switch
 * driver, fwctl core and CXL policy. Describe it in C, create and start it,
 * attack it through its /dev/fwctl/fwctlN and /dev/cxl/switchN, and read
 * what the device executed:
 *
 *	static const struct cxl_mock_component comps[] = {
 *		{ MOCK_AT(0), .type = CXL_MOCK_COMP_TYPE3, .serial = 0x30 },
 *		{ MOCK_AT(1), .type = CXL_MOCK_COMP_SWITCH, .serial = 0x31 },
 *		{ MOCK_AT(1, 2), .type = CXL_MOCK_COMP_TYPE3, .serial = 0x32 },
 *	};
 *	static const struct cxl_mock_cmd cmds[] = {
 *		{ MOCK_AT(0), .opcode = 0x4400, .effects = 0x64,
 *		  .flags = CXL_MOCK_CMD_IN_CEL },
 *	};
 *	struct mock_switch sw;
 *	int fd;
 *
 *	ASSERT_EQ(0, mock_switch_create(&(struct mock_switch_desc){
 *		.serial = 0x1234,
 *		.comps = comps, .nr_comps = ARRAY_SIZE(comps),
 *		.cmds = cmds, .nr_cmds = ARRAY_SIZE(cmds) }, &sw));
 *	fd = open(sw.fwctl, O_RDWR);
 *	... cxl_rpc(fd, ...) ...
 *	ASSERT_EQ(0, mock_count(&sw, MOCK_P(0), 0x4400));
 *
 * Paths: MOCK_AT(...) in a description and MOCK_P(...) as arguments name
 * a component by the port IDs crossed from the switch: MOCK_P() is the
 * switch, MOCK_P(1, 2) the component behind port 2 of the component
 * behind port 1. Every switch a process creates is destroyed when the
 * process exits (the control file closes), so kselftest_harness's
 * per-test child processes clean up by themselves.
 */
#ifndef _MOCK_UTIL_H
#define _MOCK_UTIL_H

#include <time.h>

#include "cxl_util.h"
#include "../../../../drivers/cxl/switch/mock.h"

#define MOCK_CTL	"/dev/cxl_switch_mock"
#define MOCK_SYSFS	"/sys/bus/platform/devices"

/* Number of port IDs in a list of them. */
#define MOCK_NPORTS(...)	(sizeof((uint8_t[]){ 0, ##__VA_ARGS__ }) - 1)

/* In a description: .path of the component behind these ports. */
#define MOCK_AT(...)							\
	.path = { .depth = MOCK_NPORTS(__VA_ARGS__), .port = { __VA_ARGS__ } }

/* As an argument: the path of the component behind these ports. */
#define MOCK_P(...)							\
	((struct cxl_mock_path){ .depth = MOCK_NPORTS(__VA_ARGS__),	\
				 .port = { __VA_ARGS__ } })

/**
 * struct mock_switch_desc - a mock switch to create
 * @flags: CXL_MOCK_F_DOORBELL_IRQ, CXL_MOCK_F_BG_IRQ: the mailbox
 *	advertises these interrupts (the core then enables them)
 * @payload_shift: payload area 2^n bytes; 0: 2048
 * @vendor: the switch's vendor ID (Identify and the function's)
 * @device: its device ID
 * @serial: its serial number
 * @revision: the function's revision
 * @no_start: create and configure only; mock_start() later
 * @comps: components behind ports (parents before children)
 * @nr_comps: entries of @comps
 * @ports: ports to add or change after the components are in place
 * @nr_ports: entries of @ports
 * @cmds: command entries to add or replace
 * @nr_cmds: entries of @cmds
 * @vcs: virtual switches of switch components
 * @nr_vcs: entries of @vcs
 */
struct mock_switch_desc {
	uint32_t flags;
	uint8_t payload_shift;
	uint16_t vendor;
	uint16_t device;
	uint64_t serial;
	uint8_t revision;
	bool no_start;
	const struct cxl_mock_component *comps;
	unsigned int nr_comps;
	const struct cxl_mock_port *ports;
	unsigned int nr_ports;
	const struct cxl_mock_cmd *cmds;
	unsigned int nr_cmds;
	const struct cxl_mock_vcs *vcs;
	unsigned int nr_vcs;
};

/**
 * struct mock_switch - a created mock switch
 * @ctl: the control file it was created on
 * @id: its ID
 * @name: its platform device, "cxl_switch_mock.ID"
 * @fwctl: "/dev/fwctl/fwctlN" once started, else ""
 * @raw: "/dev/cxl/switchN" once started, else ""
 */
struct mock_switch {
	int ctl;
	uint32_t id;
	char name[32];
	char fwctl[64];
	char raw[64];
};

/* The process's control file, opened on first use; -errno on failure. */
static inline int mock_ctl(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open(MOCK_CTL, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static inline int mock_ioctl(struct mock_switch *sw, unsigned long req,
			     void *arg)
{
	return ioctl(sw->ctl, req, arg) ? -errno : 0;
}

/* The device node for the class device "prefixN" below the switch. */
static inline int mock_node(struct mock_switch *sw, const char *cls,
			    const char *prefix, const char *dev, char *out,
			    size_t len)
{
	char path[256];
	struct dirent *de;
	DIR *dir;

	out[0] = 0;
	snprintf(path, sizeof(path), MOCK_SYSFS "/%s/%s", sw->name, cls);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			snprintf(out, len, "%s/%.24s", dev, de->d_name);
	closedir(dir);
	return out[0] ? 0 : -ENOENT;
}

/**
 * mock_start() - register a created switch; the real driver probes it
 * @sw: the switch
 *
 * Fills @sw->fwctl and @sw->raw from the platform device's sysfs.
 * Return: 0 or -errno (the probe's, when the driver refused the device).
 */
static inline int mock_start(struct mock_switch *sw)
{
	struct cxl_mock_id a = { .id = sw->id };
	int ret = mock_ioctl(sw, CXL_MOCK_START, &a);

	if (ret)
		return ret;
	ret = mock_node(sw, "fwctl", "fwctl", "/dev/fwctl", sw->fwctl,
			sizeof(sw->fwctl));
	if (ret)
		return ret;
	return mock_node(sw, "cxl_switch_raw", "switch", "/dev/cxl", sw->raw,
			 sizeof(sw->raw));
}

/**
 * mock_remove() - unregister the switch's platform device
 * @sw: the switch
 * @surprise: its registers read all ones first, as a surprise removal
 *
 * Returns once the driver let go: RPCs in flight have ended, open files
 * get ENODEV. mock_start() may bring it back.
 * Return: 0 or -errno.
 */
static inline int mock_remove(struct mock_switch *sw, bool surprise)
{
	struct cxl_mock_id a = {
		.id = sw->id,
		.flags = surprise ? CXL_MOCK_REMOVE_SURPRISE : 0,
	};

	sw->fwctl[0] = 0;
	sw->raw[0] = 0;
	return mock_ioctl(sw, CXL_MOCK_REMOVE, &a);
}

/* Remove and free the switch. */
static inline int mock_destroy(struct mock_switch *sw)
{
	struct cxl_mock_id a = { .id = sw->id };

	return mock_ioctl(sw, CXL_MOCK_DESTROY, &a);
}

/*
 * A configuration request: a copy of arg (size bytes, which starts with the
 * switch ID as every control structure does) for this switch.
 */
static inline int mock_set(struct mock_switch *sw, unsigned long req,
			   const void *arg, size_t size)
{
	uint8_t buf[256];

	if (size > sizeof(buf))
		return -E2BIG;
	memcpy(buf, arg, size);
	memcpy(buf, &sw->id, sizeof(sw->id));
	return mock_ioctl(sw, req, buf);
}

/* Put a component at c->path (or set the switch's identity at depth 0). */
static inline int mock_component(struct mock_switch *sw,
				 const struct cxl_mock_component *c)
{
	return mock_set(sw, CXL_MOCK_SET_COMPONENT, c, sizeof(*c));
}

/* Add or replace the command entry c->opcode of the component c->path. */
static inline int mock_cmd(struct mock_switch *sw, const struct cxl_mock_cmd *c)
{
	return mock_set(sw, CXL_MOCK_SET_CMD, c, sizeof(*c));
}

/* Set the CEL effects of a built-in command (it keeps its answers). */
static inline int mock_builtin_effects(struct mock_switch *sw,
				       struct cxl_mock_path path,
				       uint16_t opcode, uint16_t effects)
{
	return mock_cmd(sw, &(struct cxl_mock_cmd){
		.flags = CXL_MOCK_CMD_BUILTIN | CXL_MOCK_CMD_IN_CEL,
		.path = path, .opcode = opcode, .effects = effects });
}

/* Delete a command entry: the opcode is then unsupported and not listed. */
static inline int mock_cmd_delete(struct mock_switch *sw,
				  struct cxl_mock_path path, uint16_t opcode)
{
	return mock_cmd(sw, &(struct cxl_mock_cmd){
		.flags = CXL_MOCK_CMD_DELETE, .path = path, .opcode = opcode });
}

/* Add or change a port of the switch component p->path. */
static inline int mock_port(struct mock_switch *sw, const struct cxl_mock_port *p)
{
	return mock_set(sw, CXL_MOCK_SET_PORT, p, sizeof(*p));
}

/* Add or replace a VCS of the switch component v->path. */
static inline int mock_vcs(struct mock_switch *sw, const struct cxl_mock_vcs *v)
{
	return mock_set(sw, CXL_MOCK_SET_VCS, v, sizeof(*v));
}

/* Device-wide faults: CXL_MOCK_FAULT_* flags, a delay, a bogus length. */
static inline int mock_faults(struct mock_switch *sw, uint32_t flags,
			      uint32_t delay_ms, uint32_t bogus_len)
{
	struct cxl_mock_faults a = {
		.id = sw->id,
		.flags = flags,
		.delay_ms = delay_ms,
		.bogus_len = bogus_len,
	};

	return mock_ioctl(sw, CXL_MOCK_SET_FAULTS, &a);
}

static inline long long mock_count_flags(struct mock_switch *sw,
					 struct cxl_mock_path path,
					 uint16_t opcode, uint32_t flags)
{
	struct cxl_mock_count a = {
		.id = sw->id,
		.flags = flags,
		.path = path,
		.opcode = opcode,
	};
	int ret;

	ret = mock_ioctl(sw, CXL_MOCK_COUNT, &a);
	return ret ? ret : (long long)a.count;
}

/**
 * mock_count() - how often a component executed an opcode
 * @sw: the switch
 * @path: the component, MOCK_P(port IDs...)
 * @opcode: the command
 *
 * Counts every time the device ran it, reached by the doorbell directly or
 * through tunnels, since the component was put there or the record reset.
 * Return: the count, or -errno (-ENOENT: no component there).
 */
static inline long long mock_count(struct mock_switch *sw,
				   struct cxl_mock_path path, uint16_t opcode)
{
	return mock_count_flags(sw, path, opcode, 0);
}

/* Zero the whole switch's execution record. */
static inline int mock_reset_counts(struct mock_switch *sw)
{
	long long ret = mock_count_flags(sw, MOCK_P(), 0, CXL_MOCK_COUNT_RESET);

	return ret < 0 ? ret : 0;
}

static inline int mock_info(struct mock_switch *sw, struct cxl_mock_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = sw->id;
	return mock_ioctl(sw, CXL_MOCK_INFO, info);
}

/**
 * mock_switch_create() - create, configure and (unless @d->no_start)
 *	start a mock switch
 * @d: its description
 * @sw: filled in
 *
 * Return: 0 or the -errno of the first step that failed.
 */
static inline int mock_switch_create(const struct mock_switch_desc *d,
				     struct mock_switch *sw)
{
	struct cxl_mock_create c = {
		.size = sizeof(c),
		.flags = d->flags,
		.payload_shift = d->payload_shift,
		.fn_revision = d->revision,
		.fn_vendor = d->vendor,
		.fn_device = d->device,
	};
	struct cxl_mock_component self = {
		.type = CXL_MOCK_COMP_SWITCH,
		.vendor = d->vendor,
		.device = d->device,
		.serial = d->serial,
	};
	unsigned int i;
	int ret;

	memset(sw, 0, sizeof(*sw));
	sw->ctl = mock_ctl();
	if (sw->ctl < 0)
		return sw->ctl;
	ret = mock_ioctl(sw, CXL_MOCK_CREATE, &c);
	if (ret)
		return ret;
	sw->id = c.id;
	snprintf(sw->name, sizeof(sw->name), "cxl_switch_mock.%u", sw->id);
	ret = mock_component(sw, &self);
	for (i = 0; !ret && i < d->nr_comps; i++)
		ret = mock_component(sw, &d->comps[i]);
	for (i = 0; !ret && i < d->nr_ports; i++)
		ret = mock_port(sw, &d->ports[i]);
	for (i = 0; !ret && i < d->nr_cmds; i++)
		ret = mock_cmd(sw, &d->cmds[i]);
	for (i = 0; !ret && i < d->nr_vcs; i++)
		ret = mock_vcs(sw, &d->vcs[i]);
	if (!ret && !d->no_start)
		ret = mock_start(sw);
	return ret;
}

/* Read the switch's sysfs attribute attr ("cxl_switch/serial", ...). */
static inline int mock_sysfs(struct mock_switch *sw, const char *attr,
			     char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), MOCK_SYSFS "/%s/%s", sw->name, attr);
	return read_file(path, buf, len);
}

static inline int mock_open_fwctl(struct mock_switch *sw)
{
	return sw->fwctl[0] ? open(sw->fwctl, O_RDWR) : -1;
}

static inline int mock_open_raw(struct mock_switch *sw)
{
	return sw->raw[0] ? open(sw->raw, O_RDWR) : -1;
}

/* A tunnel request through the ports of @path to @opcode with @in. */
static inline size_t mock_tunnel_to(uint8_t *buf, struct cxl_mock_path path,
				    uint16_t opcode, const void *in,
				    size_t len)
{
	uint8_t a[256], b[256];
	int d;

	memcpy(a, in, len);
	for (d = path.depth - 1; d >= 0; d--) {
		len = cxl_tunnel(b, path.port[d], d == path.depth - 1 ? opcode :
				 0x5300, a, len);
		memcpy(a, b, len);
	}
	memcpy(buf, a, len);
	return len;
}

/*
 * Send @opcode with @in to the component at @path through the fwctl
 * device @fd: directly or through tunnels. Returns as cxl_rpc().
 */
static inline int mock_send_at(int fd, uint32_t scope,
			       struct cxl_mock_path path, uint16_t opcode,
			       const void *in, size_t len)
{
	struct cxl_rsp rsp;
	uint8_t buf[256];

	if (!path.depth)
		return cxl_rpc(fd, scope, opcode, in, len, &rsp);
	len = mock_tunnel_to(buf, path, opcode, in, len);
	return cxl_rpc(fd, scope, 0x5300, buf, len, &rsp);
}

/* Milliseconds of CLOCK_MONOTONIC, for bounding how long something took. */
static inline long long mock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

#endif
