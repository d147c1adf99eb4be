// SPDX-License-Identifier: GPL-2.0
/*
 * A CXL fwctl client written the way a program built on mainline Linux's
 * UAPI headers is: only <fwctl/fwctl.h>, <fwctl/cxl.h> and <cxl/features.h>,
 * their struct and member names, the request sizes mainline clients send
 * (sizeof(struct fwctl_rpc_cxl) plus the feature data, and the tight
 * header-plus-op_size form). It runs FWCTL_INFO, Get Supported Features,
 * Get Feature and Set Feature at DEBUG_WRITE_FULL on every memory device's
 * fwctl node. The static asserts pin the layouts to mainline's.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fwctl/fwctl.h>
#include <fwctl/cxl.h>
#include <cxl/features.h>

#include "../kselftest_harness.h"
/* libc helpers of the suite; no fwctl header */
#include "fwctl_util.h"

/* Mainline 7.x layouts. */
static_assert(sizeof(struct fwctl_info) == 24, "fwctl_info");
static_assert(sizeof(struct fwctl_rpc) == 32, "fwctl_rpc");
static_assert(FWCTL_INFO == 0x9a00 && FWCTL_RPC == 0x9a01, "ioctls");
static_assert(FWCTL_DEVICE_TYPE_CXL == 2 && FWCTL_DEVICE_TYPE_BNXT == 3 &&
	      FWCTL_DEVICE_TYPE_PDS == 4, "device types");
static_assert(sizeof(struct fwctl_rpc_cxl_hdr) == 16, "cxl hdr");
static_assert(sizeof(struct fwctl_rpc_cxl) == 48, "fwctl_rpc_cxl");
static_assert(offsetof(struct fwctl_rpc_cxl, get_sup_feats_in) == 16, "in");
static_assert(offsetof(struct fwctl_rpc_cxl, get_feat_in) == 16, "in");
static_assert(offsetof(struct fwctl_rpc_cxl, set_feat_in) == 16, "in");
static_assert(sizeof(struct fwctl_rpc_cxl_out) == 16, "fwctl_rpc_cxl_out");
static_assert(offsetof(struct fwctl_rpc_cxl_out, get_sup_feats_out) == 8,
	      "out");
static_assert(sizeof(struct cxl_mbox_get_sup_feats_in) == 8, "gsf in");
static_assert(sizeof(struct cxl_mbox_get_sup_feats_out) == 8, "gsf out");
static_assert(sizeof(struct cxl_feat_entry) == 48, "entry");
static_assert(offsetof(struct cxl_feat_entry, effects) == 28, "effects");
static_assert(sizeof(struct cxl_mbox_get_feat_in) == 21, "gf in");
static_assert(sizeof(struct cxl_mbox_set_feat_in) == 32, "sf in");
static_assert(sizeof(struct cxl_mbox_set_feat_hdr) == 32, "sf hdr");

#define OP_GET_SUPPORTED_FEATURES	0x0500
#define OP_GET_FEATURE			0x0501
#define OP_SET_FEATURE			0x0502

/*
 * Patrol scrub, CXL r3.2 8.2.10.9.11.1: reads capabilities, the cycle
 * (current hours in the low byte, the minimum in the high byte) and flags;
 * writes the cycle in hours and the enable flag.
 */
static const unsigned char patrol_scrub[16] = {
	0x96, 0xda, 0xd7, 0xd6, 0xfd, 0xe8, 0x48, 0x2b,
	0xa7, 0x33, 0x75, 0x77, 0x4e, 0x06, 0xdb, 0x8a,
};

static int rpc(int fd, __u32 scope, void *in, size_t in_len, void *out,
	       size_t *out_len)
{
	struct fwctl_rpc r = {
		.size = sizeof(r),
		.scope = scope,
		.in_len = in_len,
		.out_len = *out_len,
		.in = (__u64)(uintptr_t)in,
		.out = (__u64)(uintptr_t)out,
	};

	if (ioctl(fd, FWCTL_RPC, &r))
		return -errno;
	*out_len = r.out_len;
	return 0;
}

static int get_sup_feats(int fd, size_t in_len, __u16 start, __u32 count,
			 struct fwctl_rpc_cxl_out *out, size_t *out_len)
{
	struct fwctl_rpc_cxl in = {
		.opcode = OP_GET_SUPPORTED_FEATURES,
		.op_size = sizeof(struct cxl_mbox_get_sup_feats_in),
		.get_sup_feats_in = { .count = count, .start_idx = start },
	};

	return rpc(fd, FWCTL_RPC_CONFIGURATION, &in, in_len, out, out_len);
}

static int get_feat(int fd, size_t in_len, const struct cxl_feat_entry *e,
		    struct fwctl_rpc_cxl_out *out, size_t *out_len)
{
	struct fwctl_rpc_cxl in = {
		.opcode = OP_GET_FEATURE,
		.op_size = sizeof(struct cxl_mbox_get_feat_in),
	};

