// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the fwctl core: scope rules, the taint, ioctl size rules
 * and device lifetime through the real file operations with a fake driver.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/mman.h>
#include <linux/panic.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "fwctl_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_IMPORT_NS(FWCTL);

/* --- scope rules ---------------------------------------------------- */

struct scope_case {
	u32 scope;
	bool rawio;
	int expect;
};

static const struct scope_case scope_cases[] = {
	{ FWCTL_RPC_CONFIGURATION, true, 0 },
	{ FWCTL_RPC_DEBUG_READ_ONLY, true, 0 },
	{ FWCTL_RPC_DEBUG_WRITE, true, 0 },
	{ FWCTL_RPC_DEBUG_WRITE_FULL, true, 0 },
	{ FWCTL_RPC_CONFIGURATION, false, 0 },
	{ FWCTL_RPC_DEBUG_WRITE, false, 0 },
	{ FWCTL_RPC_DEBUG_WRITE_FULL, false, -EPERM },
	{ FWCTL_RPC_DEBUG_WRITE_FULL + 1, true, -EOPNOTSUPP },
	{ U32_MAX, false, -EOPNOTSUPP },
};

static void scope_case_desc(const struct scope_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "scope %u %s CAP_SYS_RAWIO",
		 c->scope, c->rawio ? "with" : "without");
}

KUNIT_ARRAY_PARAM(scope, scope_cases, scope_case_desc);

static void fwctl_test_scope_allowed(struct kunit *test)
{
	const struct scope_case *c = test->param_value;
	const struct cred *old;
	struct cred *new;

	new = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, new);
	if (!c->rawio)
		cap_lower(new->cap_effective, CAP_SYS_RAWIO);
	else
		cap_raise(new->cap_effective, CAP_SYS_RAWIO);
	old = override_creds(new);
	KUNIT_EXPECT_EQ(test, fwctl_scope_allowed(c->scope), c->expect);
	revert_creds(old);
	put_cred(new);
}

/* --- what userspace sees of a driver's errors ----------------------- */

static void fwctl_test_errno(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, fwctl_errno(-EIO), -EIO);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-EPERM), -EPERM);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-EHWPOISON), -EHWPOISON);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-ERESTARTSYS), -EINTR);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-ERESTARTNOINTR), -EINTR);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-ERESTARTNOHAND), -EINTR);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-ERESTART_RESTARTBLOCK), -EINTR);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-ENOIOCTLCMD), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-EPROBE_DEFER), -EIO);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-EIOCBQUEUED), -EIO);
	KUNIT_EXPECT_EQ(test, fwctl_errno(-MAX_ERRNO), -EIO);
}

/* --- a fake driver and the real file operations ----------------------- */

struct kdrv {
	struct fwctl_device fwctl;
	int opens;
	int closes;
	int rpcs;
	u32 scope;
	bool tainted;
	bool in_on_stack;
};

static int kdrv_open(struct fwctl_uctx *uctx)
{
	container_of(uctx->fwctl, struct kdrv, fwctl)->opens++;
	return 0;
}

static void kdrv_close(struct fwctl_uctx *uctx)
{
	container_of(uctx->fwctl, struct kdrv, fwctl)->closes++;
}

static void *kdrv_info(struct fwctl_uctx *uctx, size_t *length)
{
	*length = 40;
	return kmemdup("0123456789abcdefghijklmnopqrstuvwxyzABCD", 40,
		       GFP_KERNEL);
}

/*
 * Replies with the request reversed and twice as long, and records whether
 * the kernel was tainted when it was called. A request that starts with 'E'
 * fails with the errno in its second byte plus 500; one that starts with
 * 'I' is reversed in place and returned as the reply.
 */
