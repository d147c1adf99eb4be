/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers of the CXL fwctl selftests: find devices, send mailbox RPCs. */
#ifndef _CXL_UTIL_H
#define _CXL_UTIL_H

#include <dirent.h>
#include <pthread.h>
#include <libgen.h>
#include <limits.h>
#include <sys/ioctl.h>

#include <fwctl/cxl.h>
#include <fwctl/fwctl.h>

#include "fwctl_util.h"

#define CXL_PAYLOAD_MAX 2048

struct cxl_req {
	struct fwctl_rpc_cxl_hdr hdr;
	uint8_t payload[CXL_PAYLOAD_MAX];
};

struct cxl_rsp {
	struct fwctl_rpc_cxl_out_hdr hdr;
	uint8_t payload[CXL_PAYLOAD_MAX];
};

/*
 * Send opcode with len payload bytes at scope. Returns 0 with the device's
 * return code in rsp->hdr.retval, or -errno.
 */
static inline int cxl_rpc(int fd, uint32_t scope, uint16_t opcode,
			  const void *in, size_t len, struct cxl_rsp *rsp)
{
	struct cxl_req req = { .hdr = { .opcode = opcode, .op_size = len } };
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = sizeof(req.hdr) + len,
		.out_len = sizeof(*rsp),
		.in = (uintptr_t)&req,
		.out = (uintptr_t)rsp,
	};

	if (len)
		memcpy(req.payload, in, len);
	memset(rsp, 0, sizeof(*rsp));
	if (ioctl(fd, FWCTL_RPC, &rpc))
		return -errno;
	return 0;
}

/*
 * FWCTL_CXL_QUERY_COMMANDS at scope, into cmds (room for max entries).
 * Returns the entries the device has, or -errno: -E2BIG when they are more
 * than max.
 */
static inline int cxl_query_commands(int fd, uint32_t scope,
				     struct fwctl_cxl_command *cmds,
				     unsigned int max)
{
	struct fwctl_rpc_cxl_hdr req = { .opcode = FWCTL_CXL_QUERY_COMMANDS };
	struct cxl_rsp rsp;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = sizeof(req),
		.out_len = sizeof(rsp),
		.in = (uintptr_t)&req,
		.out = (uintptr_t)&rsp,
	};
	unsigned int n;

	memset(&rsp, 0, sizeof(rsp));
	if (ioctl(fd, FWCTL_RPC, &rpc))
		return -errno;
	if (rsp.hdr.retval || rsp.hdr.size % sizeof(*cmds) ||
	    rpc.out_len != sizeof(rsp.hdr) + rsp.hdr.size)
		return -EPROTO;
	n = rsp.hdr.size / sizeof(*cmds);
	if (n > max || n > sizeof(rsp.payload) / sizeof(*cmds))
		return -E2BIG;
	memcpy(cmds, rsp.payload, n * sizeof(*cmds));
	return n;
}

/* A tunnel request to port carrying opcode and its payload; returns size. */
static inline size_t cxl_tunnel(uint8_t *buf, uint8_t port, uint16_t opcode,
				const void *payload, size_t plen)
{
	uint8_t *msg = buf + 4;

	buf[0] = port;
	buf[1] = 0;
	buf[2] = (12 + plen) & 0xff;
	buf[3] = (12 + plen) >> 8;
	memset(msg, 0, 12);
	msg[1] = 0x42;	/* tag, echoed */
	msg[3] = opcode & 0xff;
	msg[4] = opcode >> 8;
	msg[5] = plen & 0xff;
	msg[6] = (plen >> 8) & 0xff;
	msg[7] = (plen >> 16) & 0x1f;
	if (plen)
		memcpy(msg + 12, payload, plen);
	return 16 + plen;
}

static inline uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static inline uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static inline uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/*
 * The PCI functions bound to driver, in directory order; returns how many
 * names were stored in bdf[].
 */
static inline int cxl_bound(const char *driver, char bdf[][16], int max)
{
	char path[128];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", driver);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && n < max) {
		if (strncmp(de->d_name, "0000:", 5))
			continue;
		snprintf(bdf[n++], 16, "%.15s", de->d_name);
	}
	closedir(dir);
	return n;
}

/* The fwctl class device of a parent device directory: "fwctlN". */
static inline int cxl_fwctl_of(const char *devdir, char *name, size_t len)
{
	char path[256];
	struct dirent *de;
	DIR *dir;

	name[0] = 0;
	snprintf(path, sizeof(path), "%s/fwctl", devdir);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "fwctl", 5))
			snprintf(name, len, "%.24s", de->d_name);
	closedir(dir);
	return name[0] ? 0 : -ENOENT;
}

