// SPDX-License-Identifier: GPL-2.0
/*
 * The fwctl core's user-visible contract, driven through the test driver
 * (CONFIG_FWCTL_TEST): the errno table, scopes, capabilities, taint, audit,
 * lockdown, unregister and module unload with files open and RPCs in
 * flight, allocation failures with fail-nth, and a random ioctl fuzzer.
 * Built twice: natively and as a 32-bit program for compat_ioctl.
 */
#include <stddef.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#include <fwctl/fwctl.h>

#include "../kselftest_harness.h"
#include "fwctl_test.h"
#include "fwctl_util.h"

#define TEST_SYSFS "/sys/kernel/fwctl_test"
#define TEST_MODULE "/fwctl/modules/fwctl_test.ko"
#define TRACE "/sys/kernel/tracing"
#define ALLOW_HANG "/sys/module/fwctl_test/parameters/allow_hang"

static int add_device(char *name, size_t len)
{
	int ret = write_file(TEST_SYSFS "/add", "1");

	if (ret)
		return ret;
	return read_file(TEST_SYSFS "/last", name, len) > 0 ? 0 : -EIO;
}

static int open_device(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/fwctl/%s", name);
	return open(path, O_RDWR);
}

static int do_info(int fd, uint32_t flags, void *data, uint32_t *len,
		   uint32_t *type)
{
	struct fwctl_info info = {
		.size = sizeof(info),
		.flags = flags,
		.device_data_len = *len,
		.out_device_data = (uintptr_t)data,
	};

	if (ioctl(fd, FWCTL_INFO, &info))
		return -errno;
	*len = info.device_data_len;
	if (type)
		*type = info.out_device_type;
	return 0;
}

struct trpc {
	struct fwctl_test_rpc h;
	uint8_t data[64];
};

/* One test RPC; returns 0 or -errno, the reply length in *out_len. */
static int do_rpc(int fd, uint32_t scope, uint32_t op, uint32_t needed,
		  uint32_t arg, void *out, uint32_t *out_len)
{
	struct trpc in = { .h = { .op = op, .cmd = 0x1000 + op,
				  .needed = needed } };
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = sizeof(in),
		.out_len = *out_len,
		.in = (uintptr_t)&in,
		.out = (uintptr_t)out,
	};
	unsigned int i;

	for (i = 0; i < sizeof(in.data); i++)
		in.data[i] = i;
	if (op == FWCTL_TEST_FAIL)
		in.h.error = arg;
	else if (op == FWCTL_TEST_SLEEP)
		in.h.sleep_ms = arg;
	if (ioctl(fd, FWCTL_RPC, &rpc))
		return -errno;
	*out_len = rpc.out_len;
	return 0;
}

static int echo(int fd, uint32_t scope, uint32_t needed)
{
	uint8_t out[sizeof(struct trpc)];
	uint32_t len = sizeof(out);

	return do_rpc(fd, scope, FWCTL_TEST_ECHO, needed, 0, out, &len);
}

static int echo_full(int fd)
{
	return echo(fd, FWCTL_RPC_DEBUG_WRITE_FULL, FWCTL_RPC_CONFIGURATION);
}

static bool locked_down(void)
{
	return strcmp(lockdown_level(), "none") != 0;
}

/*
 * The kernel log is never cleared (the harness scans all of it): a test
 * opens /dev/kmsg at its end first, then looks at what came after.
 */
static int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Everything logged since the mark, in buf: read once, so that several
 * checks, positive and negative, look at the same records.
 */