static void *kdrv_rpc(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		      void *rpc_in, size_t in_len, size_t *out_len)
{
	struct kdrv *drv = container_of(uctx->fwctl, struct kdrv, fwctl);
	u8 *out, *in = rpc_in;
	size_t i;

	drv->rpcs++;
	drv->scope = scope;
	drv->tainted = test_taint(TAINT_FWCTL);
	drv->in_on_stack = object_is_on_stack(rpc_in);
	if (in_len && in[0] == 'I') {
		for (i = 0; i < in_len / 2; i++)
			swap(in[i], in[in_len - 1 - i]);
		*out_len = in_len;
		return rpc_in;
	}
	if (in_len >= 2 && in[0] == 'E')
		return ERR_PTR(-(500 + in[1]));
	out = kvzalloc(in_len * 2 + 1, GFP_KERNEL);
	if (!out)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < in_len; i++)
		out[i] = in[in_len - 1 - i];
	*out_len = in_len * 2;
	return out;
}

static const struct fwctl_ops kdrv_ops = {
	.device_type = FWCTL_DEVICE_TYPE_CXL,
	.uctx_size = sizeof(struct fwctl_uctx),
	.open_uctx = kdrv_open,
	.close_uctx = kdrv_close,
	.info = kdrv_info,
	.fw_rpc = kdrv_rpc,
};

struct kctx {
	struct kdrv *drv;
	struct inode inode;
	struct file file;
	bool registered;
	bool open;
	u8 __user *ubuf;
};

static void kctx_exit(struct kunit *test)
{
	struct kctx *k = test->priv;

	if (!k || !k->drv)
		return;
	if (k->open)
		fwctl_fops_release(&k->inode, &k->file);
	if (k->registered)
		fwctl_unregister(&k->drv->fwctl);
	fwctl_put(&k->drv->fwctl);
}

static int kctx_init(struct kunit *test)
{
	struct device *parent;
	struct kctx *k;
	unsigned long addr;

	k = kunit_kzalloc(test, sizeof(*k), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	test->priv = k;

	parent = kunit_device_register(test, "fwctl-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(parent));
	k->drv = fwctl_alloc_device(parent, &kdrv_ops, struct kdrv, fwctl);
	KUNIT_ASSERT_NOT_NULL(test, k->drv);
	KUNIT_ASSERT_EQ(test, fwctl_register(&k->drv->fwctl), 0);
	k->registered = true;

	k->inode.i_cdev = &k->drv->fwctl.cdev;
	KUNIT_ASSERT_EQ(test, fwctl_fops_open(&k->inode, &k->file), 0);
	k->open = true;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE * 2,
			     PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			     0);
	KUNIT_ASSERT_NE(test, addr, 0UL);
	k->ubuf = (u8 __user *)addr;
	return 0;
}

static long kioctl(struct kctx *k, unsigned int cmd, const void *arg,
		   size_t len)
{
	if (copy_to_user(k->ubuf, arg, len))
		return -EFAULT;
	return fwctl_fops_ioctl(&k->file, cmd, (unsigned long)k->ubuf);
}

static void fwctl_test_register(struct kunit *test)
{
	struct kctx *k = test->priv;

	KUNIT_EXPECT_EQ(test, strncmp(dev_name(&k->drv->fwctl.dev), "fwctl", 5),
			0);
	KUNIT_EXPECT_NE(test, k->drv->fwctl.dev.devt, 0);
	KUNIT_EXPECT_EQ(test, k->drv->opens, 1);
	KUNIT_EXPECT_PTR_EQ(test, k->drv->fwctl.ops, &kdrv_ops);
}

static void fwctl_test_ioctl_numbers(struct kunit *test)
{
	struct kctx *k = test->priv;
	struct fwctl_info info = { .size = sizeof(info) };

	KUNIT_EXPECT_EQ(test, kioctl(k, _IO(FWCTL_TYPE, 2), &info, sizeof(info)),
			-ENOIOCTLCMD);
	KUNIT_EXPECT_EQ(test, kioctl(k, _IO(FWCTL_TYPE + 1, 0), &info,
				     sizeof(info)), -ENOIOCTLCMD);
	/* Same number with a direction encoded is a different ioctl. */
	KUNIT_EXPECT_EQ(test, kioctl(k, _IOR(FWCTL_TYPE, 0, struct fwctl_info),
				     &info, sizeof(info)), -ENOIOCTLCMD);
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)), 0);
}

