// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/cxl/switchN: the raw CXL_MEM_SEND_COMMAND interface that existing
 * switch management tools (libcxlmi's ioctl transport, the FM-API test
 * tool) use, carried over the fwctl core so that it gets the same policy,
 * capability and lockdown rules, taint and audit trail as FWCTL_RPC.
 *
 * Only CXL_MEM_COMMAND_ID_RAW is accepted. A command the policy lets run at
 * DEBUG_READ_ONLY or below runs as such; any other needs what
 * DEBUG_WRITE_FULL needs. Refusals are EPERM, as the raw path of
 * /dev/cxl/memN gives.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/fwctl-compat.h>
#include <linux/idr.h>
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
	int id;
};

struct cxl_switch_compat_file {
	struct fwctl_uctx *uctx;
	struct cxl_switch_compat *compat;
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
	struct cxl_switch_compat_file *f;

	f = kzalloc_obj(*f, GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	/* A context of the fwctl device, as opening its node gives. */
	f->uctx = fwctl_kernel_open(&c->sw->fwctl);
	if (IS_ERR(f->uctx)) {
		int ret = PTR_ERR(f->uctx);

		kfree(f);
		return ret;
	}
	get_device(&c->dev);
	f->compat = c;
	filp->private_data = f;
	return 0;
}

static int compat_release_file(struct inode *inode, struct file *filp)
{
	struct cxl_switch_compat_file *f = filp->private_data;

	fwctl_kernel_close(f->uctx);
	put_device(&f->compat->dev);
	kfree(f);
	return 0;
}

static long compat_send(struct cxl_switch_compat_file *f,
			struct cxl_send_command __user *ucmd)
{
	struct cxl_switch *sw = f->compat->sw;
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
	    cmd.in.size > sw->mbox.payload_size)
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

	/*
	 * Read-only commands need nothing more; any other, what full access
	 * needs. The driver judges under the core's lifetime rules, so ask
	 * at the read-only scope first and at full scope only if it says
	 * the command needs more.
	 */
	out_len = sizeof(out->hdr) + sw->mbox.payload_size;
	out = fwctl_rpc_kernel(f->uctx, FWCTL_RPC_DEBUG_READ_ONLY, in, in_len,
			       &out_len);
	if (PTR_ERR_OR_ZERO(out) == -EPERM) {
		out_len = sizeof(out->hdr) + sw->mbox.payload_size;
		out = fwctl_rpc_kernel(f->uctx, FWCTL_RPC_DEBUG_WRITE_FULL, in,
				       in_len, &out_len);
	}
	ret = PTR_ERR_OR_ZERO(out);
	if (ret == -EOPNOTSUPP || ret == -EBUSY)
		return -EPERM;
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
	fwctl_get(&sw->fwctl);
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
	sw->compat = c;
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
