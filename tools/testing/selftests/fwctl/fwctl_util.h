/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the fwctl selftests. */
#ifndef _FWCTL_UTIL_H
#define _FWCTL_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static inline bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle);
}

/* Read a small sysfs/procfs file into buf; returns bytes or -errno. */
static inline int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = 0;
	close(fd);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return n;
}

static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static inline long read_long(const char *path)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 0);
}

/* The value of name=VALUE on the kernel command line, or NULL. */
static inline const char *cmdline_arg(const char *name)
{
	static char buf[4096];
	char *p, *save;
	size_t l = strlen(name);

	if (read_file("/proc/cmdline", buf, sizeof(buf)) < 0)
		return NULL;
	for (p = strtok_r(buf, " ", &save); p; p = strtok_r(NULL, " ", &save))
		if (!strncmp(p, name, l) && p[l] == '=')
			return p + l + 1;
	return NULL;
}

/* The active lockdown level: "none", "integrity" or "confidentiality". */
static inline const char *lockdown_level(void)
{
	static char buf[128];
	char *s, *e;

	if (read_file("/sys/kernel/security/lockdown", buf, sizeof(buf)) < 0)
		return "none";
	s = strchr(buf, '[');
	e = s ? strchr(s, ']') : NULL;
	if (!s || !e)
		return "none";
	*e = 0;
	return s + 1;
}

/*
 * Whether the CXL core drives the memory RAS features itself (patrol scrub,
 * ECS, PPR, sparing: EDAC, mainline 6.15 on): the memdev fwctl device then
 * lists them as not changeable and refuses Set Feature of them. The 6.12
 * base drives none.
 */
static inline bool kernel_owns_ras_features(void)
{
	static int owns = -1;
	int major = 0, minor = 0;
	char buf[256];

	if (owns >= 0)
		return owns;
	if (read_file("/proc/sys/kernel/osrelease", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%d.%d", &major, &minor) != 2)
		major = 0;
	owns = major > 6 || (major == 6 && minor >= 15);
	return owns;
}

/*
 * Whether the kernel under test was built with
 * CONFIG_CXL_FWCTL_FABRIC_MANAGER: make check boots that kernel as the
 * suites named "fabric*" (FWCTL_SUITE, from fwh.suite=), so each test knows
 * which scopes to expect instead of asking the kernel it tests.
 */
static inline bool fabric_manager_kernel(void)
{
	const char *suite = getenv("FWCTL_SUITE");

	return suite && !strncmp(suite, "fabric", 6);
}

/*
 * The taint bit fwctl sets: 19 ('J', TAINT_FWCTL) from the base series; 6
 * ('U') when the package is the out-of-tree build for a stock kernel,
 * whose switch driver says so in the kernel log when it loads.
 */
static inline int fwctl_taint_bit(void)
{
	static int bit = -1;
	char *buf;
	int n;

	if (bit >= 0)
		return bit;
	bit = 19;
	n = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	buf = n > 0 ? malloc(n + 1) : NULL;
	if (buf) {
		n = klogctl(3, buf, n);	/* SYSLOG_ACTION_READ_ALL */
		if (n > 0) {
			buf[n] = 0;
			if (strstr(buf, "fwctl: out-of-tree build: taint U"))
				bit = 6;
		}
		free(buf);
	}
	return bit;
}

static inline bool kernel_tainted_fwctl(void)
{
	return (read_long("/proc/sys/kernel/tainted") >> fwctl_taint_bit()) & 1;
}

/* Run fn in a child whose effective capabilities lack CAP_SYS_RAWIO. */
static inline int without_rawio(int (*fn)(int fd), int fd)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];

		if (syscall(SYS_capget, &h, d))
			_exit(200);
		d[CAP_SYS_RAWIO / 32].effective &= ~(1u << (CAP_SYS_RAWIO % 32));
		if (syscall(SYS_capset, &h, d))
			_exit(201);
		_exit(-fn(fd));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}

/*
 * Become the audit daemon: the kernel then sends its records to this
 * socket instead of the rate-limited kernel log. Returns the socket.
 */
static inline int audit_open(void)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr nlh;
		struct audit_status s;
	} req = {
		.nlh = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = AUDIT_SET,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		},
		.s = { .mask = AUDIT_STATUS_PID, .pid = getpid() },
	};
	char ack[256];
	struct nlmsghdr *nlh = (struct nlmsghdr *)ack;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0 || recv(fd, ack, sizeof(ack), 0) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	/* The acknowledgment carries the kernel's answer. */
	if (nlh->nlmsg_type == NLMSG_ERROR &&
	    ((struct nlmsgerr *)NLMSG_DATA(nlh))->error) {
		err = ((struct nlmsgerr *)NLMSG_DATA(nlh))->error;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Records of type AUDIT_KERNEL_OTHER holding @op, @a and @b, waiting up to a
 * second for each (kauditd sends them after the command returns); closes
 * the socket, which ends its role as the audit daemon. kauditd sends one
 * record a datagram, and its nlmsg_len counts the text without the
 * header: the datagram's length is what bounds the text.
 */
static inline int audit_count(int fd, const char *op, const char *a,
			      const char *b, int want)
{
	char buf[8192];
	int seen = 0;

	while (seen < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		ssize_t n;

		if (poll(&p, 1, 1000) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			break;
		buf[n] = 0;
		if (n < NLMSG_HDRLEN || nlh->nlmsg_type != AUDIT_KERNEL_OTHER)
			continue;
		if (strstr(NLMSG_DATA(nlh), op) &&
		    strstr(NLMSG_DATA(nlh), a) &&
		    (!b || strstr(NLMSG_DATA(nlh), b)))
			seen++;
	}
	close(fd);
	return seen;
}

/*
 * Every AUDIT_KERNEL_OTHER record that arrives, one a line, into buf; closes
 * the socket. kauditd sends records after the RPC returns, and TCG guests
 * are slow: the first is waited for up to 3 s, the next ones until none
 * has come for half a second. Returns the number of records, or -ENOSPC
 * when one did not fit in buf.
 */
static inline int audit_collect(int fd, char *buf, size_t len)
{
	char rec[8192];
	size_t used = 0;
	int n = 0;

	buf[0] = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *nlh = (struct nlmsghdr *)rec;
		ssize_t got;
		int w;

		if (poll(&p, 1, n ? 500 : 3000) <= 0)
			break;
		got = recv(fd, rec, sizeof(rec) - 1, 0);
		if (got <= 0)
			break;
		rec[got] = 0;
		if (got < NLMSG_HDRLEN || nlh->nlmsg_type != AUDIT_KERNEL_OTHER)
			continue;
		n++;
		w = snprintf(buf + used, len - used, "%s\n",
			     (char *)NLMSG_DATA(nlh));
		if (w < 0 || used + w >= len) {
			buf[used] = 0;
			n = -ENOSPC;
			break;
		}
		used += w;
	}
	close(fd);
	return n;
}

/* How many lines of buf (from audit_collect()) hold a, and b and c if set. */
static inline int audit_lines(const char *buf, const char *a, const char *b,
			      const char *c)
{
	const char *line, *end;
	char rec[8192];
	int n = 0;

	for (line = buf; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		snprintf(rec, sizeof(rec), "%.*s", (int)(end - line), line);
		if (strstr(rec, a) && (!b || strstr(rec, b)) &&
		    (!c || strstr(rec, c)))
			n++;
	}
	return n;
}

#endif