	memcpy(in.get_feat_in.uuid, e->uuid, sizeof(in.get_feat_in.uuid));
	in.get_feat_in.offset = 0;
	in.get_feat_in.count = e->get_feat_size;
	in.get_feat_in.selection = CXL_GET_FEAT_SEL_CURRENT_VALUE;
	return rpc(fd, FWCTL_RPC_CONFIGURATION, &in, in_len, out, out_len);
}

/* The fwctl nodes whose parent is a CXL memory device ("memN"). */
static int memdev_nodes(char names[][32], int max)
{
	char link[PATH_MAX], path[300];
	struct dirent *de;
	DIR *dir = opendir("/sys/class/fwctl");
	ssize_t n;
	int found = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && found < max) {
		char *base;

		if (strncmp(de->d_name, "fwctl", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/class/fwctl/%s/device",
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (!strncmp(base, "mem", 3))
			snprintf(names[found++], 32, "%.31s", de->d_name);
	}
	closedir(dir);
	return found;
}

static int count_memdevs(void)
{
	DIR *dir = opendir("/sys/bus/cxl/devices");
	struct dirent *de;
	int n = 0;

	if (!dir)
		return 0;
	while ((de = readdir(dir)))
		n += !strncmp(de->d_name, "mem", 3);
	closedir(dir);
	return n;
}

FIXTURE(node) {
	char names[16][32];
	int n;
};

FIXTURE_SETUP(node)
{
	self->n = memdev_nodes(self->names, 16);
	ASSERT_LT(0, self->n);
	/* Every memory device has its node. */
	ASSERT_EQ(count_memdevs(), self->n);
}

FIXTURE_TEARDOWN(node)
{
}

TEST_F(node, info)
{
	unsigned char data[64];
	int i, fd;

	for (i = 0; i < self->n; i++) {
		struct fwctl_info info = { .size = sizeof(info) };
		char path[64];

		snprintf(path, sizeof(path), "/dev/fwctl/%s", self->names[i]);
		fd = open(path, O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ioctl(fd, FWCTL_INFO, &info));
		ASSERT_EQ(FWCTL_DEVICE_TYPE_CXL, info.out_device_type);
		ASSERT_EQ(0, info.device_data_len);
		/* A buffer: written in full, data then zeros. */
		memset(data, 0xee, sizeof(data));
		info.device_data_len = sizeof(data);
		info.out_device_data = (__u64)(uintptr_t)data;
		ASSERT_EQ(0, ioctl(fd, FWCTL_INFO, &info));
		ASSERT_GE(sizeof(data), info.device_data_len);
		ASSERT_EQ(0, data[sizeof(data) - 1]);
		close(fd);
	}
}

TEST_F(node, features)
{
	const bool locked = strcmp(lockdown_level(), "none") != 0;
	int i, fd;

	for (i = 0; i < self->n; i++) {
		struct fwctl_rpc_cxl_out *out;
		struct cxl_mbox_get_sup_feats_out *sup;
		size_t out_len, want, k, size;
		struct fwctl_rpc_cxl *set;
		unsigned char cur[1024];
		bool scrub = false;
		char path[64];
		__u16 total;

		snprintf(path, sizeof(path), "/dev/fwctl/%s", self->names[i]);
		fd = open(path, O_RDWR);
		ASSERT_LE(0, fd);
		out = calloc(1, 65536);
		ASSERT_NE(NULL, out);

		/* How many: a count with room for the header only. */
		out_len = sizeof(*out);
		ASSERT_EQ(0, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl), 0,
					   sizeof(*sup), out, &out_len));
		ASSERT_EQ(0, out->retval);
		sup = &out->get_sup_feats_out;
		ASSERT_EQ(0, sup->num_entries);
		total = sup->supported_feats;
		ASSERT_LT(0, total);

		/* All of them, with the tight request size too. */
		size = sizeof(*sup) + total * sizeof(struct cxl_feat_entry);
		want = sizeof(*out) + size;
		out_len = want;
		ASSERT_EQ(0, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl_hdr) +
					   sizeof(struct cxl_mbox_get_sup_feats_in),
					   0, size, out, &out_len));
		ASSERT_EQ(0, out->retval);
		ASSERT_EQ(want, out_len);
		ASSERT_EQ(size, out->size);
		ASSERT_EQ(total, sup->num_entries);
		ASSERT_EQ(total, sup->supported_feats);
		out_len = want;
		ASSERT_EQ(0, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl), 0,
					   size, out, &out_len));
		ASSERT_EQ(total, sup->num_entries);
		/* From the last one on; and past the end, EINVAL. */
		out_len = want;
		ASSERT_EQ(0, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl),
					   total - 1, size, out, &out_len));
		ASSERT_EQ(1, sup->num_entries);
		ASSERT_EQ(-EINVAL, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl),
						 total, size, out, &out_len));
		out_len = want;
		ASSERT_EQ(0, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl), 0,
					   size, out, &out_len));

		struct cxl_feat_entry ents[total];

		memcpy(ents, sup->ents, sizeof(ents));
		for (k = 0; k < total; k++) {
			const struct cxl_feat_entry *e = &ents[k];

			if (!e->get_feat_size)
				continue;
			ASSERT_GE(sizeof(cur), e->get_feat_size);
			out_len = sizeof(*out) + e->get_feat_size;
			ASSERT_EQ(0, get_feat(fd, sizeof(struct fwctl_rpc_cxl),
					      e, out, &out_len));
			ASSERT_EQ(0, out->retval);
			ASSERT_EQ(e->get_feat_size, out->size);
			out_len = sizeof(*out) + e->get_feat_size;
			ASSERT_EQ(0, get_feat(fd, sizeof(struct fwctl_rpc_cxl_hdr) +
					      sizeof(struct cxl_mbox_get_feat_in),
					      e, out, &out_len));
			ASSERT_EQ(e->get_feat_size, out->size);
			if (memcmp(e->uuid, patrol_scrub, 16))
				continue;
			/* EDAC's on 7.x, as mainline lists it. */
			ASSERT_EQ(!kernel_owns_ras_features(),
				  !!(e->flags & CXL_FEATURE_F_CHANGEABLE));
			memcpy(cur, out->payload, e->get_feat_size);
			scrub = true;

			/* Set it to the value it has, at full scope. */
			set = calloc(1, sizeof(*set) + 2);
			ASSERT_NE(NULL, set);
			set->opcode = OP_SET_FEATURE;
			set->op_size = sizeof(struct cxl_mbox_set_feat_in) + 2;
			memcpy(set->set_feat_in.uuid, e->uuid, 16);
			set->set_feat_in.flags =
				CXL_SET_FEAT_FLAG_FULL_DATA_TRANSFER;
			set->set_feat_in.version = e->set_feat_ver;
			set->set_feat_in.feat_data[0] = cur[1];
			set->set_feat_in.feat_data[1] = cur[3] & 1;
			out_len = sizeof(*out);
			if (locked) {
				/* The documented difference to mainline. */
				ASSERT_EQ(-EPERM, rpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
						      set, sizeof(*set) + 2, out,
						      &out_len));
				free(set);
				continue;
			}
			if (kernel_owns_ras_features()) {
				/*
				 * The kernel's: EBUSY as for every kernel-owned
				 * command (mainline 7.x: EPERM).
				 */
				ASSERT_EQ(-EBUSY, rpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
						      set, sizeof(*set) + 2, out,
						      &out_len));
				free(set);
				continue;
			}
			ASSERT_EQ(0, rpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL, set,
					 sizeof(*set) + 2, out, &out_len));
			ASSERT_EQ(0, out->retval);
			/* The tight size, and one without any data. */
			out_len = sizeof(*out);
			ASSERT_EQ(0, rpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL, set,
					 sizeof(struct fwctl_rpc_cxl_hdr) +
					 set->op_size, out, &out_len));
			ASSERT_EQ(0, out->retval);
			set->op_size = sizeof(struct cxl_mbox_set_feat_in);
			ASSERT_EQ(-EINVAL, rpc(fd, FWCTL_RPC_DEBUG_WRITE_FULL,
					       set, sizeof(*set) + 2, out,
					       &out_len));
			free(set);
			out_len = sizeof(*out) + e->get_feat_size;
			ASSERT_EQ(0, get_feat(fd, sizeof(struct fwctl_rpc_cxl),
					      e, out, &out_len));
			ASSERT_EQ(0, memcmp(cur, out->payload,
					    e->get_feat_size));
		}
		ASSERT_TRUE(scrub);
		free(out);
		close(fd);
	}
}

