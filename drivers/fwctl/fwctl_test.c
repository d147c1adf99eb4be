// SPDX-License-Identifier: GPL-2.0-only
/*
 * fwctl test driver: fake fwctl devices for the selftests. Its sysfs
 * interface is Documentation/ABI/testing/sysfs-kernel-fwctl_test, its RPC
 * format fwctl_test.h.
 *
 * /sys/kernel/fwctl_test/add     write anything: register a new device
 * /sys/kernel/fwctl_test/last    the name of the last device added
 * /sys/kernel/fwctl_test/remove  write a device name: unregister it
 * /sys/kernel/fwctl_test/contexts  open contexts not yet closed, all devices
 * /sys/kernel/fwctl_test/hanging   FWCTL_TEST_HANG commands running now
 * /sys/kernel/fwctl_test/release   write anything: end them
 *
 * A request names the scope its command needs; the driver refuses it with
 * EPERM at a lower scope. The core has tainted the kernel for a request
 * at a write scope before the driver sees it, whatever the driver does.
 */
#include <linux/delay.h>
#include <linux/fwctl.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/wait.h>

#include "fwctl_test.h"

struct fwctl_test_dev {
	struct fwctl_device fwctl;
	struct list_head entry;
	u32 id;
};

struct fwctl_test_uctx {
	struct fwctl_uctx uctx;
	u32 rpcs;
};

static DEFINE_MUTEX(fwctl_test_lock);
static LIST_HEAD(fwctl_test_devs);
static u32 fwctl_test_next_id;
static char fwctl_test_last[32];
static atomic_t fwctl_test_contexts = ATOMIC_INIT(0);
static struct kobject *fwctl_test_kobj;
static atomic_t fwctl_test_hanging = ATOMIC_INIT(0);
static atomic_t fwctl_test_release_gen = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(fwctl_test_hang_wq);

static bool allow_hang;
module_param(allow_hang, bool, 0644);
MODULE_PARM_DESC(allow_hang, "let FWCTL_TEST_HANG hang (tests of crash reports)");

static int fwctl_test_open_uctx(struct fwctl_uctx *uctx)
{
	atomic_inc(&fwctl_test_contexts);
	return 0;
}

static void fwctl_test_close_uctx(struct fwctl_uctx *uctx)
{
	atomic_dec(&fwctl_test_contexts);
}

static void *fwctl_test_info(struct fwctl_uctx *uctx, size_t *length)
{
	struct fwctl_test_dev *tdev =
		container_of(uctx->fwctl, struct fwctl_test_dev, fwctl);
	struct fwctl_test_info info = {
		.magic = FWCTL_TEST_MAGIC,
		.id = tdev->id,
	};
	void *data;
	u32 i;

	for (i = 0; i < sizeof(info.pattern); i++)
		info.pattern[i] = fwctl_test_pattern(i);
	data = kmemdup(&info, sizeof(info), GFP_KERNEL);
	if (!data)
		return ERR_PTR(-ENOMEM);
	*length = sizeof(info);
	return data;
}

/* A device that does not answer until told to, or until the limit. */
static int fwctl_test_hang(void)
{
	int gen = atomic_read(&fwctl_test_release_gen);
	long ret, limit = msecs_to_jiffies(FWCTL_TEST_MAX_HANG_MS);

	atomic_inc(&fwctl_test_hanging);
	ret = wait_event_interruptible_timeout(fwctl_test_hang_wq,
					       atomic_read(&fwctl_test_release_gen) != gen,
					       limit);
	atomic_dec(&fwctl_test_hanging);
	if (ret < 0)
		return -EINTR;
	return ret ? 0 : -ETIMEDOUT;
}

/* Runs the "device" part of a request that passed the checks. */
static int fwctl_test_exec(const struct fwctl_test_rpc *rpc)
{
	if (rpc->op == FWCTL_TEST_HANG && !READ_ONCE(allow_hang))
		return -EOPNOTSUPP;
	switch (rpc->op) {
	case FWCTL_TEST_FAIL:
		return -rpc->error;
	case FWCTL_TEST_SLEEP:
		return msleep_interruptible(rpc->sleep_ms) ? -EINTR : 0;
	case FWCTL_TEST_HANG:
		return fwctl_test_hang();
	}
	return 0;
}

