/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * RPC format of the fwctl test driver (CONFIG_FWCTL_TEST). Shared with the
 * selftests; not UAPI: the device type is outside the UAPI enum.
 */
#ifndef _FWCTL_TEST_H
#define _FWCTL_TEST_H

#include <linux/types.h>

#define FWCTL_DEVICE_TYPE_TEST 0xF7C7
#define FWCTL_TEST_MAGIC 0x46574354	/* "FWCT" */
#define FWCTL_TEST_MAX_SLEEP_MS 10000
#define FWCTL_TEST_MAX_HANG_MS 60000
#define FWCTL_TEST_MAX_REPLY 4096

/**
 * enum fwctl_test_op - what a test RPC does
 * @FWCTL_TEST_ECHO: reply with the request, padded with a pattern
 * @FWCTL_TEST_FAIL: reach the "device" and fail with @error
 * @FWCTL_TEST_SLEEP: sleep @sleep_ms, then echo
 * @FWCTL_TEST_HANG: a device that hangs: wait until
 *	/sys/kernel/fwctl_test/release is written (or FWCTL_TEST_MAX_HANG_MS,
 *	then ETIMEDOUT), then echo. Refused with EOPNOTSUPP unless the
 *	module parameter allow_hang is set.
 */
enum fwctl_test_op {
	FWCTL_TEST_ECHO = 1,
	FWCTL_TEST_FAIL = 2,
	FWCTL_TEST_SLEEP = 3,
	FWCTL_TEST_HANG = 4,
};

/**
 * struct fwctl_test_rpc - request of the test device
 * @op: &enum fwctl_test_op
 * @cmd: the caller's label of the request; the driver ignores it
 * @needed: the scope the command needs; lower requests get EPERM
 * @error: for FWCTL_TEST_FAIL, the positive errno to fail with
 * @sleep_ms: for FWCTL_TEST_SLEEP, at most FWCTL_TEST_MAX_SLEEP_MS
 * @reply_len: reply length, at most FWCTL_TEST_MAX_REPLY; 0 replies with
 *	as many bytes as the request
 * @reserved: must be 0
 * @data: request payload, echoed back
 *
 * Reply byte i is request byte i while the request lasts, then
 * fwctl_test_pattern(i). A reply no longer than the request is the
 * request buffer itself, rewritten in place.
 */
struct fwctl_test_rpc {
	__u32 op;
	__u32 cmd;
	__u32 needed;
	__s32 error;
	__u32 sleep_ms;
	__u32 reply_len;
	__u32 reserved[2];
	__u8 data[];
};

/**
 * struct fwctl_test_info - FWCTL_INFO device data of the test device
 * @magic: FWCTL_TEST_MAGIC
 * @id: the device's number
 * @pattern: fwctl_test_pattern(0..31)
 */
struct fwctl_test_info {
	__u32 magic;
	__u32 id;
	__u8 pattern[32];
};

static inline __u8 fwctl_test_pattern(__u32 i)
{
	return (__u8)(i * 7 + 0x5a);
}

#endif