static size_t kmsg_collect(int fd, char *buf, size_t len)
{
	size_t used = 0;
	ssize_t n;

	buf[0] = 0;
	while (used + 1 < len) {
		n = read(fd, buf + used, len - used - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		used += n;
		buf[used] = 0;
	}
	return used;
}

static char kmsg_buf[1 << 16];

static bool kmsg_has(int fd, const char *needle)
{
	kmsg_collect(fd, kmsg_buf, sizeof(kmsg_buf));
	return contains(kmsg_buf, needle);
}

FIXTURE(fwctl) {
	char name[32];
	int fd;
};

FIXTURE_SETUP(fwctl)
{
	ASSERT_EQ(0, add_device(self->name, sizeof(self->name)));
	self->fd = open_device(self->name);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(fwctl)
{
	if (self->fd >= 0)
		close(self->fd);
	/* A test may have removed it already. */
	write_file(TEST_SYSFS "/remove", self->name);
}

#ifndef FWCTL_COMPAT32
/*
 * First, before anything in this boot asked for a write scope: the taint
 * is the requested scope's. Read-only scopes never taint, whatever the
 * driver does; a write scope taints before the driver runs. The 32-bit
 * build runs after the native one, when the kernel is tainted already.
 */
static void *hanger(void *arg)
{
	uint8_t out[sizeof(struct trpc)];
	uint32_t len = sizeof(out);

	return (void *)(intptr_t)do_rpc(*(int *)arg, FWCTL_RPC_DEBUG_WRITE,
					FWCTL_TEST_HANG, FWCTL_RPC_DEBUG_WRITE,
					0, out, &len);
}

TEST_F(fwctl, taint_by_requested_scope)
{
	uint8_t out[sizeof(struct trpc)];
	uint32_t len = sizeof(out);
	pthread_t th;
	void *ret;
	int i;

	ASSERT_FALSE(kernel_tainted_fwctl());
	/* Read-only scopes: run, refused by the driver or failed, no taint. */
	ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_CONFIGURATION,
			  FWCTL_RPC_CONFIGURATION));
	ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_DEBUG_READ_ONLY,
			  FWCTL_RPC_DEBUG_READ_ONLY));
	ASSERT_EQ(-EPERM, echo(self->fd, FWCTL_RPC_DEBUG_READ_ONLY,
			       FWCTL_RPC_DEBUG_WRITE));
	ASSERT_EQ(-EIO, do_rpc(self->fd, FWCTL_RPC_DEBUG_READ_ONLY,
			       FWCTL_TEST_FAIL, FWCTL_RPC_CONFIGURATION, EIO,
			       out, &len));
	/* The core refuses before the taint: no CAP_SYS_RAWIO. */
	ASSERT_EQ(-EPERM, without_rawio(echo_full, self->fd));
	ASSERT_FALSE(kernel_tainted_fwctl());

	/*
	 * The first write-scope request of the boot, and its device hangs:
	 * what a crash report taken now would show. The taint is there
	 * while the command still runs.
	 */
	ASSERT_EQ(0, write_file(ALLOW_HANG, "Y"));
	ASSERT_EQ(0, pthread_create(&th, NULL, hanger, &self->fd));
	for (i = 0; i < 500 && read_long(TEST_SYSFS "/hanging") < 1; i++)
		usleep(10 * 1000);
	ASSERT_EQ(1, read_long(TEST_SYSFS "/hanging"));
	ASSERT_TRUE(kernel_tainted_fwctl());
	ASSERT_EQ(1, read_long(TEST_SYSFS "/hanging"));
	ASSERT_EQ(0, write_file(TEST_SYSFS "/release", "1"));
	ASSERT_EQ(0, pthread_join(th, &ret));
	ASSERT_EQ(0, (intptr_t)ret);
	ASSERT_EQ(0, write_file(ALLOW_HANG, "N"));

	/* Executed, and the device failed it: the errno comes back. */
	ASSERT_EQ(-EIO, do_rpc(self->fd, FWCTL_RPC_DEBUG_WRITE,
			       FWCTL_TEST_FAIL, FWCTL_RPC_DEBUG_WRITE, EIO,
			       out, &len));
}
#endif

TEST_F(fwctl, info_device_data)
{
	struct fwctl_test_info info;
	uint32_t len = sizeof(info), type = 0, i;

	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, do_info(self->fd, 0, &info, &len, &type));
	ASSERT_EQ(FWCTL_DEVICE_TYPE_TEST, type);
	ASSERT_EQ(sizeof(info), len);
	ASSERT_EQ(FWCTL_TEST_MAGIC, info.magic);
	for (i = 0; i < sizeof(info.pattern); i++)
		ASSERT_EQ(fwctl_test_pattern(i), info.pattern[i]);
}

