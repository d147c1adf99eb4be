// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl core: the /dev/fwctl/fwctlN character devices, their ioctls, the
 * scope rules every driver gets for free, and the lifetime of devices and
 * open files across driver removal.
 */
#define pr_fmt(fmt) "fwctl: " fmt

#include <linux/compat.h>
#include <linux/container_of.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/ratelimit.h>
#include <linux/security.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "fwctl_internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define FWCTL_MAX_DEVICES 4096
static_assert(FWCTL_MAX_DEVICES < (1U << MINORBITS));

static dev_t fwctl_dev;
static DEFINE_IDA(fwctl_ida);

static const char *const fwctl_scope_names[] = {
	[FWCTL_RPC_CONFIGURATION] = "configuration",
	[FWCTL_RPC_DEBUG_READ_ONLY] = "debug-read-only",
	[FWCTL_RPC_DEBUG_WRITE] = "debug-write",
	[FWCTL_RPC_DEBUG_WRITE_FULL] = "debug-write-full",
};

/* The layout mainline userspace was compiled against. */
static_assert(sizeof(struct fwctl_info) == 24);
static_assert(offsetof(struct fwctl_info, out_device_data) == 16);
static_assert(sizeof(struct fwctl_rpc) == 32);
static_assert(offsetof(struct fwctl_rpc, in) == 16);
static_assert(offsetof(struct fwctl_rpc, out) == 24);
static_assert(sizeof(struct fwctl_command_info) == 16);
static_assert(FWCTL_INFO == 0x9A00 && FWCTL_RPC == 0x9A01);

static const char *fwctl_scope_name(u32 scope)
{
	return scope < ARRAY_SIZE(fwctl_scope_names) ?
	       fwctl_scope_names[scope] : "invalid";
}

/* One ioctl call as the handlers see it. */
struct fwctl_ucmd {
	struct fwctl_uctx *uctx;
	void __user *ubuffer;
	void *cmd;
	u32 user_size;
};