/* The size rules: op_size at most what follows the header. */
TEST_F(node, request_sizes)
{
	struct fwctl_rpc_cxl_out out;
	size_t out_len;
	int fd;
	char path[64];

	snprintf(path, sizeof(path), "/dev/fwctl/%s", self->names[0]);
	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd);
	/* A header alone, or less: EINVAL. */
	out_len = sizeof(out);
	ASSERT_EQ(-EINVAL, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl_hdr),
					 0, 8, &out, &out_len));
	ASSERT_EQ(-EINVAL, get_sup_feats(fd, 12, 0, 8, &out, &out_len));
	/* One byte short of op_size. */
	ASSERT_EQ(-EINVAL, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl_hdr) + 7,
					 0, 8, &out, &out_len));
	/* Room for less than the reply header. */
	out_len = sizeof(out.hdr) - 1;
	ASSERT_EQ(-EINVAL, get_sup_feats(fd, sizeof(struct fwctl_rpc_cxl), 0, 8,
					 &out, &out_len));
	/* Longer than the struct: accepted, the rest ignored. */
	out_len = sizeof(out);
	{
		unsigned char big[sizeof(struct fwctl_rpc_cxl) + 40] = {};
		struct fwctl_rpc_cxl *in = (void *)big;

		in->opcode = OP_GET_SUPPORTED_FEATURES;
		in->op_size = sizeof(in->get_sup_feats_in);
		in->get_sup_feats_in.count = 8;
		ASSERT_EQ(0, rpc(fd, FWCTL_RPC_CONFIGURATION, big, sizeof(big),
				 &out, &out_len));
		ASSERT_EQ(0, out.retval);
	}
	close(fd);
}

TEST_HARNESS_MAIN