static void fwctl_test_info_sizes(struct kunit *test)
{
	struct kctx *k = test->priv;
	struct fwctl_info info = { .size = sizeof(info) };
	u8 big[sizeof(info) + 8] = {};
	u8 data[40];

	/* Shorter than the first version: EINVAL. */
	info.size = offsetof(struct fwctl_info, out_device_data);
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)),
			-EINVAL);

	/* Longer with a non-zero tail: E2BIG; zero tail: accepted. */
	info.size = sizeof(big);
	memcpy(big, &info, sizeof(info));
	big[sizeof(info) + 3] = 1;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, big, sizeof(big)), -E2BIG);
	big[sizeof(info) + 3] = 0;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, big, sizeof(big)), 0);

	/* Unknown flag. */
	info.size = sizeof(info);
	info.flags = 0x80;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)),
			-EOPNOTSUPP);
	info.flags = 0x80000000;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)),
			-EOPNOTSUPP);

	/* Length 0: nothing copied, 0 reported, as mainline does. */
	info.flags = 0;
	info.device_data_len = 0;
	info.out_device_data = (u64)(uintptr_t)(k->ubuf + 512);
	KUNIT_ASSERT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&info, k->ubuf, sizeof(info)), 0);
	KUNIT_EXPECT_EQ(test, info.device_data_len, 0);
	KUNIT_EXPECT_EQ(test, info.out_device_type, FWCTL_DEVICE_TYPE_CXL);

	/* Too small: a prefix copied, the full length reported. */
	memset(data, 0xee, sizeof(data));
	KUNIT_ASSERT_EQ(test, copy_to_user(k->ubuf + 512, data, sizeof(data)), 0);
	info.device_data_len = 10;
	KUNIT_ASSERT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&info, k->ubuf, sizeof(info)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(data, k->ubuf + 512, sizeof(data)),
			0);
	KUNIT_EXPECT_EQ(test, info.device_data_len, 40);
	KUNIT_EXPECT_MEMEQ(test, data, "0123456789", 10);
	KUNIT_EXPECT_EQ(test, data[10], 0xee);
}

/* A buffer longer than the data: the data, then zeros to its end. */
static void fwctl_test_info_zero_fill(struct kunit *test)
{
	struct kctx *k = test->priv;
	struct fwctl_info info = {
		.size = sizeof(info),
		.device_data_len = 100,
		.out_device_data = (u64)(uintptr_t)(k->ubuf + 512),
	};
	u8 data[128], zero[60] = {};

	memset(data, 0xee, sizeof(data));
	KUNIT_ASSERT_EQ(test, copy_to_user(k->ubuf + 512, data, sizeof(data)),
			0);
	KUNIT_ASSERT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&info, k->ubuf, sizeof(info)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(data, k->ubuf + 512, sizeof(data)),
			0);
	KUNIT_EXPECT_EQ(test, info.device_data_len, 40);
	KUNIT_EXPECT_MEMEQ(test, data, "0123456789abcdefghijklmnopqrstuvwxyzABCD",
			   40);
	KUNIT_EXPECT_MEMEQ(test, data + 40, zero, sizeof(zero));
	/* Not one byte past the caller's length. */
	KUNIT_EXPECT_EQ(test, data[100], 0xee);
}