TEST_F(fwctl, info_reports_needed_length)
{
	uint8_t buf[64];
	uint32_t len = 0;

	/* Length 0: nothing asked, 0 back, as mainline answers. */
	ASSERT_EQ(0, do_info(self->fd, 0, NULL, &len, NULL));
	ASSERT_EQ(0, len);

	/* Too small: a prefix, the rest untouched, the full length back. */
	memset(buf, 0xee, sizeof(buf));
	len = 6;
	ASSERT_EQ(0, do_info(self->fd, 0, buf, &len, NULL));
	ASSERT_EQ(sizeof(struct fwctl_test_info), len);
	ASSERT_EQ(FWCTL_TEST_MAGIC & 0xff, buf[0]);
	ASSERT_EQ(0xee, buf[6]);
}

/* As mainline: the whole buffer is written, the data and then zeros. */
TEST_F(fwctl, info_zero_fills_the_buffer)
{
	uint8_t buf[128];
	uint32_t len = 100, i;

	memset(buf, 0xee, sizeof(buf));
	ASSERT_EQ(0, do_info(self->fd, 0, buf, &len, NULL));
	ASSERT_EQ(sizeof(struct fwctl_test_info), len);
	ASSERT_EQ(FWCTL_TEST_MAGIC & 0xff, buf[0]);
	for (i = sizeof(struct fwctl_test_info); i < 100; i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("byte %u", i);
	for (; i < sizeof(buf); i++)
		ASSERT_EQ(0xee, buf[i]) TH_LOG("byte %u", i);
}

TEST_F(fwctl, info_size_rules)
{
	struct {
		struct fwctl_info info;
		uint8_t tail[16];
	} big;
	struct fwctl_info small = { .size = 16 };

	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_INFO, &small));
	ASSERT_EQ(EINVAL, errno);

	memset(&big, 0, sizeof(big));
	big.info.size = sizeof(big);
	big.tail[5] = 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_INFO, &big));
	ASSERT_EQ(E2BIG, errno);

	/* A zero tail is accepted and left alone. */
	big.tail[5] = 0;
	ASSERT_EQ(0, ioctl(self->fd, FWCTL_INFO, &big));
	ASSERT_EQ(FWCTL_DEVICE_TYPE_TEST, big.info.out_device_type);
	ASSERT_EQ(0, big.tail[5]);

	big.info.flags = 1u << 30;
	big.info.size = sizeof(big.info);
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_INFO, &big.info));
	ASSERT_EQ(EOPNOTSUPP, errno);

	/* The size field itself unreadable. */
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_INFO, (void *)16));
	ASSERT_EQ(EFAULT, errno);
}

TEST_F(fwctl, unknown_ioctls)
{
	struct fwctl_info info = { .size = sizeof(info) };

	ASSERT_EQ(-1, ioctl(self->fd, _IO(FWCTL_TYPE, 2), &info));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(self->fd, _IOWR(FWCTL_TYPE, 0, struct fwctl_info),
			    &info));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(self->fd, _IO(0xCE, 2), &info));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(fwctl, rpc_echo_and_truncation)
{
	uint8_t out[256];
	uint32_t len = sizeof(out), i;
	struct trpc in = { .h = { .op = FWCTL_TEST_ECHO, .reply_len = 200 } };
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.in_len = sizeof(in),
		.in = (uintptr_t)&in,
		.out = (uintptr_t)out,
	};

	ASSERT_EQ(0, do_rpc(self->fd, FWCTL_RPC_CONFIGURATION,
			    FWCTL_TEST_ECHO, 0, 0, out, &len));
	ASSERT_EQ(sizeof(struct trpc), len);
	for (i = 0; i < 64; i++)
		ASSERT_EQ(i, out[sizeof(struct fwctl_test_rpc) + i]);

	/* A 200-byte reply into 50 bytes: 50 copied, 200 reported. */
	for (i = 0; i < 64; i++)
		in.data[i] = 0xa0 ^ i;
	memset(out, 0xcc, sizeof(out));
	rpc.out_len = 50;
	ASSERT_EQ(0, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(200, rpc.out_len);
	ASSERT_EQ(0, memcmp(out, &in, 50));
	ASSERT_EQ(0xcc, out[50]);

	/* The reply beyond the request is the driver's pattern. */
	rpc.out_len = sizeof(out);
	ASSERT_EQ(0, ioctl(self->fd, FWCTL_RPC, &rpc));
	for (i = sizeof(in); i < 200; i++)
		ASSERT_EQ(fwctl_test_pattern(i), out[i]);
}

