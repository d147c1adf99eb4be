// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/cxl/switchN: the raw CXL_MEM_SEND_COMMAND interface that existing
 * switch management tools (libcxlmi's ioctl transport, the FM-API test
 * tool) use. Not part of what is proposed upstream, where fwctl is the one
 * interface: this is for kernels that carry the switch driver as a
 * backport or a DKMS package, for tools not yet moved to /dev/fwctl.
 *
 * It does not go through the fwctl core. It calls the switch driver's RPC
 * directly, and so applies the core's rules itself: full scope needs
 * CAP_SYS_RAWIO and no lockdown, and taints the kernel before the command
 * is sent. The CXL policy judges, records and audits as for FWCTL_RPC.
 *
 * Only CXL_MEM_COMMAND_ID_RAW is accepted. A command the policy lets run at
 * DEBUG_READ_ONLY or below runs as such; any other is asked for at
 * DEBUG_WRITE_FULL. The errnos are fwctl's, except that a command the
 * policy never allows is EPERM, as the raw path of /dev/cxl/memN gives:
 * what the kernel keeps for itself and a busy background slot stay EBUSY.
 */
#include <linux/audit.h>
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/fwctl-compat.h>
#include <linux/idr.h>
#include <linux/panic.h>
#include <linux/ratelimit.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/fwctl/cxl.h>
#include <uapi/linux/cxl_mem.h>

#include "switch.h"

#define CXL_SWITCH_COMPAT_MAX 256

struct cxl_switch_compat {
	struct device dev;
	struct cdev cdev;
	struct cxl_switch *sw;
	/*
	 * Held for reading by each command, for writing by removal, after
	 * which @gone is set and nothing reaches the switch any more.
	 */
	struct rw_semaphore lock;
	bool gone;
	/* Names the switch's fwctl device in the policy's records. */
	struct fwctl_uctx uctx;
	/* Refused full-scope requests: audited, at this rate. */
	struct ratelimit_state audit_rs;
	int id;
};

static dev_t compat_devt;
static DEFINE_IDA(compat_ida);

static char *compat_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "cxl/%s", dev_name(dev));
}

static void compat_release(struct device *dev)
{
	struct cxl_switch_compat *c =
		container_of(dev, struct cxl_switch_compat, dev);

	ida_free(&compat_ida, c->id);
	fwctl_put(&c->sw->fwctl);
	kfree(c);
}

static const struct class compat_class = {
	.name = "cxl_switch_raw",
	.devnode = compat_devnode,
	.dev_release = compat_release,
};

static int compat_open(struct inode *inode, struct file *filp)
{
	struct cxl_switch_compat *c =
		container_of(inode->i_cdev, struct cxl_switch_compat, cdev);

	get_device(&c->dev);
	filp->private_data = c;
	return 0;
}

static int compat_release_file(struct inode *inode, struct file *filp)
{
	struct cxl_switch_compat *c = filp->private_data;

	put_device(&c->dev);
	return 0;
}

/*
 * A request for full access refused before the policy saw it, recorded as
 * the fwctl core records one: the policy records only what it judged.
 * Rate-limited, so that a flood of refusals cannot drown the records of
 * commands that ran.
 */
static void compat_audit_refused(struct cxl_switch_compat *c, u16 opcode,
				 int err)
{
	struct audit_buffer *ab;

	if (!__ratelimit(&c->audit_rs))
		return;
	ab = audit_log_start(audit_context(), GFP_KERNEL, AUDIT_KERNEL_OTHER);
	if (!ab)
		return;
	audit_log_format(ab, "op=cxl_switch_raw dev=%s opcode=0x%04x",
			 dev_name(&c->dev), opcode);
	audit_log_format(ab, " scope=debug-write-full errno=%d res=0", -err);
	audit_log_task_info(ab);
	audit_log_end(ab);
}

/*
 * What the fwctl core does for FWCTL_RPC at DEBUG_WRITE_FULL: the caller
 * must be allowed full access, and the kernel is tainted before the
 * command can reach the device.
 */
static int compat_full_access(struct cxl_switch_compat *c, u16 opcode)
{
	int ret = -EPERM;

	if (capable(CAP_SYS_RAWIO))
		ret = security_locked_down(LOCKDOWN_FWCTL_WRITE_FULL);
	if (ret) {
		compat_audit_refused(c, opcode, ret);
		return ret;
	}
	if (!test_taint(TAINT_FWCTL))
		dev_warn(&c->dev, "%s(%d): has requested full access to the switch\n",
			 current->comm, task_pid_nr(current));
	add_taint(TAINT_FWCTL, LOCKDEP_STILL_OK);
	return 0;
}

static void *compat_rpc(struct cxl_switch_compat *c, struct fwctl_rpc_cxl *in,
			size_t in_len, size_t *out_len)
{
	size_t out_max = *out_len;
	void *out;
	int ret;

	/*
	 * The policy judges: ask at the read-only scope first and at full
	 * scope only when it says the command needs more.
	 */
	out = cxl_switch_rpc(c->sw, &c->uctx, FWCTL_RPC_DEBUG_READ_ONLY, in,
			     in_len, out_len);
	if (PTR_ERR_OR_ZERO(out) != -EPERM)
		return out;
	ret = compat_full_access(c, in->opcode);
	if (ret)
		return ERR_PTR(ret);
	*out_len = out_max;
	return cxl_switch_rpc(c->sw, &c->uctx, FWCTL_RPC_DEBUG_WRITE_FULL, in,
			      in_len, out_len);
}

