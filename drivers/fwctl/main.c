// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl core: the /dev/fwctl/fwctlN character devices, their ioctls, the
 * scope rules every driver gets for free, and the lifetime of devices and
 * open files across driver removal.
 */
#define pr_fmt(fmt) "fwctl: " fmt

#include <linux/audit.h>
#include <linux/compat.h>
#include <linux/container_of.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/fwctl-compat.h>
#include <linux/module.h>
#include <linux/panic.h>
#include <linux/ratelimit.h>
#include <linux/security.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fwctl_internal.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

#define FWCTL_MAX_DEVICES 4096
static_assert(FWCTL_MAX_DEVICES < (1U << MINORBITS));

static dev_t fwctl_dev;
static DEFINE_IDA(fwctl_ida);
/* Set once the first write scope request has been warned about. */
VISIBLE_IF_KUNIT unsigned long fwctl_tainted;
EXPORT_SYMBOL_IF_KUNIT(fwctl_tainted);

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
static_assert(FWCTL_INFO == 0x9A00 && FWCTL_RPC == 0x9A01);
static_assert(FWCTL_DEVICE_TYPE_MLX5 == 1 && FWCTL_DEVICE_TYPE_CXL == 2 &&
	      FWCTL_DEVICE_TYPE_BNXT == 3 && FWCTL_DEVICE_TYPE_PDS == 4);
static_assert(FWCTL_RPC_DEBUG_WRITE_FULL == 3);

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
 * fwctl_errno() - the errno userspace sees for a driver's error
 * @err: a negative errno from a driver op
 *
 * Kernel-internal values never leave the kernel: a restart request would
 * run a command that already reached the device a second time, so it ends
 * the call with -EINTR; -ENOIOCTLCMD means -EOPNOTSUPP; any other value of
 * 512 or more is -EIO.
 *
 * Return: the errno to pass on.
 */
VISIBLE_IF_KUNIT int fwctl_errno(int err)
{
	switch (err) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR;
	case -ENOIOCTLCMD:
		return -EOPNOTSUPP;
	}
	return err <= -ERESTARTSYS ? -EIO : err;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_errno);

/*
 * The audit record of a request at a write scope, as lockdown and module
 * loading record theirs: the device, the scope asked for, the result and
 * the process behind it (audit_log_task_info(): pid, uid, the login uid
 * and session, comm and exe, escaped by the audit subsystem), and the
 * failed requests left unrecorded since the last record. Out of line: the
 * RPCs that record nothing do not pay for it.
 */