TEST_F(fwctl, rpc_errno_table)
{
	uint8_t out[sizeof(struct trpc)];
	struct trpc in = { .h = { .op = FWCTL_TEST_ECHO } };
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.in_len = sizeof(in),
		.out_len = sizeof(out),
		.in = (uintptr_t)&in,
		.out = (uintptr_t)out,
	};

	rpc.scope = FWCTL_RPC_DEBUG_WRITE_FULL + 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EOPNOTSUPP, errno);
	rpc.scope = FWCTL_RPC_CONFIGURATION;

	rpc.in_len = (2u << 20) + 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EMSGSIZE, errno);
	rpc.in_len = sizeof(in);
	rpc.out_len = (2u << 20) + 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EMSGSIZE, errno);
	rpc.out_len = sizeof(out);

	rpc.size = offsetof(struct fwctl_rpc, out);
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EINVAL, errno);
	rpc.size = sizeof(rpc);

	rpc.in = 8;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EFAULT, errno);
	rpc.in = (uintptr_t)&in;
	rpc.out = 8;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EFAULT, errno);
	rpc.out = (uintptr_t)out;

	/* The driver's own refusals. */
	in.h.op = 99;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EOPNOTSUPP, errno);
	in.h.op = FWCTL_TEST_ECHO;
	in.h.reserved[1] = 1;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EINVAL, errno);
	in.h.reserved[1] = 0;
	rpc.in_len = 4;
	ASSERT_EQ(-1, ioctl(self->fd, FWCTL_RPC, &rpc));
	ASSERT_EQ(EINVAL, errno);
	rpc.in_len = sizeof(in);

	ASSERT_EQ(0, ioctl(self->fd, FWCTL_RPC, &rpc));
}

TEST_F(fwctl, scopes_and_capability)
{
	uint32_t s;

	for (s = FWCTL_RPC_CONFIGURATION; s <= FWCTL_RPC_DEBUG_WRITE; s++) {
		ASSERT_EQ(0, echo(self->fd, s, s));
		if (s > FWCTL_RPC_CONFIGURATION)
			ASSERT_EQ(-EPERM, echo(self->fd, s - 1, s));
	}
	ASSERT_EQ(-EPERM, without_rawio(echo_full, self->fd));
	if (!locked_down())
		ASSERT_EQ(0, echo_full(self->fd));
}

TEST_F(fwctl, lockdown_refuses_write_full)
{
	const char *level = lockdown_level();
	const char *want = cmdline_arg("lockdown");
	bool found = false;
	int kmsg, tries;

	/* The boot asked for a level: it must be in force. */
	ASSERT_STREQ(want ? want : "none", level);
	if (!strcmp(level, "none")) {
		ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
				  FWCTL_RPC_DEBUG_WRITE_FULL));
		return;
	}
	ASSERT_EQ(-EPERM, echo(self->fd, FWCTL_RPC_DEBUG_WRITE_FULL,
			       FWCTL_RPC_DEBUG_WRITE_FULL));
	/* Lower scopes still work. */
	ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_DEBUG_WRITE,
			  FWCTL_RPC_DEBUG_WRITE));
	/*
	 * The lockdown LSM names our reason. Its message is rate limited
	 * globally (5 s): when earlier tests used up the burst, try again
	 * once the interval has passed.
	 */
	for (tries = 0; tries < 2; tries++) {
		if (tries)
			sleep(6);
		kmsg = kmsg_mark();
		ASSERT_LE(0, kmsg);
		ASSERT_EQ(-EPERM, echo_full(self->fd));
		found = kmsg_has(kmsg, "fwctl full-scope device firmware access is restricted");
		close(kmsg);
		if (found)
			break;
	}
	ASSERT_TRUE(found);
}

#define LOGIN_UID "4242"