static void fwctl_test_rpc(struct kunit *test)
{
	struct kctx *k = test->priv;
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = FWCTL_RPC_CONFIGURATION,
		.in_len = 4,
		.out_len = 5,
		.in = (u64)(uintptr_t)(k->ubuf + 256),
		.out = (u64)(uintptr_t)(k->ubuf + 512),
	};
	u8 out[8];

	KUNIT_ASSERT_EQ(test, copy_to_user(k->ubuf + 256, "abcd", 4), 0);
	KUNIT_ASSERT_EQ(test, copy_to_user(k->ubuf + 512, "XXXXXXXX", 8), 0);
	KUNIT_ASSERT_EQ(test, kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&rpc, k->ubuf, sizeof(rpc)), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(out, k->ubuf + 512, 8), 0);
	/* Reply of 8 truncated to out_len 5; the full length reported. */
	KUNIT_EXPECT_EQ(test, rpc.out_len, 8);
	KUNIT_EXPECT_MEMEQ(test, out, "dcba\0XXX", 8);
	KUNIT_EXPECT_EQ(test, k->drv->rpcs, 1);

	rpc.scope = FWCTL_RPC_DEBUG_WRITE_FULL + 1;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc)),
			-EOPNOTSUPP);
	rpc.scope = FWCTL_RPC_CONFIGURATION;
	rpc.in_len = FWCTL_MAX_RPC_LEN + 1;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc)),
			-EMSGSIZE);
	rpc.in_len = 4;
	rpc.out_len = FWCTL_MAX_RPC_LEN + 1;
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc)),
			-EMSGSIZE);
	rpc.out_len = 4;
	rpc.in = 16;	/* unmapped */
	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc)), -EFAULT);
	/* None of the refused requests reached the driver. */
	KUNIT_EXPECT_EQ(test, k->drv->rpcs, 1);
}

/*
 * Requests up to FWCTL_RPC_STACK_LEN bytes are copied to the stack, longer
 * ones allocated; a driver may reply in place from either.
 */
static void fwctl_test_rpc_in_place(struct kunit *test)
{
	static const size_t lens[] = { 1, FWCTL_RPC_STACK_LEN,
				       FWCTL_RPC_STACK_LEN + 1, 1000 };
	struct kctx *k = test->priv;
	u8 *req, *out;
	unsigned int i;
	size_t j, n;

	req = kunit_kzalloc(test, 1000, GFP_KERNEL);
	out = kunit_kzalloc(test, 1000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, req);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct fwctl_rpc rpc = {
			.size = sizeof(rpc),
			.scope = FWCTL_RPC_CONFIGURATION,
			.in_len = lens[i],
			.out_len = lens[i],
			.in = (u64)(uintptr_t)(k->ubuf + 1024),
			.out = (u64)(uintptr_t)(k->ubuf + 3072),
		};

		n = lens[i];
		req[0] = 'I';
		for (j = 1; j < n; j++)
			req[j] = j & 0xff;
		KUNIT_ASSERT_EQ(test, copy_to_user(k->ubuf + 1024, req, n), 0);
		KUNIT_ASSERT_EQ(test, kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc)), 0);
		KUNIT_ASSERT_EQ(test, copy_from_user(&rpc, k->ubuf, sizeof(rpc)),
				0);
		KUNIT_ASSERT_EQ(test, copy_from_user(out, k->ubuf + 3072, n), 0);
		KUNIT_EXPECT_EQ(test, rpc.out_len, n);
		KUNIT_EXPECT_EQ(test, k->drv->in_on_stack,
				n <= FWCTL_RPC_STACK_LEN);
		for (j = 0; j < n; j++)
			if (out[j] != req[n - 1 - j])
				break;
		KUNIT_EXPECT_EQ_MSG(test, j, n, "in-place reply of %zu bytes", n);
	}
}

/* Run one RPC at scope with the 2-byte request; returns the ioctl result. */
static long krpc(struct kctx *k, u32 scope, const char *req)
{
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = 2,
		.out_len = 8,
		.in = (u64)(uintptr_t)(k->ubuf + 256),
		.out = (u64)(uintptr_t)(k->ubuf + 512),
	};

	if (copy_to_user(k->ubuf + 256, req, 2))
		return -EFAULT;
	return kioctl(k, FWCTL_RPC, &rpc, sizeof(rpc));
}