static void *fwctl_test_rpc(struct fwctl_uctx *uctx,
			    enum fwctl_rpc_scope scope, void *in,
			    size_t in_len, size_t *out_len)
{
	struct fwctl_test_uctx *tuctx =
		container_of(uctx, struct fwctl_test_uctx, uctx);
	const struct fwctl_test_rpc *rpc = in;
	size_t len, i;
	u8 *out;
	int ret;

	if (in_len < sizeof(*rpc) || rpc->reserved[0] || rpc->reserved[1] ||
	    rpc->needed > FWCTL_RPC_DEBUG_WRITE_FULL ||
	    rpc->reply_len > FWCTL_TEST_MAX_REPLY)
		return ERR_PTR(-EINVAL);
	switch (rpc->op) {
	case FWCTL_TEST_ECHO:
	case FWCTL_TEST_HANG:
		break;
	case FWCTL_TEST_FAIL:
		if (rpc->error <= 0 || rpc->error > MAX_ERRNO)
			return ERR_PTR(-EINVAL);
		break;
	case FWCTL_TEST_SLEEP:
		if (rpc->sleep_ms > FWCTL_TEST_MAX_SLEEP_MS)
			return ERR_PTR(-EINVAL);
		break;
	default:
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (scope < rpc->needed)
		return ERR_PTR(-EPERM);

	ret = fwctl_test_exec(rpc);
	if (ret)
		return ERR_PTR(ret);
	tuctx->rpcs++;

	len = rpc->reply_len ? rpc->reply_len : in_len;
	*out_len = len;
	if (len <= in_len)
		return in;
	out = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!out)
		return ERR_PTR(-ENOMEM);
	memcpy(out, in, in_len);
	for (i = in_len; i < len; i++)
		out[i] = fwctl_test_pattern(i);
	return out;
}

static const struct fwctl_ops fwctl_test_ops = {
	.device_type = FWCTL_DEVICE_TYPE_TEST,
	.uctx_size = sizeof(struct fwctl_test_uctx),
	.open_uctx = fwctl_test_open_uctx,
	.close_uctx = fwctl_test_close_uctx,
	.info = fwctl_test_info,
	.fw_rpc = fwctl_test_rpc,
};

static void fwctl_test_destroy(struct fwctl_test_dev *tdev)
{
	list_del(&tdev->entry);
	fwctl_unregister(&tdev->fwctl);
	fwctl_put(&tdev->fwctl);
}

static ssize_t add_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct fwctl_test_dev *tdev;
	int ret;

	tdev = fwctl_alloc_device(NULL, &fwctl_test_ops,
				  struct fwctl_test_dev, fwctl);
	if (!tdev)
		return -ENOMEM;

	guard(mutex)(&fwctl_test_lock);
	tdev->id = fwctl_test_next_id++;
	ret = fwctl_register(&tdev->fwctl);
	if (ret) {
		fwctl_put(&tdev->fwctl);
		return ret;
	}
	list_add_tail(&tdev->entry, &fwctl_test_devs);
	strscpy(fwctl_test_last, dev_name(&tdev->fwctl.dev));
	return count;
}

static struct kobj_attribute add_attr = __ATTR_WO(add);

static ssize_t last_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	guard(mutex)(&fwctl_test_lock);
	return sysfs_emit(buf, "%s\n", fwctl_test_last);
}

static struct kobj_attribute last_attr = __ATTR_RO(last);

static ssize_t remove_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	struct fwctl_test_dev *tdev;

	guard(mutex)(&fwctl_test_lock);
	list_for_each_entry(tdev, &fwctl_test_devs, entry) {
		if (sysfs_streq(buf, dev_name(&tdev->fwctl.dev))) {
			fwctl_test_destroy(tdev);
			return count;
		}
	}
	return -ENOENT;
}

static struct kobj_attribute remove_attr = __ATTR_WO(remove);

static ssize_t contexts_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&fwctl_test_contexts));
}

static struct kobj_attribute contexts_attr = __ATTR_RO(contexts);

static ssize_t hanging_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&fwctl_test_hanging));
}

static struct kobj_attribute hanging_attr = __ATTR_RO(hanging);

static ssize_t release_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	atomic_inc(&fwctl_test_release_gen);
	wake_up_all(&fwctl_test_hang_wq);
	return count;
}

static struct kobj_attribute release_attr = __ATTR_WO(release);

static struct attribute *fwctl_test_attrs[] = {
	&add_attr.attr,
	&last_attr.attr,
	&remove_attr.attr,
	&contexts_attr.attr,
	&hanging_attr.attr,
	&release_attr.attr,
	NULL,
};

static const struct attribute_group fwctl_test_group = {
	.attrs = fwctl_test_attrs,
};

static int __init fwctl_test_init(void)
{
	int ret;

	fwctl_test_kobj = kobject_create_and_add("fwctl_test", kernel_kobj);
	if (!fwctl_test_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(fwctl_test_kobj, &fwctl_test_group);
	if (ret)
		kobject_put(fwctl_test_kobj);
	return ret;
}

static void __exit fwctl_test_exit(void)
{
	struct fwctl_test_dev *tdev, *tmp;

	/* No new device can be added once the files are gone. */
	sysfs_remove_group(fwctl_test_kobj, &fwctl_test_group);
	kobject_put(fwctl_test_kobj);
	guard(mutex)(&fwctl_test_lock);
	list_for_each_entry_safe(tdev, tmp, &fwctl_test_devs, entry)
		fwctl_test_destroy(tdev);
}

module_init(fwctl_test_init);
module_exit(fwctl_test_exit);
MODULE_DESCRIPTION("fwctl test driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(FWCTL);