/*
 * One thread of RPCs (opcode, no payload) for unbind-under-load tests: runs
 * until the device has been gone for 20 RPCs, so RPCs are in flight when it
 * goes; counts replies, ENODEV and anything else.
 */
struct hammer {
	int fd;
	uint16_t opcode;
	int ok;
	int gone;
	int bad;
};

static inline void *hammer_fn(void *arg)
{
	struct hammer *h = arg;
	struct cxl_rsp rsp;
	int i, ret;

	for (i = 0; i < 1000000 && h->gone < 20; i++) {
		ret = cxl_rpc(h->fd, 0, h->opcode, NULL, 0, &rsp);
		if (!ret && !rsp.hdr.retval)
			__atomic_add_fetch(&h->ok, 1, __ATOMIC_RELAXED);
		else if (ret == -ENODEV)
			h->gone++;
		else
			h->bad++;
	}
	return NULL;
}

#define HAMMERS 4

/*
 * Run HAMMERS RPC threads on fd, unbind bdf from the driver at drv (its
 * sysfs directory) once every thread has had an RPC through, join them and
 * bind again. Returns 0 or the -errno of the step that failed (starting
 * threads, unbind, join); *bound gets the result of the bind.
 */
static inline int hammer_unbind(int fd, uint16_t opcode, const char *drv,
				const char *bdf, struct hammer *h, int *bound)
{
	pthread_t th[HAMMERS];
	char path[128];
	int i, ret;

	for (i = 0; i < HAMMERS; i++) {
		h[i] = (struct hammer){ .fd = fd, .opcode = opcode };
		if (pthread_create(&th[i], NULL, hammer_fn, &h[i]))
			return -EAGAIN;
	}
	for (i = 0; i < HAMMERS; i++)
		while (!__atomic_load_n(&h[i].ok, __ATOMIC_RELAXED))
			usleep(1000);
	snprintf(path, sizeof(path), "%s/unbind", drv);
	ret = write_file(path, bdf);
	for (i = 0; i < HAMMERS; i++)
		if (pthread_join(th[i], NULL) && !ret)
			ret = -ECHILD;
	snprintf(path, sizeof(path), "%s/bind", drv);
	*bound = write_file(path, bdf);
	return ret;
}

#define CXL_DEVS "/sys/bus/cxl/devices"

/* The memdev ("memN") whose serial is serial, or -1. */
static inline int memdev_by_serial(uint64_t serial, char *name, size_t len)
{
	char path[512], buf[64];
	struct dirent *de;
	DIR *dir = opendir(CXL_DEVS);

	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "mem", 3))
			continue;
		snprintf(path, sizeof(path), CXL_DEVS "/%s/serial", de->d_name);
		if (read_file(path, buf, sizeof(buf)) < 0)
			continue;
		if (strtoull(buf, NULL, 0) == serial) {
			snprintf(name, len, "%.15s", de->d_name);
			closedir(dir);
			return 0;
		}
	}
	closedir(dir);
	return -1;
}

/* The PCI function of a memdev. */
static inline int memdev_bdf(const char *mem, char *bdf, size_t len)
{
	char path[128], real[PATH_MAX];

	snprintf(path, sizeof(path), CXL_DEVS "/%s", mem);
	if (!realpath(path, real))
		return -1;
	snprintf(bdf, len, "%.15s", basename(dirname(real)));
	return 0;
}

/*
 * Wait, up to @tries looks 100 ms apart, for a memdev's security state to
 * read "disabled" again (a sanitize ended); 0, -ETIMEDOUT, or the read's
 * error (-ENODATA for an empty file).
 */
static inline int memdev_wait_sanitized(const char *mem, int tries)
{
	char path[128], state[32];
	int i, n;

	snprintf(path, sizeof(path), CXL_DEVS "/%s/security/state", mem);
	for (i = 0; i < tries; i++) {
		n = read_file(path, state, sizeof(state));
		if (n <= 0)
			return n ?: -ENODATA;
		if (!strncmp(state, "disabled", 8))
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

static inline int open_memdev_fwctl(const char *mem)
{
	char dir[128], name[32], path[64];

	snprintf(dir, sizeof(dir), CXL_DEVS "/%s", mem);
	if (cxl_fwctl_of(dir, name, sizeof(name)))
		return -1;
	snprintf(path, sizeof(path), "/dev/fwctl/%s", name);
	return open(path, O_RDWR);
}

#endif