/*
 * The taint is the scope's, set before the driver runs, by every caller:
 * a second caller must not reach the driver while the first one is still
 * warning with the taint not yet set. The first caller is simulated by
 * its once-per-boot bit, which is cleared again after, so that the first
 * real caller still warns. Needs a kernel fwctl has not tainted yet (it
 * runs first in its suite, at boot); it taints the kernel.
 */
static void fwctl_test_taint_before_driver(struct kunit *test)
{
	struct kctx *k = test->priv;

	if (test_taint(TAINT_FWCTL))
		kunit_skip(test, "TAINT_FWCTL already set: not a fresh kernel");
	/* Read-only scopes never taint, whatever the driver does. */
	KUNIT_EXPECT_EQ(test, krpc(k, FWCTL_RPC_CONFIGURATION, "ab"), 0);
	KUNIT_EXPECT_EQ(test, krpc(k, FWCTL_RPC_DEBUG_READ_ONLY, "E\x0c"),
			-EINTR);
	KUNIT_EXPECT_FALSE(test, k->drv->tainted);
	KUNIT_EXPECT_FALSE(test, test_taint(TAINT_FWCTL));

	/* A first caller is between its test_and_set_bit() and add_taint(). */
	set_bit(0, &fwctl_tainted);
	KUNIT_EXPECT_EQ(test, krpc(k, FWCTL_RPC_DEBUG_WRITE, "E\x0c"), -EINTR);
	KUNIT_EXPECT_EQ(test, k->drv->rpcs, 3);
	KUNIT_EXPECT_TRUE(test, k->drv->tainted);
	KUNIT_EXPECT_TRUE(test, test_taint(TAINT_FWCTL));
	clear_bit(0, &fwctl_tainted);
}

/* Kernel-internal errnos of a driver never reach userspace. */
static void fwctl_test_rpc_errno_filtered(struct kunit *test)
{
	struct kctx *k = test->priv;

	KUNIT_EXPECT_EQ(test, krpc(k, 0, "E\x0c"), -EINTR);	/* 512 */
	KUNIT_EXPECT_EQ(test, krpc(k, 0, "E\x0f"), -EOPNOTSUPP);	/* 515 */
	KUNIT_EXPECT_EQ(test, krpc(k, 0, "E\x11"), -EIO);	/* 517 */
	KUNIT_EXPECT_EQ(test, krpc(k, 0, "E\x18"), -EIO);	/* 524 */
	KUNIT_EXPECT_EQ(test, k->drv->rpcs, 4);
}

/* A legacy interface's context: opened and closed through the ops. */
static void fwctl_test_rpc_kernel(struct kunit *test)
{
	struct kctx *k = test->priv;
	struct fwctl_uctx *uctx;
	size_t out_len = 4;
	char in[3] = "abc";
	u8 *out;

	uctx = fwctl_kernel_open(&k->drv->fwctl);
	KUNIT_ASSERT_FALSE(test, IS_ERR(uctx));
	KUNIT_EXPECT_EQ(test, k->drv->opens, 2);
	out = fwctl_rpc_kernel(uctx, FWCTL_RPC_CONFIGURATION, in, 3, &out_len);
	KUNIT_ASSERT_FALSE(test, IS_ERR(out));
	KUNIT_EXPECT_EQ(test, out_len, 6);
	KUNIT_EXPECT_MEMEQ(test, out, "cba", 3);
	kvfree(out);
	KUNIT_EXPECT_PTR_EQ(test, fwctl_rpc_kernel(uctx, 4, in, 3, &out_len),
			    ERR_PTR(-EOPNOTSUPP));
	out_len = FWCTL_MAX_RPC_LEN + 1;
	KUNIT_EXPECT_PTR_EQ(test, fwctl_rpc_kernel(uctx, 0, in, 3, &out_len),
			    ERR_PTR(-EMSGSIZE));

	/* After unregister: closed by it, ENODEV, and closing frees it. */
	fwctl_unregister(&k->drv->fwctl);
	k->registered = false;
	KUNIT_EXPECT_EQ(test, k->drv->closes, 2);
	out_len = 4;
	KUNIT_EXPECT_PTR_EQ(test, fwctl_rpc_kernel(uctx, 0, in, 3, &out_len),
			    ERR_PTR(-ENODEV));
	fwctl_kernel_close(uctx);
	KUNIT_EXPECT_EQ(test, k->drv->closes, 2);
	KUNIT_EXPECT_PTR_EQ(test, fwctl_kernel_open(&k->drv->fwctl),
			    ERR_PTR(-ENODEV));
	KUNIT_EXPECT_EQ(test, k->drv->rpcs, 1);
}

