/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fwctl driver API: how a driver exposes a device firmware mailbox as
 * /dev/fwctl/fwctlN.
 */
#ifndef _LINUX_FWCTL_H
#define _LINUX_FWCTL_H

#include <linux/cdev.h>
#include <linux/cleanup.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/ratelimit_types.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <uapi/fwctl/fwctl.h>

struct fwctl_device;
struct fwctl_uctx;

/**
 * struct fwctl_ops - what a driver implements
 * @device_type: the &enum fwctl_device_type reported by FWCTL_INFO
 * @uctx_size: bytes to allocate for each open file's context; the driver's
 *	struct must start with a &struct fwctl_uctx
 * @open_uctx: set up a new context (optional). Called when a file opens.
 * @close_uctx: tear a context down (optional). Called at most once per
 *	context: at close, or by fwctl_unregister() for files still open.
 * @info: return kmalloc()ed device data for FWCTL_INFO and its length in
 *	@length, or an ERR_PTR (optional: no data)
 * @fw_rpc: run one RPC: @in (@in_len bytes, a kernel copy the core owns)
 *	at @scope, which the core has already checked against the caller's
 *	capability and lockdown, and for which it has already tainted the
 *	kernel if it is a write scope. The driver refuses a request whose
 *	command needs a higher scope than @scope (-EPERM). Return the reply with its length in
 *	@out_len (on entry, the room the caller has) or an ERR_PTR. The reply
 *	may be @in itself, rewritten in place and no longer than @in_len;
 *	otherwise it is kvmalloc()ed memory that the core kvfree()s. Neither
 *	buffer may be used after @fw_rpc returns. @in is aligned as kmalloc()
 *	memory is, but may be on the core's stack (FWCTL_RPC copies requests
 *	of up to 64 bytes there; mainline always kvzalloc()s) or vmalloc()ed:
 *	never free, resize or DMA-map it, nor hand it to another context.
 *
 * The members are mainline's, with mainline's types, so a
 * mainline fwctl driver builds unchanged. Every op runs with the device's
 * registration lock held for read, so it never runs concurrently with or
 * after fwctl_unregister(). Ops may sleep. Several ops of different
 * contexts, and several @fw_rpc calls of one context, may run
 * concurrently: the driver serialises its own hardware.
 */
struct fwctl_ops {
	enum fwctl_device_type device_type;
	size_t uctx_size;
	int (*open_uctx)(struct fwctl_uctx *uctx);
	void (*close_uctx)(struct fwctl_uctx *uctx);
	void *(*info)(struct fwctl_uctx *uctx, size_t *length);
	void *(*fw_rpc)(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
			void *in, size_t in_len, size_t *out_len);
};

/**
 * struct fwctl_device - one fwctl character device
 * @dev: the class device, /sys/class/fwctl/fwctlN; its parent is the
 *	driver's device
 * @cdev: the character device, /dev/fwctl/fwctlN
 * @registration_lock: held for read by every file operation that calls the
 *	driver, for write by fwctl_unregister()
 * @uctx_list_lock: protects @uctx_list
 * @uctx_list: every open context not yet closed
 * @ops: the driver's ops; NULL once unregistered, under @registration_lock
 * @audit_rs: rate limit of this device's audit records of failed
 *	requests, so one noisy device cannot hide another's; completed
 *	requests are always recorded
 * @audit_missed: failed requests the rate limit left unrecorded since the
 *	last record, which reports them
 *
 * Embedded at the start of the driver's own struct, see
 * fwctl_alloc_device(). Reference counted through @dev: files hold a
 * reference, so the memory outlives fwctl_unregister() while files are
 * open, but the driver is never called again after it.
 */
struct fwctl_device {
	struct device dev;
	struct cdev cdev;
	struct rw_semaphore registration_lock;
	struct mutex uctx_list_lock; /* protects uctx_list */
	struct list_head uctx_list;
	const struct fwctl_ops *ops;
	struct ratelimit_state audit_rs;
	atomic_t audit_missed;
};

/**
 * struct fwctl_uctx - per open file context
 * @fwctl: the device the file was opened on
 * @uctx_list_entry: entry in &fwctl_device.uctx_list
 *
 * The driver's per-file struct starts with this; the core allocates
 * &fwctl_ops.uctx_size bytes, zeroed.
 */
struct fwctl_uctx {
	struct fwctl_device *fwctl;
	struct list_head uctx_list_entry;
};

struct fwctl_device *_fwctl_alloc_device(struct device *parent,
					 const struct fwctl_ops *ops,
					 size_t size);

/**
 * fwctl_alloc_device - allocate a driver struct that embeds a fwctl device
 * @parent: the physical device the fwctl device controls
 * @ops: the driver's ops, which must outlive fwctl_unregister()
 * @drv_struct: the driver's struct type
 * @member: its &struct fwctl_device member, which must be the first
 *
 * Return: the zeroed driver struct holding one reference, or NULL. Drop
 * the reference with fwctl_put().
 */
#define fwctl_alloc_device(parent, ops, drv_struct, member)                 \
	__fwctl_alloc_device(parent, ops, typeof(drv_struct), member)

/* The checks of mainline's macro: member is a struct fwctl_device, first. */
#define __fwctl_alloc_device(parent, ops, type, ...)                        \
	({                                                                  \
		static_assert(__same_type(struct fwctl_device,              \
					  ((type *)NULL)->__VA_ARGS__));    \
		static_assert(offsetof(type, __VA_ARGS__) == 0);            \
		(type *)_fwctl_alloc_device(parent, ops, sizeof(type));     \
	})

/**
 * fwctl_get - take a reference on a fwctl device
 * @fwctl: the device
 *
 * Return: @fwctl
 */
static inline struct fwctl_device *fwctl_get(struct fwctl_device *fwctl)
{
	get_device(&fwctl->dev);
	return fwctl;
}

/**
 * fwctl_put - drop a reference on a fwctl device
 * @fwctl: the device; the last put frees the driver struct
 */
static inline void fwctl_put(struct fwctl_device *fwctl)
{
	put_device(&fwctl->dev);
}

DEFINE_FREE(fwctl, struct fwctl_device *, _T ? fwctl_put(_T) : (void)0)

int fwctl_register(struct fwctl_device *fwctl);
void fwctl_unregister(struct fwctl_device *fwctl);

/* Additions to mainline's driver API. */
struct fwctl_uctx *fwctl_kernel_open(struct fwctl_device *fwctl);
void fwctl_kernel_close(struct fwctl_uctx *uctx);
void *fwctl_rpc_kernel(struct fwctl_uctx *uctx, enum fwctl_rpc_scope scope,
		       void *in, size_t in_len, size_t *out_len);

#endif