static int ucmd_respond(struct fwctl_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/**
 * fwctl_scope_allowed() - the core's rules for a requested scope
 * @scope: the scope from struct fwctl_rpc
 *
 * Return: 0, -EOPNOTSUPP for an unknown scope, -EPERM when
 * DEBUG_WRITE_FULL is asked for without CAP_SYS_RAWIO or under lockdown.
 */
VISIBLE_IF_KUNIT int fwctl_scope_allowed(u32 scope)
{
	if (scope > FWCTL_RPC_DEBUG_WRITE_FULL)
		return -EOPNOTSUPP;
	if (scope < FWCTL_RPC_DEBUG_WRITE_FULL)
		return 0;
	if (!capable(CAP_SYS_RAWIO))
		return -EPERM;
	return security_locked_down(LOCKDOWN_FWCTL_WRITE_FULL);
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_scope_allowed);

/**
 * fwctl_rpc_taints() - whether an RPC taints the kernel
 * @req: the RPC after the driver handled it
 *
 * Return: true when a command needing a write scope reached the device.
 */
VISIBLE_IF_KUNIT bool fwctl_rpc_taints(const struct fwctl_rpc_req *req)
{
	return req->executed && req->needed >= FWCTL_RPC_DEBUG_WRITE;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_rpc_taints);

/**
 * fwctl_rpc_logged() - whether an RPC leaves a kernel log line
 * @scope: the scope the caller asked for
 * @req: the RPC after the driver handled it, or refused before it
 *
 * Return: true for every request at a write scope, refused or not, and for
 * every executed command that needed one.
 */
VISIBLE_IF_KUNIT bool fwctl_rpc_logged(u32 scope,
				       const struct fwctl_rpc_req *req)
{
	return scope >= FWCTL_RPC_DEBUG_WRITE || fwctl_rpc_taints(req);
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_rpc_logged);

/*
 * judged: the driver decided which scope the command needs (it ran, or was
 * refused only for the scope); otherwise the log says "needs=-".
 */
static void fwctl_audit(struct fwctl_device *fwctl, u32 scope,
			const struct fwctl_rpc_req *req, int ret, bool judged)
{
	trace_fwctl_rpc(fwctl, scope, req, ret);
	if (!fwctl_rpc_logged(scope, req) || !__ratelimit(&fwctl->audit_rs))
		return;
	dev_notice(&fwctl->dev,
		   "audit: comm=%s pid=%d uid=%u scope=%s command=0x%x needs=%s %s errno=%d\n",
		   current->comm, task_tgid_nr(current),
		   from_kuid(&init_user_ns, current_uid()),
		   fwctl_scope_name(scope), req->cmd,
		   judged ? fwctl_scope_name(req->needed) : "-",
		   req->executed ? "executed" : "refused", -ret);
}

static int fwctl_cmd_info(struct fwctl_ucmd *ucmd)
{
	void *data __free(kvfree) = NULL;
	struct fwctl_device *fwctl = ucmd->uctx->fwctl;
	const struct fwctl_ops *ops = fwctl->ops;
	struct fwctl_info *cmd = ucmd->cmd;
	size_t len = 0, count = 0;

	if (cmd->flags & ~FWCTL_INFO_FLAG_COMMANDS)
		return -EOPNOTSUPP;

	if (cmd->flags & FWCTL_INFO_FLAG_COMMANDS) {
		if (!ops->commands)
			return -EOPNOTSUPP;
		data = ops->commands(ucmd->uctx, &count);
	} else if (ops->info) {
		data = ops->info(ucmd->uctx, &len);
	}
	if (IS_ERR(data))
		return PTR_ERR(data);
	if ((cmd->flags & FWCTL_INFO_FLAG_COMMANDS) &&
	    check_mul_overflow(count, sizeof(struct fwctl_command_info), &len))
		return -EOVERFLOW;
	if (len > U32_MAX)
		return -EOVERFLOW;
	if (cmd->device_data_len && len &&
	    copy_to_user(u64_to_user_ptr(cmd->out_device_data), data,
			 min_t(size_t, cmd->device_data_len, len)))
		return -EFAULT;

	cmd->out_device_type = ops->device_type;
	cmd->device_data_len = len;
	return ucmd_respond(ucmd, sizeof(*cmd));
}

/*
 * The core's rules around one RPC: the scope, the driver's judgement and
 * execution, the taint, the audit trail. Called with the registration lock
 * held and the ops present. On failure nothing is left in req->out.
 */
static int fwctl_do_rpc(struct fwctl_uctx *uctx, struct fwctl_rpc_req *req)
{
	struct fwctl_device *fwctl = uctx->fwctl;
	bool judged = false;
	int ret;

	lockdep_assert_held(&fwctl->registration_lock);
	req->needed = FWCTL_RPC_CONFIGURATION;
	req->executed = false;
	req->out = NULL;
	ret = fwctl_scope_allowed(req->scope);
	if (ret == -EOPNOTSUPP)
		return ret;
	if (!ret) {
		ret = fwctl->ops->fw_rpc(uctx, req);
		judged = !ret || ret == -EPERM || req->executed;
		if (fwctl_rpc_taints(req))
			add_taint(TAINT_FWCTL, LOCKDEP_STILL_OK);
		if (!ret && req->out_len > U32_MAX)
			ret = -EOVERFLOW;
	}
	fwctl_audit(fwctl, req->scope, req, ret, judged);
	if (ret) {
		if (req->out != req->in)
			kvfree(req->out);
		req->out = NULL;
	}
	return ret;
}

/**
 * fwctl_rpc_kernel() - run an RPC for a driver's own compatibility interface
 * @uctx: a context the driver set up itself (not opened through the fwctl
 *	node), with @uctx->fwctl pointing at its registered device
 * @req: the RPC: @req->scope, @req->in and @req->in_len filled in, and
 *	@req->out_len the space the caller can take
 *
 * Gives a legacy interface of a driver (such as a character device speaking
 * an older ioctl) exactly what FWCTL_RPC gets: the lifetime rules, the
 * scope rules with capability and lockdown checks, the driver's policy,
 * the taint and the audit trail.
 *
 * Context: process context; takes the registration lock for read.
 * Return: 0 with the reply in @req->out (kvfree() it when it is not
 * @req->in), -ENODEV once the device is unregistered, -EMSGSIZE, or the
 * errno of the scope rules or the driver.
 */
int fwctl_rpc_kernel(struct fwctl_uctx *uctx, struct fwctl_rpc_req *req)
{
	guard(rwsem_read)(&uctx->fwctl->registration_lock);
	if (!uctx->fwctl->ops)
		return -ENODEV;
	if (req->in_len > FWCTL_MAX_RPC_LEN || req->out_len > FWCTL_MAX_RPC_LEN)
		return -EMSGSIZE;
	return fwctl_do_rpc(uctx, req);
}
EXPORT_SYMBOL_NS_GPL(fwctl_rpc_kernel, FWCTL);

static int fwctl_cmd_rpc(struct fwctl_ucmd *ucmd)
{
	struct fwctl_rpc *cmd = ucmd->cmd;
	struct fwctl_rpc_req req = {
		.scope = cmd->scope,
		.in_len = cmd->in_len,
		.out_len = cmd->out_len,
	};
	void *heap __free(kvfree) = NULL;
	u64 small[FWCTL_RPC_SMALL_IN / sizeof(u64)];
	void *in = small;
	int ret;

	if (cmd->in_len > FWCTL_MAX_RPC_LEN || cmd->out_len > FWCTL_MAX_RPC_LEN)
		return -EMSGSIZE;
	if (cmd->scope > FWCTL_RPC_DEBUG_WRITE_FULL)
		return -EOPNOTSUPP;

	/*
	 * Most requests are a header and a few bytes: those stay on the
	 * stack. Not zeroed: copy_from_user() fills it or the RPC fails.
	 */
	if (cmd->in_len > sizeof(small)) {
		heap = kvmalloc(cmd->in_len, GFP_KERNEL_ACCOUNT);
		if (!heap)
			return -ENOMEM;
		in = heap;
	}
	if (copy_from_user(in, u64_to_user_ptr(cmd->in), cmd->in_len))
		return -EFAULT;
	req.in = in;

	ret = fwctl_do_rpc(ucmd->uctx, &req);
	if (ret)
		return ret;
	if (copy_to_user(u64_to_user_ptr(cmd->out), req.out,
			 min_t(size_t, cmd->out_len, req.out_len))) {
		ret = -EFAULT;
	} else {
		cmd->out_len = req.out_len;
		ret = ucmd_respond(ucmd, sizeof(*cmd));
	}
	if (req.out != in)
		kvfree(req.out);
	return ret;
}

union fwctl_ucmd_buffer {
	struct fwctl_info info;
	struct fwctl_rpc rpc;
};

struct fwctl_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	int (*execute)(struct fwctl_ucmd *ucmd);
};