/* Records of a completed and a refused request; "sudo" keeps the auid. */
TEST_F(fwctl, audit_trail)
{
	char buf[8192], want[256], comm[32];
	int fd, n, audit;

	ASSERT_LT(0, read_file("/proc/self/comm", comm, sizeof(comm)));

	ASSERT_EQ(0, write_file(TRACE "/trace", ""));
	ASSERT_EQ(0, write_file(TRACE "/events/fwctl/fwctl_rpc/enable", "1"));
	ASSERT_EQ(0, write_file("/proc/self/loginuid", LOGIN_UID));
	audit = audit_open();
	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));

	ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_DEBUG_WRITE,
			  FWCTL_RPC_DEBUG_WRITE));
	ASSERT_EQ(-EPERM, echo(self->fd, FWCTL_RPC_DEBUG_READ_ONLY,
			       FWCTL_RPC_DEBUG_WRITE));
	ASSERT_EQ(0, write_file(TRACE "/events/fwctl/fwctl_rpc/enable", "0"));

	fd = open(TRACE "/trace", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	snprintf(want, sizeof(want),
		 "%s pid=%d comm=%s", self->name, getpid(), comm);
	/* The harness forks a child per test: look for its pid. */
	ASSERT_TRUE(contains(buf, want));
	ASSERT_TRUE(contains(buf, "scope=2 result=0"));
	ASSERT_TRUE(contains(buf, "scope=1 result=-1"));

	/* One record, the write scope's: the process, its login uid. */
	ASSERT_LE(0, audit_collect(audit, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "op=fwctl_rpc dev=%s ", self->name);
	ASSERT_EQ(1, audit_lines(buf, want, NULL, NULL)) TH_LOG("%s", buf);
	snprintf(want, sizeof(want),
		 "op=fwctl_rpc dev=%s scope=debug-write errno=0 res=1",
		 self->name);
	ASSERT_TRUE(contains(buf, want)) TH_LOG("%s", buf);
	snprintf(want, sizeof(want), " pid=%d auid=" LOGIN_UID " uid=0 ",
		 getpid());
	ASSERT_TRUE(contains(buf, want)) TH_LOG("%s", buf);
	ASSERT_TRUE(contains(buf, " ses=")) TH_LOG("%s", buf);
	/* A refused read-only-scope request is traced, not recorded. */
	ASSERT_FALSE(contains(buf, "scope=debug-read-only"));
}

#ifndef FWCTL_COMPAT32
/*
 * However many refused requests come first, the completed write is
 * recorded, and every refusal is either recorded or counted. Native only:
 * 10,000 requests take the same path in the kernel from a 32-bit program,
 * which the other tests cover, and would only double the guest's time.
 */
TEST_F(fwctl, audit_completed_after_refused_flood)
{
	static char buf[1 << 16];
	char want[64];
	unsigned long unrecorded = 0;
	int i, audit, refused = 0, completed = 0;
	char *line, *p;

	audit = audit_open();
	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));
	for (i = 0; i < 10000; i++)
		ASSERT_EQ(-EPERM, echo(self->fd, FWCTL_RPC_DEBUG_WRITE,
				       FWCTL_RPC_DEBUG_WRITE_FULL));
	ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_DEBUG_WRITE,
			  FWCTL_RPC_DEBUG_WRITE));
	ASSERT_LE(0, audit_collect(audit, buf, sizeof(buf)));

	snprintf(want, sizeof(want), "op=fwctl_rpc dev=%s ", self->name);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, want))
			continue;
		if (strstr(line, "errno=1 res=0"))
			refused++;
		else if (strstr(line, "errno=0 res=1"))
			completed++;
		p = strstr(line, "unrecorded_failures=");
		if (p)
			unrecorded += strtoul(p + 20, NULL, 10);
	}
	ASSERT_EQ(1, completed);
	ASSERT_LT(0, refused);
	ASSERT_GT(10000, refused);
	ASSERT_EQ(10000, refused + unrecorded);
}
#endif

