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
#include <linux/capability.h>
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
 * ('U') when the core is the out-of-tree build for a stock kernel, which
 * says so in the kernel log when it loads.
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

#endif