static long compat_send(struct cxl_switch_compat *c,
			struct cxl_send_command __user *ucmd)
{
	struct cxl_switch *sw = c->sw;
	struct fwctl_rpc_cxl *in __free(kvfree) = NULL;
	const struct fwctl_rpc_cxl_out *out;
	struct cxl_send_command cmd;
	size_t in_len, out_len;
	u32 n;
	int ret;

	if (copy_from_user(&cmd, ucmd, sizeof(cmd)))
		return -EFAULT;
	if (cmd.id != CXL_MEM_COMMAND_ID_RAW)
		return -ENOTTY;
	if (cmd.flags || cmd.raw.rsvd || cmd.in.rsvd || cmd.out.rsvd ||
	    cmd.in.size > sw->payload_size)
		return -EINVAL;

	in_len = sizeof(in->hdr) + cmd.in.size;
	in = kvzalloc(max(sizeof(*in), in_len), GFP_KERNEL_ACCOUNT);
	if (!in)
		return -ENOMEM;
	in->opcode = cmd.raw.opcode;
	in->op_size = cmd.in.size;
	if (copy_from_user(in->payload, u64_to_user_ptr(cmd.in.payload),
			   cmd.in.size))
		return -EFAULT;

	out_len = sizeof(out->hdr) + sw->payload_size;
	scoped_guard(rwsem_read, &c->lock) {
		if (c->gone)
			return -ENODEV;
		out = compat_rpc(c, in, in_len, &out_len);
	}
	ret = PTR_ERR_OR_ZERO(out);
	/*
	 * Never allowed: the raw path's errno. No kernel-internal errno
	 * reaches userspace, as the fwctl core ensures for its ioctls: a
	 * restart would send a command the device may have run again.
	 */
	if (ret == -EOPNOTSUPP || ret == -ENOIOCTLCMD)
		return -EPERM;
	if (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
	    ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK)
		return -EINTR;
	if (ret <= -ERESTARTSYS)
		return -EIO;
	if (ret)
		return ret;

	n = min(out->size, cmd.out.size);
	if (copy_to_user(u64_to_user_ptr(cmd.out.payload), out->payload, n)) {
		ret = -EFAULT;
	} else {
		cmd.out.size = n;
		cmd.retval = out->retval;
		if (copy_to_user(ucmd, &cmd, sizeof(cmd)))
			ret = -EFAULT;
	}
	if (out != (void *)in)
		kvfree(out);
	return ret;
}

static long compat_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	if (cmd != CXL_MEM_SEND_COMMAND)
		return -ENOTTY;
	return compat_send(filp->private_data, (void __user *)arg);
}

static const struct file_operations compat_fops = {
	.owner = THIS_MODULE,
	.open = compat_open,
	.release = compat_release_file,
	.unlocked_ioctl = compat_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static void compat_remove(void *data)
{
	struct cxl_switch_compat *c = data;

	/* Commands in flight finish; later ones find the switch gone. */
	scoped_guard(rwsem_write, &c->lock)
		c->gone = true;
	cdev_device_del(&c->cdev, &c->dev);
	put_device(&c->dev);
}

/**
 * cxl_switch_compat_add() - create /dev/cxl/switchN for a switch
 * @sw: the switch, its fwctl device registered
 *
 * Return: 0 or an errno. Removed with the PCI device (device managed).
 */
int cxl_switch_compat_add(struct cxl_switch *sw)
{
	struct cxl_switch_compat *c;
	int ret;

	c = kzalloc_obj(*c, GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->id = ida_alloc_max(&compat_ida, CXL_SWITCH_COMPAT_MAX - 1,
			      GFP_KERNEL);
	if (c->id < 0) {
		ret = c->id;
		kfree(c);
		return ret;
	}
	c->sw = sw;
	init_rwsem(&c->lock);
	ratelimit_state_init(&c->audit_rs, 5 * HZ, 10);
	c->uctx.fwctl = fwctl_get(&sw->fwctl);
	device_initialize(&c->dev);
	c->dev.class = &compat_class;
	c->dev.parent = sw->dev;
	c->dev.devt = MKDEV(MAJOR(compat_devt), c->id);
	cdev_init(&c->cdev, &compat_fops);
	ret = dev_set_name(&c->dev, "switch%d", c->id);
	if (!ret)
		ret = cdev_device_add(&c->cdev, &c->dev);
	if (ret) {
		put_device(&c->dev);
		return ret;
	}
	return devm_add_action_or_reset(sw->dev, compat_remove, c);
}

/**
 * cxl_switch_compat_init() - register the class and device numbers
 *
 * Return: 0 or an errno.
 */
int cxl_switch_compat_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&compat_devt, 0, CXL_SWITCH_COMPAT_MAX,
				  "cxl_switch_raw");
	if (ret)
		return ret;
	ret = class_register(&compat_class);
	if (ret)
		unregister_chrdev_region(compat_devt, CXL_SWITCH_COMPAT_MAX);
	return ret;
}

/**
 * cxl_switch_compat_exit() - undo cxl_switch_compat_init()
 */
void cxl_switch_compat_exit(void)
{
	class_unregister(&compat_class);
	unregister_chrdev_region(compat_devt, CXL_SWITCH_COMPAT_MAX);
}