/* A process name cannot forge a record or a field of one. */
TEST_F(fwctl, audit_escapes_comm)
{
	char buf[8192], want[64];
	int audit;

	ASSERT_EQ(0, prctl(PR_SET_NAME, "x\nfwctl y=1\"", 0, 0, 0));
	audit = audit_open();
	ASSERT_LE(0, audit) TH_LOG("audit socket: %s", strerror(-audit));
	ASSERT_EQ(0, echo(self->fd, FWCTL_RPC_DEBUG_WRITE,
			  FWCTL_RPC_DEBUG_WRITE));
	ASSERT_LE(0, audit_collect(audit, buf, sizeof(buf)));
	snprintf(want, sizeof(want), "op=fwctl_rpc dev=%s ", self->name);
	ASSERT_EQ(1, audit_lines(buf, want, NULL, NULL)) TH_LOG("%s", buf);
	/* The audit subsystem writes such a name in hex. */
	ASSERT_TRUE(contains(buf, " comm=780A667763746C20793D3122 "))
		TH_LOG("%s", buf);
	ASSERT_FALSE(contains(buf, "fwctl y=1"));
}

static void *sleeper(void *arg)
{
	int fd = *(int *)arg;
	uint8_t out[sizeof(struct trpc)];
	uint32_t len = sizeof(out);

	return (void *)(intptr_t)do_rpc(fd, FWCTL_RPC_CONFIGURATION,
					FWCTL_TEST_SLEEP, 0, 400, out, &len);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST_F(fwctl, unregister_with_rpcs_in_flight)
{
	long before = read_long(TEST_SYSFS "/contexts");
	pthread_t th[4];
	int fd2, i;
	double t0;
	void *ret;

	fd2 = open_device(self->name);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(before + 1, read_long(TEST_SYSFS "/contexts"));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, sleeper,
					    i & 1 ? &fd2 : &self->fd));
	usleep(100 * 1000);
	t0 = now();
	ASSERT_EQ(0, write_file(TEST_SYSFS "/remove", self->name));
	/* Unregister waited for the sleeping RPCs to finish. */
	ASSERT_LT(0.2, now() - t0);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(th[i], &ret));
		ASSERT_EQ(0, (intptr_t)ret);
	}

	/* Both files orphaned, their contexts closed by unregister. */
	ASSERT_EQ(before - 1, read_long(TEST_SYSFS "/contexts"));
	ASSERT_EQ(-ENODEV, echo(self->fd, 0, 0));
	ASSERT_EQ(-ENODEV, echo(fd2, 0, 0));
	ASSERT_EQ(-1, open_device(self->name));
	ASSERT_EQ(ENOENT, errno);
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(before - 1, read_long(TEST_SYSFS "/contexts"));
}

struct racer {
	const char *name;
	bool stop;
	int bad;
};

/* Opens, runs RPCs, closes, until told to stop; notes unexpected errnos. */
static void *racer(void *arg)
{
	struct racer *r = arg;
	char path[64];
	int fd, k, e;

	snprintf(path, sizeof(path), "/dev/fwctl/%s", r->name);
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		fd = open(path, O_RDWR);
		if (fd < 0) {
			if (errno != ENOENT && errno != ENODEV && errno != ENXIO)
				r->bad = errno;
			continue;
		}
		for (k = 0; k < 4; k++) {
			e = echo(fd, FWCTL_RPC_CONFIGURATION,
				 FWCTL_RPC_CONFIGURATION);
			if (e && e != -ENODEV)
				r->bad = -e;
		}
		close(fd);
	}
	return NULL;
}

/* Unregister in the middle of opens, closes and ioctls, many times over. */
TEST(unregister_races_open_close_ioctl)
{
	long before = read_long(TEST_SYSFS "/contexts");
	struct racer r[3];
	pthread_t th[3];
	char name[32];
	int round, i;

	for (round = 0; round < 30; round++) {
		ASSERT_EQ(0, add_device(name, sizeof(name)));
		for (i = 0; i < 3; i++) {
			r[i] = (struct racer){ .name = name };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, racer, &r[i]));
		}
		usleep((round % 10) * 2000);
		ASSERT_EQ(0, write_file(TEST_SYSFS "/remove", name));
		for (i = 0; i < 3; i++) {
			__atomic_store_n(&r[i].stop, true, __ATOMIC_RELAXED);
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			ASSERT_EQ(0, r[i].bad) TH_LOG("round %d: errno %d", round,
						      r[i].bad);
		}
		ASSERT_EQ(before, read_long(TEST_SYSFS "/contexts"));
	}
}