/*
 * The minimum size is the end of the last field of the struct's first
 * version; entries are in ioctl number order, starting at FWCTL_CMD_BASE.
 */
#define FWCTL_IOCTL_OP(_ioctl, _fn, _struct, _last)                        \
	{                                                                  \
		.size = sizeof(_struct) +                                  \
			BUILD_BUG_ON_ZERO(sizeof(union fwctl_ucmd_buffer) <  \
					  sizeof(_struct)),                \
		.min_size = offsetofend(_struct, _last),                   \
		.ioctl_num = _ioctl,                                       \
		.execute = _fn,                                            \
	}
static const struct fwctl_ioctl_op fwctl_ioctl_ops[] = {
	FWCTL_IOCTL_OP(FWCTL_INFO, fwctl_cmd_info, struct fwctl_info,
		       out_device_data),
	FWCTL_IOCTL_OP(FWCTL_RPC, fwctl_cmd_rpc, struct fwctl_rpc, out),
};

VISIBLE_IF_KUNIT long fwctl_fops_ioctl(struct file *filp, unsigned int cmd,
				       unsigned long arg)
{
	struct fwctl_uctx *uctx = filp->private_data;
	const struct fwctl_ioctl_op *op;
	union fwctl_ucmd_buffer buf;
	struct fwctl_ucmd ucmd = {
		.uctx = uctx,
		.ubuffer = (void __user *)arg,
		.cmd = &buf,
	};
	unsigned int nr = _IOC_NR(cmd);
	int ret;

	if (_IOC_TYPE(cmd) != FWCTL_TYPE || nr < FWCTL_CMD_BASE ||
	    nr - FWCTL_CMD_BASE >= ARRAY_SIZE(fwctl_ioctl_ops))
		return -ENOIOCTLCMD;
	op = &fwctl_ioctl_ops[nr - FWCTL_CMD_BASE];
	/* Also catches the same number with a size or direction encoded. */
	if (op->ioctl_num != cmd)
		return -ENOIOCTLCMD;

	guard(rwsem_read)(&uctx->fwctl->registration_lock);
	if (!uctx->fwctl->ops)
		return -ENODEV;

	ret = get_user(ucmd.user_size, (u32 __user *)ucmd.ubuffer);
	if (ret)
		return ret;
	if (ucmd.user_size < op->min_size)
		return -EINVAL;
	ret = copy_struct_from_user(&buf, op->size, ucmd.ubuffer,
				    ucmd.user_size);
	if (ret)
		return ret;
	return op->execute(&ucmd);
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_fops_ioctl);