static noinline void fwctl_audit_log(struct fwctl_device *fwctl,
				     enum fwctl_rpc_scope scope, int ret)
{
	struct audit_buffer *ab;
	unsigned int missed;

	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	/* Taken only with a record to carry it: none is lost. */
	missed = atomic_xchg(&fwctl->audit_missed, 0);
	audit_log_format(ab, "op=fwctl_rpc dev=%s scope=%s errno=%d res=%d",
			 dev_name(&fwctl->dev), fwctl_scope_name(scope), -ret,
			 !ret);
	if (missed)
		audit_log_format(ab, " unrecorded_failures=%u", missed);
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/*
 * Every RPC is traced. Each request at a write scope is also recorded by
 * the audit subsystem: the ones the driver completed always, failed ones
 * within the device's rate limit and counted beyond it, so that a flood of
 * refused requests can neither fill the audit log nor push a completed
 * one out of it. The core does not know the driver's commands: which
 * command ran is the driver's to record.
 */
static void fwctl_audit(struct fwctl_device *fwctl, enum fwctl_rpc_scope scope,
			int ret)
{
	trace_fwctl_rpc(fwctl, scope, ret);
	if (scope < FWCTL_RPC_DEBUG_WRITE)
		return;
	if (ret && !__ratelimit(&fwctl->audit_rs)) {
		atomic_inc(&fwctl->audit_missed);
		return;
	}
	fwctl_audit_log(fwctl, scope, ret);
}

/*
 * Every caller sets the taint, not only the first: one that returns from
 * here must find it set, even while the first is still printing its
 * once-per-boot warning.
 */
static void fwctl_taint(struct fwctl_device *fwctl)
{
	add_taint(TAINT_FWCTL, LOCKDEP_STILL_OK);
	if (!test_and_set_bit(0, &fwctl_tainted))
		dev_warn(&fwctl->dev,
			 "%s(%d): has requested full access to the physical device",
			 current->comm, task_pid_nr(current));
}

static int copy_to_user_zero_pad(void __user *to, const void *from,
				 size_t from_len, size_t user_len)
{
	size_t n = min(from_len, user_len);

	if (copy_to_user(to, from, n))
		return -EFAULT;
	if (n < user_len && clear_user(to + n, user_len - n))
		return -EFAULT;
	return 0;
}

static int fwctl_cmd_info(struct fwctl_ucmd *ucmd)
{
	void *data __free(kvfree) = NULL;
	struct fwctl_device *fwctl = ucmd->uctx->fwctl;
	const struct fwctl_ops *ops = fwctl->ops;
	struct fwctl_info *cmd = ucmd->cmd;
	size_t len = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;

	if (cmd->device_data_len && ops->info) {
		/* As mainline: the driver is asked only for a buffer. */
		data = ops->info(ucmd->uctx, &len);
		if (IS_ERR(data))
			return fwctl_errno(PTR_ERR(data));
	}
	if (len > U32_MAX)
		return -EOVERFLOW;
	if (cmd->device_data_len &&
	    copy_to_user_zero_pad(u64_to_user_ptr(cmd->out_device_data), data,
				  len, cmd->device_data_len))
		return -EFAULT;

	cmd->out_device_type = ops->device_type;
	cmd->device_data_len = len;
	return ucmd_respond(ucmd, sizeof(*cmd));
}

/*
 * The core's checks before an RPC reaches the driver, in mainline's order
 * and before the request is copied: the sizes, the scope, the capability
 * and lockdown. A refusal at a write scope is audited; a write scope
 * allowed taints the kernel, before the driver can act on the request.
 */
static int fwctl_rpc_allowed(struct fwctl_device *fwctl, u32 scope,
			     size_t in_len, size_t out_len)
{
	int ret;

	if (in_len > FWCTL_MAX_RPC_LEN || out_len > FWCTL_MAX_RPC_LEN)
		return -EMSGSIZE;
	ret = fwctl_scope_allowed(scope);
	if (ret && ret != -EOPNOTSUPP)
		fwctl_audit(fwctl, scope, ret);
	else if (!ret && scope >= FWCTL_RPC_DEBUG_WRITE)
		fwctl_taint(fwctl);
	return ret;
}

/*
 * Run one RPC in the driver: the reply checks, the audit trail.
 * Called with the registration lock held, the ops present and the scope
 * allowed. Returns the reply (@in or memory to kvfree()) or an ERR_PTR.
 */
static void *fwctl_call_rpc(struct fwctl_uctx *uctx,
			    enum fwctl_rpc_scope scope, void *in,
			    size_t in_len, size_t *out_len)
{
	struct fwctl_device *fwctl = uctx->fwctl;
	const struct fwctl_ops *ops = fwctl->ops;
	void *out;
	int ret = 0;

	lockdep_assert_held(&fwctl->registration_lock);
	out = ops->fw_rpc(uctx, scope, in, in_len, out_len);

	if (IS_ERR(out))
		ret = fwctl_errno(PTR_ERR(out));
	else if (!out && *out_len)
		ret = -EIO;
	else if (*out_len > U32_MAX)
		ret = -EOVERFLOW;
	else if (WARN_ON_ONCE(out == in && *out_len > in_len))
		ret = -EIO;
	fwctl_audit(fwctl, scope, ret);
	if (!ret)
		return out;
	if (!IS_ERR(out) && out != in)
		kvfree(out);
	return ERR_PTR(ret);
}

/**
 * fwctl_rpc_kernel() - run an RPC for a driver's own compatibility interface
 * @uctx: a context from fwctl_kernel_open()
 * @scope: the scope to run at; the capability and lockdown rules are those
 *	of the current task
 * @in: the request, which the driver may rewrite in place
 * @in_len: bytes at @in
 * @out_len: in: the room the caller has; out: the full reply length
 *
 * Gives a legacy interface of a driver (such as a character device speaking
 * an older ioctl) exactly what FWCTL_RPC gets: the lifetime rules, the
 * scope rules with capability and lockdown checks, the driver's policy,
 * the taint and the audit trail.
 *
 * Context: process context; takes the registration lock for read.
 * Return: the reply, which is @in or memory to kvfree(); or an ERR_PTR:
 * -ENODEV once the device is unregistered, -EMSGSIZE, or the errno of the
 * scope rules or the driver.
 */
void *fwctl_rpc_kernel(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		       void *in, size_t in_len, size_t *out_len)
{
	struct fwctl_device *fwctl = uctx->fwctl;
	int ret;

	guard(rwsem_read)(&fwctl->registration_lock);
	if (!fwctl->ops)
		return ERR_PTR(-ENODEV);
	ret = fwctl_rpc_allowed(fwctl, scope, in_len, *out_len);
	if (ret)
		return ERR_PTR(ret);
	return fwctl_call_rpc(uctx, scope, in, in_len, out_len);
}
EXPORT_SYMBOL_NS_GPL(fwctl_rpc_kernel, FWCTL_NS(FWCTL));

static int fwctl_cmd_rpc(struct fwctl_ucmd *ucmd)
{
	void *heap_in __free(kvfree) = NULL;
	struct fwctl_rpc *cmd = ucmd->cmd;
	u8 stack_in[FWCTL_RPC_STACK_LEN] __aligned(ARCH_KMALLOC_MINALIGN)
		__uninitialized;
	size_t out_len = cmd->out_len;
	void *in = stack_in, *out;
	int ret;

	ret = fwctl_rpc_allowed(ucmd->uctx->fwctl, cmd->scope, cmd->in_len,
				cmd->out_len);
	if (ret)
		return ret;

	/*
	 * Not cleared first, even under CONFIG_INIT_STACK_ALL_ZERO: the
	 * driver sees only the in_len bytes copy_from_user() fills (or the
	 * RPC fails), and a reply in place is no longer than that.
	 */
	if (cmd->in_len > sizeof(stack_in)) {
		heap_in = kvmalloc(cmd->in_len, GFP_KERNEL_ACCOUNT);
		if (!heap_in)
			return -ENOMEM;
		in = heap_in;
	}
	if (copy_from_user(in, u64_to_user_ptr(cmd->in), cmd->in_len))
		return -EFAULT;

	out = fwctl_call_rpc(ucmd->uctx, cmd->scope, in, cmd->in_len, &out_len);
	if (IS_ERR(out))
		return PTR_ERR(out);
	if (copy_to_user(u64_to_user_ptr(cmd->out), out,
			 min_t(size_t, cmd->out_len, out_len))) {
		ret = -EFAULT;
	} else {
		cmd->out_len = out_len;
		ret = ucmd_respond(ucmd, sizeof(*cmd));
	}
	if (out != in)
		kvfree(out);
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

/* A new context of a registered device: allocated, opened, listed. */
static struct fwctl_uctx *fwctl_uctx_create(struct fwctl_device *fwctl)
{
	struct fwctl_uctx *uctx;
	int ret;

	lockdep_assert_held(&fwctl->registration_lock);
	uctx = kzalloc(fwctl->ops->uctx_size, GFP_KERNEL_ACCOUNT);
	if (!uctx)
		return ERR_PTR(-ENOMEM);
	uctx->fwctl = fwctl;
	INIT_LIST_HEAD(&uctx->uctx_list_entry);
	if (fwctl->ops->open_uctx) {
		ret = fwctl->ops->open_uctx(uctx);
		if (ret) {
			kfree(uctx);
			return ERR_PTR(fwctl_errno(ret));
		}
	}
	scoped_guard(mutex, &fwctl->uctx_list_lock)
		list_add_tail(&uctx->uctx_list_entry, &fwctl->uctx_list);
	fwctl_get(fwctl);
	return uctx;
}

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

/* The end of a context: closed unless unregister did it, then freed. */
static void fwctl_uctx_release(struct fwctl_uctx *uctx)
{
	struct fwctl_device *fwctl = uctx->fwctl;

	scoped_guard(rwsem_read, &fwctl->registration_lock) {
		/* After unregister the context was already destroyed. */
		if (fwctl->ops)
			fwctl_destroy_uctx(uctx);
	}
	kfree(uctx);
	fwctl_put(fwctl);
}

VISIBLE_IF_KUNIT int fwctl_fops_open(struct inode *inode, struct file *filp)
{
	struct fwctl_device *fwctl =
		container_of(inode->i_cdev, struct fwctl_device, cdev);
	struct fwctl_uctx *uctx;

	guard(rwsem_read)(&fwctl->registration_lock);
	if (!fwctl->ops)
		return -ENODEV;
	uctx = fwctl_uctx_create(fwctl);
	if (IS_ERR(uctx))
		return PTR_ERR(uctx);
	filp->private_data = uctx;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_fops_open);

VISIBLE_IF_KUNIT int fwctl_fops_release(struct inode *inode, struct file *filp)
{
	fwctl_uctx_release(filp->private_data);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(fwctl_fops_release);

/**
 * fwctl_kernel_open() - a context for a driver's own interface
 * @fwctl: a registered device
 *
 * What opening /dev/fwctl/fwctlN gives a file: &fwctl_ops.uctx_size bytes,
 * opened with &fwctl_ops.open_uctx and closed with &fwctl_ops.close_uctx
 * by fwctl_kernel_close() or, if the device goes first, by
 * fwctl_unregister(). Use it with fwctl_rpc_kernel().
 *
 * Context: process context.
 * Return: the context, or an ERR_PTR: -ENODEV once the device is
 * unregistered, -ENOMEM, or the error of &fwctl_ops.open_uctx.
 */
struct fwctl_uctx *fwctl_kernel_open(struct fwctl_device *fwctl)
{
	guard(rwsem_read)(&fwctl->registration_lock);
	if (!fwctl->ops)
		return ERR_PTR(-ENODEV);
	return fwctl_uctx_create(fwctl);
}
EXPORT_SYMBOL_NS_GPL(fwctl_kernel_open, FWCTL_NS(FWCTL));

/**
 * fwctl_kernel_close() - end a context from fwctl_kernel_open()
 * @uctx: the context; freed on return
 *
 * Context: process context.
 */
void fwctl_kernel_close(struct fwctl_uctx *uctx)
{
	fwctl_uctx_release(uctx);
}
EXPORT_SYMBOL_NS_GPL(fwctl_kernel_close, FWCTL_NS(FWCTL));

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
	/* The records count what the limit left out: no printk of it. */
	ratelimit_set_flags(&fwctl->audit_rs, RATELIMIT_MSG_ON_RELEASE);
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
EXPORT_SYMBOL_NS_GPL(_fwctl_alloc_device, FWCTL_NS(FWCTL));

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
EXPORT_SYMBOL_NS_GPL(fwctl_register, FWCTL_NS(FWCTL));

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
EXPORT_SYMBOL_NS_GPL(fwctl_unregister, FWCTL_NS(FWCTL));

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