TEST_F(fwctl, many_opens_and_closes)
{
	long before = read_long(TEST_SYSFS "/contexts");
	int fds[64], i;

	for (i = 0; i < 64; i++) {
		fds[i] = open_device(self->name);
		ASSERT_LE(0, fds[i]);
	}
	ASSERT_EQ(before + 64, read_long(TEST_SYSFS "/contexts"));
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, close(fds[i]));
	ASSERT_EQ(before, read_long(TEST_SYSFS "/contexts"));
}

/* Allocation failure at every point of each ioctl path: clean errno. */
FIXTURE(fault) {
	char name[32];
	int fd;
};

FIXTURE_SETUP(fault)
{
	ASSERT_EQ(0, add_device(self->name, sizeof(self->name)));
	self->fd = open_device(self->name);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, write_file("/sys/kernel/debug/failslab/ignore-gfp-wait", "N"));
	ASSERT_EQ(0, write_file("/sys/kernel/debug/failslab/verbose", "0"));
}

FIXTURE_TEARDOWN(fault)
{
	if (self->fd >= 0)
		close(self->fd);
	write_file(TEST_SYSFS "/remove", self->name);
}

enum fault_path { F_OPEN, F_INFO, F_RPC, F_NR };

static int fault_op(int fd, const char *name, enum fault_path p)
{
	uint8_t buf[sizeof(struct trpc)];
	uint32_t len = sizeof(buf);
	int nfd;

	switch (p) {
	case F_OPEN:
		nfd = open_device(name);
		if (nfd < 0)
			return -errno;
		close(nfd);
		return 0;
	case F_INFO:
		return do_info(fd, 0, buf, &len, NULL);
	default:
		return do_rpc(fd, FWCTL_RPC_CONFIGURATION, FWCTL_TEST_ECHO, 0,
			      0, buf, &len);
	}
}

TEST_F(fault, fail_nth_every_ioctl_path)
{
	long contexts = read_long(TEST_SYSFS "/contexts");
	int p, nth, ret, fnth, injected;
	char val[16];

	fnth = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_LE(0, fnth);
	for (p = 0; p < F_NR; p++) {
		injected = 0;
		for (nth = 1; nth < 200; nth++) {
			snprintf(val, sizeof(val), "%d", nth);
			ASSERT_LT(0, pwrite(fnth, val, strlen(val), 0));
			ret = fault_op(self->fd, self->name, p);
			ASSERT_LT(0, pread(fnth, val, sizeof(val) - 1, 0));
			val[sizeof(val) - 1] = 0;
			ASSERT_LT(0, pwrite(fnth, "0", 1, 0));
			if (atoi(val) != 0) {
				/* Ran to the end without reaching the nth. */
				ASSERT_EQ(0, ret);
				break;
			}
			injected++;
			ASSERT_TRUE(ret == 0 || ret == -ENOMEM) {
				TH_LOG("path %d nth %d: %d", p, nth, ret);
			}
			/* Nothing half done: the device still works. */
			ASSERT_EQ(0, fault_op(self->fd, self->name, F_RPC));
			ASSERT_EQ(contexts, read_long(TEST_SYSFS "/contexts"));
		}
		ASSERT_LT(0, injected) TH_LOG("path %d never allocated", p);
		ASSERT_LT(nth, 200);
	}
	close(fnth);
}