VISIBLE_IF_KUNIT int fwctl_fops_open(struct inode *inode, struct file *filp)
{
	struct fwctl_device *fwctl =
		container_of(inode->i_cdev, struct fwctl_device, cdev);
	struct fwctl_uctx *uctx;
	int ret;

	guard(rwsem_read)(&fwctl->registration_lock);
	if (!fwctl->ops)
		return -ENODEV;

	uctx = kzalloc(fwctl->ops->uctx_size, GFP_KERNEL_ACCOUNT);
	if (!uctx)
		return -ENOMEM;
	uctx->fwctl = fwctl;
	INIT_LIST_HEAD(&uctx->uctx_list_entry);
	if (fwctl->ops->open_uctx) {
		ret = fwctl->ops->open_uctx(uctx);
		if (ret) {
			kfree(uctx);
			return ret;
		}
	}
	scoped_guard(mutex, &fwctl->uctx_list_lock)
		list_add_tail(&uctx->uctx_list_entry, &fwctl->uctx_list);
	fwctl_get(fwctl);
	filp->private_data = uctx;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_fops_open);

/* Called with registration_lock held, while ops are still set. */
static void fwctl_destroy_uctx(struct fwctl_uctx *uctx)
{
	struct fwctl_device *fwctl = uctx->fwctl;

	lockdep_assert_held(&fwctl->registration_lock);
	scoped_guard(mutex, &fwctl->uctx_list_lock)
		list_del_init(&uctx->uctx_list_entry);
	if (fwctl->ops->close_uctx)
		fwctl->ops->close_uctx(uctx);
}

VISIBLE_IF_KUNIT int fwctl_fops_release(struct inode *inode, struct file *filp)
{
	struct fwctl_uctx *uctx = filp->private_data;
	struct fwctl_device *fwctl = uctx->fwctl;

	scoped_guard(rwsem_read, &fwctl->registration_lock) {
		/* After unregister the context was already destroyed. */
		if (fwctl->ops)
			fwctl_destroy_uctx(uctx);
	}
	kfree(uctx);
	fwctl_put(fwctl);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_fops_release);

static const struct file_operations fwctl_fops = {
	.owner = THIS_MODULE,
	.open = fwctl_fops_open,
	.release = fwctl_fops_release,
	.unlocked_ioctl = fwctl_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static void fwctl_device_release(struct device *dev)
{
	struct fwctl_device *fwctl =
		container_of(dev, struct fwctl_device, dev);

	ida_free(&fwctl_ida, fwctl->dev.devt - fwctl_dev);
	mutex_destroy(&fwctl->uctx_list_lock);
	kfree(fwctl);
}

static char *fwctl_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "fwctl/%s", dev_name(dev));
}

static struct class fwctl_class = {
	.name = "fwctl",
	.dev_release = fwctl_device_release,
	.devnode = fwctl_devnode,
};

/**
 * _fwctl_alloc_device() - allocate a fwctl device, see fwctl_alloc_device()
 * @parent: the physical device
 * @ops: the driver's ops
 * @size: the size of the driver's struct, which starts with the
 *	&struct fwctl_device
 *
 * Return: the device with one reference, or NULL.
 */
