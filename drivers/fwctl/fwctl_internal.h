/* SPDX-License-Identifier: GPL-2.0-only */
/* fwctl core internals that the KUnit tests reach. */
#ifndef _FWCTL_INTERNAL_H
#define _FWCTL_INTERNAL_H

#include <linux/fs.h>
#include <linux/fwctl.h>
#include <kunit/visibility.h>

/* The largest RPC request or reply the core accepts. */
#define FWCTL_MAX_RPC_LEN SZ_2M
/* RPC inputs up to this size are copied to the stack, not allocated. */
#define FWCTL_RPC_SMALL_IN 64

#if IS_ENABLED(CONFIG_KUNIT)
int fwctl_scope_allowed(u32 scope);
bool fwctl_rpc_taints(const struct fwctl_rpc_req *req);
bool fwctl_rpc_logged(u32 scope, const struct fwctl_rpc_req *req);
int fwctl_fops_open(struct inode *inode, struct file *filp);
int fwctl_fops_release(struct inode *inode, struct file *filp);
long fwctl_fops_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
#endif

#endif
