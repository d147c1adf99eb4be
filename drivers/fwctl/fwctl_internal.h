/* SPDX-License-Identifier: GPL-2.0-only */
/* fwctl core internals shared by main.c and its KUnit tests. */
#ifndef __FWCTL_INTERNAL_H
#define __FWCTL_INTERNAL_H

#include <linux/fs.h>
#include <linux/fwctl.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <kunit/visibility.h>

/* The largest RPC request or reply the core accepts. */
#define FWCTL_MAX_RPC_LEN SZ_2M
/*
 * FWCTL_RPC requests up to this size are copied to the stack instead of
 * allocated: most are a command header and a few bytes, and an allocation
 * per RPC is measurable (make bench). See &fwctl_ops.fw_rpc for what the
 * driver may do with the copy.
 */
#define FWCTL_RPC_STACK_LEN 64

#if IS_ENABLED(CONFIG_KUNIT)
int fwctl_scope_allowed(u32 scope);
int fwctl_errno(int err);
extern unsigned long fwctl_tainted;
int fwctl_fops_open(struct inode *inode, struct file *filp);
int fwctl_fops_release(struct inode *inode, struct file *filp);
long fwctl_fops_ioctl(struct file *filp, unsigned int cmd, unsigned long arg);
#endif

#endif