static void fwctl_test_unregister_open(struct kunit *test)
{
	struct kctx *k = test->priv;
	struct fwctl_info info = { .size = sizeof(info) };
	struct file second = {};

	KUNIT_ASSERT_EQ(test, fwctl_fops_open(&k->inode, &second), 0);
	KUNIT_EXPECT_EQ(test, k->drv->opens, 2);

	fwctl_unregister(&k->drv->fwctl);
	k->registered = false;
	/* Every open context was closed exactly once. */
	KUNIT_EXPECT_EQ(test, k->drv->closes, 2);
	KUNIT_EXPECT_NULL(test, k->drv->fwctl.ops);

	KUNIT_EXPECT_EQ(test, kioctl(k, FWCTL_INFO, &info, sizeof(info)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, fwctl_fops_ioctl(&second, FWCTL_RPC,
					       (unsigned long)k->ubuf), -ENODEV);
	/* Opening an orphaned device fails. */
	KUNIT_EXPECT_EQ(test, fwctl_fops_open(&k->inode, &(struct file){}),
			-ENODEV);

	/* Closing after unregister does not call the driver again. */
	fwctl_fops_release(&k->inode, &second);
	KUNIT_EXPECT_EQ(test, k->drv->closes, 2);
	fwctl_fops_release(&k->inode, &k->file);
	k->open = false;
	KUNIT_EXPECT_EQ(test, k->drv->closes, 2);
}

static struct kunit_case fwctl_core_cases[] = {
	KUNIT_CASE_PARAM(fwctl_test_scope_allowed, scope_gen_params),
	KUNIT_CASE(fwctl_test_errno),
	{}
};

static struct kunit_suite fwctl_core_suite = {
	.name = "fwctl_core",
	.test_cases = fwctl_core_cases,
};

static struct kunit_case fwctl_fops_cases[] = {
	KUNIT_CASE(fwctl_test_taint_before_driver),
	KUNIT_CASE(fwctl_test_register),
	KUNIT_CASE(fwctl_test_ioctl_numbers),
	KUNIT_CASE(fwctl_test_info_sizes),
	KUNIT_CASE(fwctl_test_info_zero_fill),
	KUNIT_CASE(fwctl_test_rpc),
	KUNIT_CASE(fwctl_test_rpc_in_place),
	KUNIT_CASE(fwctl_test_rpc_errno_filtered),
	KUNIT_CASE(fwctl_test_rpc_kernel),
	KUNIT_CASE(fwctl_test_unregister_open),
	{}
};

static struct kunit_suite fwctl_fops_suite = {
	.name = "fwctl_fops",
	.init = kctx_init,
	.exit = kctx_exit,
	.test_cases = fwctl_fops_cases,
};

kunit_test_suites(&fwctl_core_suite, &fwctl_fops_suite);

MODULE_DESCRIPTION("KUnit tests for the fwctl core");
MODULE_LICENSE("GPL");