struct fwctl_device *_fwctl_alloc_device(struct device *parent,
					 const struct fwctl_ops *ops,
					 size_t size)
{
	struct fwctl_device *fwctl;
	int devnum;

	if (WARN_ON(size < sizeof(*fwctl) || !ops->fw_rpc ||
		    ops->uctx_size < sizeof(struct fwctl_uctx)))
		return NULL;

	fwctl = kzalloc(size, GFP_KERNEL);
	if (!fwctl)
		return NULL;

	devnum = ida_alloc_max(&fwctl_ida, FWCTL_MAX_DEVICES - 1, GFP_KERNEL);
	if (devnum < 0) {
		kfree(fwctl);
		return NULL;
	}

	fwctl->dev.class = &fwctl_class;
	fwctl->dev.parent = parent;
	fwctl->dev.devt = fwctl_dev + devnum;
	init_rwsem(&fwctl->registration_lock);
	mutex_init(&fwctl->uctx_list_lock);
	INIT_LIST_HEAD(&fwctl->uctx_list);
	ratelimit_state_init(&fwctl->audit_rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	fwctl->ops = ops;
	device_initialize(&fwctl->dev);
	/* From here on the release function frees everything. */
	if (dev_set_name(&fwctl->dev, "fwctl%d", devnum)) {
		put_device(&fwctl->dev);
		return NULL;
	}
	cdev_init(&fwctl->cdev, &fwctl_fops);
	/* The core's fops own the file; the driver module may unload. */
	fwctl->cdev.owner = THIS_MODULE;
	return fwctl;
}
EXPORT_SYMBOL_NS_GPL(_fwctl_alloc_device, FWCTL);

/**
 * fwctl_register() - make a fwctl device visible to userspace
 * @fwctl: a device from fwctl_alloc_device()
 *
 * Creates /dev/fwctl/fwctlN. From the moment this is called the driver's
 * ops may be called.
 *
 * Return: 0 or an errno.
 */
int fwctl_register(struct fwctl_device *fwctl)
{
	return cdev_device_add(&fwctl->cdev, &fwctl->dev);
}
EXPORT_SYMBOL_NS_GPL(fwctl_register, FWCTL);

/**
 * fwctl_unregister() - detach a fwctl device from its driver
 * @fwctl: a registered device
 *
 * Removes the device node, waits for every ioctl in flight to return,
 * closes every context still open with &fwctl_ops.close_uctx, and leaves
 * the open files orphaned: their ioctls fail with -ENODEV. When this
 * returns the driver is never called again for @fwctl and may unload; the
 * memory lives on until the last file closes and the driver's reference
 * is dropped with fwctl_put().
 *
 * Context: process context; may sleep for as long as an RPC in flight.
 */
void fwctl_unregister(struct fwctl_device *fwctl)
{
	struct fwctl_uctx *uctx, *tmp;

	cdev_device_del(&fwctl->cdev, &fwctl->dev);

	guard(rwsem_write)(&fwctl->registration_lock);
	list_for_each_entry_safe(uctx, tmp, &fwctl->uctx_list,
				 uctx_list_entry)
		fwctl_destroy_uctx(uctx);
	fwctl->ops = NULL;
}
EXPORT_SYMBOL_NS_GPL(fwctl_unregister, FWCTL);

static int __init fwctl_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&fwctl_dev, 0, FWCTL_MAX_DEVICES, "fwctl");
	if (ret)
		return ret;

	ret = class_register(&fwctl_class);
	if (ret) {
		unregister_chrdev_region(fwctl_dev, FWCTL_MAX_DEVICES);
		return ret;
	}
#ifdef FWCTL_COMPAT_TAINT
	/* Out-of-tree build: say which fallbacks this kernel needed. */
	pr_info("out-of-tree build: %s, %s\n", FWCTL_COMPAT_TAINT,
		FWCTL_COMPAT_LOCKDOWN);
#endif
	return 0;
}

static void __exit fwctl_exit(void)
{
	class_unregister(&fwctl_class);
	unregister_chrdev_region(fwctl_dev, FWCTL_MAX_DEVICES);
}

/* Built in, the core must be up before the drivers that register with it. */
subsys_initcall(fwctl_init);
module_exit(fwctl_exit);
MODULE_DESCRIPTION("fwctl device firmware access framework");
MODULE_LICENSE("GPL");