/* The random ioctl fuzzer. */
TEST_F(fwctl, random_ioctls)
{
	static const int ok_errnos[] = { EINVAL, E2BIG, EOPNOTSUPP, EMSGSIZE,
					 EFAULT, EPERM, ENOTTY, ENOMEM, EIO,
					 EAGAIN, ENOENT, EBUSY };
	const unsigned int iterations = 100000;
	uint8_t *page, *buf;
	unsigned int i, j, seed = 0x5eed;
	long ret;

	page = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(page != MAP_FAILED);
	/* A guard page after the buffer: lengths run into it. */
	ASSERT_EQ(0, munmap(page + 2 * 4096, 4096));
	buf = page + 4096;
	srand(seed);
	for (i = 0; i < iterations; i++) {
		unsigned int cmd, r = rand();
		struct fwctl_rpc *rpc = (void *)buf;
		struct fwctl_test_rpc *t = (void *)(buf + 64);
		void *arg;

		for (j = 0; j < 256; j += 4)
			*(uint32_t *)(buf + j) = rand() & (r & 1 ? 0xff : ~0u);
		switch (r % 8) {
		case 0:
			cmd = _IO(FWCTL_TYPE, rand() % 4);
			break;
		case 1: case 2: case 3:
			cmd = FWCTL_INFO;
			break;
		default:
			cmd = FWCTL_RPC;
			break;
		}
		/* Mostly plausible sizes, lengths and pointers. */
		if (r & 2)
			rpc->size = (r >> 4) & 1 ? 32 : rand() % 48;
		if (cmd == FWCTL_RPC && (r & 4)) {
			rpc->in_len = rand() % 160;
			rpc->out_len = rand() % 300;
			rpc->in = (uintptr_t)t;
			rpc->out = (uintptr_t)(buf + (rand() % 4096));
			t->op = 1 + rand() % 4;
			t->sleep_ms = 0;
			/*
			 * FAIL fails with the errno asked for: EIO, or an
			 * invalid one the driver rejects with EINVAL.
			 */
			t->error = rand() % 2 ? EIO : -(rand() % 50);
			t->needed = rand() % 5;
			t->reply_len = rand() % 400;
			if (rand() % 4) {
				t->reserved[0] = 0;
				t->reserved[1] = 0;
			}
			if (rpc->scope == FWCTL_RPC_DEBUG_WRITE_FULL && (r & 8))
				rpc->scope = FWCTL_RPC_DEBUG_WRITE;
		} else if (cmd == FWCTL_INFO && (r & 4)) {
			((struct fwctl_info *)buf)->flags &= 0x80000001;
			((struct fwctl_info *)buf)->device_data_len %= 128;
			((struct fwctl_info *)buf)->out_device_data =
				(uintptr_t)(buf + (rand() % 4096));
		}
		switch ((r >> 8) % 16) {
		case 0:
			arg = NULL;
			break;
		case 1:
			arg = (void *)(uintptr_t)0xffffffff00001000ull;
			break;
		case 2:
			arg = buf + 4096 - (rand() % 40);
			break;
		default:
			arg = buf;
			break;
		}
		ret = ioctl(self->fd, cmd, arg);
		if (ret == 0)
			continue;
		ASSERT_EQ(-1, ret);
		for (j = 0; j < ARRAY_SIZE(ok_errnos); j++)
			if (errno == ok_errnos[j])
				break;
		ASSERT_LT(j, ARRAY_SIZE(ok_errnos)) {
			TH_LOG("iteration %u cmd %#x: errno %d", i, cmd, errno);
		}
	}
	munmap(page, 2 * 4096);
	/* The device survived it. */
	ASSERT_EQ(0, echo(self->fd, 0, 0));
}

/* The driver module goes away while a file is open, and comes back. */
TEST(module_unload_with_open_file)
{
	char name[32];
	int fd, mfd;

	if (access(TEST_MODULE, R_OK))
		SKIP(return, "fwctl_test is built in, not a module");
	ASSERT_EQ(0, add_device(name, sizeof(name)));
	fd = open_device(name);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, echo(fd, 0, 0));

	ASSERT_EQ(0, syscall(SYS_delete_module, "fwctl_test", O_NONBLOCK));
	ASSERT_NE(0, access(TEST_SYSFS, F_OK));
	ASSERT_EQ(-ENODEV, echo(fd, 0, 0));
	ASSERT_EQ(0, close(fd));

	mfd = open(TEST_MODULE, O_RDONLY);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, syscall(SYS_finit_module, mfd, "", 0));
	close(mfd);
	ASSERT_EQ(0, access(TEST_SYSFS "/add", W_OK));
}

TEST_HARNESS_MAIN
