// SPDX-License-Identifier: GPL-2.0
/*
 * cxl_bench: the guest side of the mailbox benchmark. Runs on the base
 * kernel and on ours, prints "BENCH ..." lines for bench.py to compare.
 *
 *   cxl_bench send N    N Identify Memory Device through CXL_MEM_SEND_COMMAND
 *   cxl_bench both N R  R rounds, alternating N through CXL_MEM_SEND_COMMAND
 *                       and N through FWCTL_RPC (one boot, same device)
 *   cxl_bench sanitize  sanitize the volatile device through sysfs, wait
 *                       with poll(2); wake-up latency after the interrupt
 *
 * Latency is wall time per call (median and mean), CPU time is this
 * process's user + system time per call. For background commands the
 * completion instant is the mailbox interrupt, taken from the
 * irq:irq_handler_entry trace event on CLOCK_MONOTONIC; CPU burned while
 * waiting is the whole guest's non-idle time from /proc/stat.
 */
#include <poll.h>
#include <sys/resource.h>
#include <time.h>

#include <linux/cxl_mem.h>

/* The selftests' helpers: sysfs files, memdev lookup, fwctl RPCs. */
#include "cxl_util.h"

#define TRACING "/sys/kernel/tracing"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL;
}

/* The memdev with this serial: its name, PCI function and fwctl node. */
static int find_memdev(unsigned long long serial, char *mem, char *bdf,
		       char *fwctl)
{
	char dir[64], name[32];

	if (memdev_by_serial(serial, mem, 16) || memdev_bdf(mem, bdf, 16))
		return -1;
	snprintf(dir, sizeof(dir), CXL_DEVS "/%s", mem);
	fwctl[0] = 0;
	if (!cxl_fwctl_of(dir, name, sizeof(name)))
		snprintf(fwctl, 32, "/dev/fwctl/%.20s", name);
	return 0;
}

static int identify_send(int fd, uint8_t *out)
{
	struct cxl_send_command cmd = {
		.id = CXL_MEM_COMMAND_ID_IDENTIFY,
		.out = { .size = 256, .payload = (uintptr_t)out },
	};

	if (ioctl(fd, CXL_MEM_SEND_COMMAND, &cmd) || cmd.retval)
		return -1;
	return 0;
}

/*
 * FWCTL_RPC without the selftests' cxl_rpc(), which zeroes its 2 KiB
 * request and reply buffers on every call: under TCG that alone costs as
 * much as the ioctl, and CXL_MEM_SEND_COMMAND is timed without it.
 */
struct small_req {
	struct fwctl_rpc_cxl_hdr hdr;
	uint8_t payload[32];
};

static int rpc(int fd, uint32_t scope, uint16_t opcode, const void *in,
	       size_t len, struct cxl_rsp *out)
{
	struct small_req req;
	struct fwctl_rpc r = {
		.size = sizeof(r),
		.scope = scope,
		.in_len = sizeof(req.hdr) + len,
		.out_len = sizeof(*out),
		.in = (uintptr_t)&req,
		.out = (uintptr_t)out,
	};

	if (len > sizeof(req.payload))
		return -EINVAL;
	req.hdr = (struct fwctl_rpc_cxl_hdr){ .opcode = opcode, .op_size = len };
	memcpy(req.payload, in, len);
	if (ioctl(fd, FWCTL_RPC, &r))
		return -errno;
	return out->hdr.retval ? -EIO : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct series {
	uint64_t *lat;
	unsigned int n;
	uint64_t cpu;
};

static void report(const char *what, struct series *s)
{
	uint64_t sum = 0;
	unsigned int i;

	qsort(s->lat, s->n, sizeof(*s->lat), cmp_u64);
	for (i = 0; i < s->n; i++)
		sum += s->lat[i];
	printf("BENCH %s n=%u median_ns=%llu mean_ns=%llu cpu_ns=%llu\n", what,
	       s->n, (unsigned long long)s->lat[s->n / 2],
	       (unsigned long long)(sum / s->n),
	       (unsigned long long)(s->cpu / s->n));
}

/* n identify commands through one path, appended to s. */
static int run_block(int fd, bool fwctl, unsigned int n, struct series *s)
{
	static struct cxl_rsp out;
	uint64_t c0 = cpu_ns(), t;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		t = now_ns();
		ret = fwctl ? rpc(fd, 0, 0x4000, NULL, 0, &out) :
			      identify_send(fd, out.payload);
		s->lat[s->n++] = now_ns() - t;
		if (ret) {
			fprintf(stderr, "cxl_bench: identify failed\n");
			return -1;
		}
	}
	s->cpu += cpu_ns() - c0;
	return 0;
}

static struct series new_series(unsigned int n)
{
	struct series s = { .lat = calloc(n ? n : 1, sizeof(uint64_t)) };

	if (!s.lat)
		exit(1);
	return s;
}

/* Busy (non-idle, non-iowait) jiffies of the whole guest. */
static unsigned long long busy_ticks(void)
{
	unsigned long long v[10] = {};
	char buf[512];

	if (read_file("/proc/stat", buf, sizeof(buf)) < 0)
		return 0;
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 8)
		return 0;
	return v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
}

/* The Linux IRQ of MSI-X entry msgnum of bdf, from /proc/interrupts. */
static int mbox_irq(const char *bdf, int msgnum)
{
	static char buf[65536];
	char want[64], *line, *save;

	snprintf(want, sizeof(want), "PCI-MSIX-%s", bdf);
	if (read_file("/proc/interrupts", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, want);
		int irq;

		if (!p || sscanf(line, " %d:", &irq) != 1)
			continue;
		p += strlen(want);
		if (atoi(p) == msgnum)
			return irq;
	}
	return -1;
}

/* Arm irq:irq_handler_entry for one IRQ on the monotonic clock. */
static int trace_irq(int irq)
{
	char filter[32];

	snprintf(filter, sizeof(filter), "irq == %d", irq);
	if (write_file(TRACING "/trace_clock", "mono") ||
	    write_file(TRACING "/events/irq/irq_handler_entry/filter", filter) ||
	    write_file(TRACING "/trace", "") ||
	    write_file(TRACING "/events/irq/irq_handler_entry/enable", "1"))
		return -1;
	return 0;
}

/* Time of the last traced interrupt, in ns, or 0. */
static uint64_t last_irq_ns(void)
{
	static char buf[65536];
	double t, last = 0;
	char *p = buf;

	write_file(TRACING "/events/irq/irq_handler_entry/enable", "0");
	if (read_file(TRACING "/trace", buf, sizeof(buf)) < 0)
		return 0;
	while ((p = strstr(p, "irq_handler_entry"))) {
		char *q = p;

		/* "... [000] d.h1.  12.345678: irq_handler_entry: ..." */
		while (q > buf && q[-1] != ' ')
			q--;
		while (q > buf && q[-1] == ' ')
			q--;
		while (q > buf && q[-1] != ' ')
			q--;
		if (sscanf(q, "%lf:", &t) == 1)
			last = t;
		p += 17;
	}
	return (uint64_t)(last * 1e9);
}

static void report_bg(const char *what, uint64_t start, uint64_t woke,
		      uint64_t irq, uint64_t cpu, unsigned long long ticks)
{
	long hz = sysconf(_SC_CLK_TCK);
	double wait_s = (woke - start) / 1e9;

	printf("BENCH %s total_ns=%llu wake_after_irq_ns=%lld cpu_ns=%llu guest_busy_pct=%.2f\n",
	       what, (unsigned long long)(woke - start),
	       irq ? (long long)(woke - irq) : -1LL, (unsigned long long)cpu,
	       100.0 * ticks / hz / wait_s);
}

static int bench_sanitize(const char *mem, const char *bdf)
{
	char path[128], state[32];
	unsigned long long t0;
	uint64_t start, woke, c0;
	struct pollfd pfd;
	int fd, irq;

	irq = mbox_irq(bdf, 7);
	if (irq < 0 || trace_irq(irq))
		fprintf(stderr, "cxl_bench: no mailbox irq trace\n");
	snprintf(path, sizeof(path), CXL_DEVS "/%s/security/state", mem);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, state, sizeof(state)) <= 0)
		return -1;
	snprintf(path, sizeof(path), CXL_DEVS "/%s/security/sanitize", mem);
	t0 = busy_ticks();
	c0 = cpu_ns();
	start = now_ns();
	if (write_file(path, "1"))
		return -1;
	pfd = (struct pollfd){ .fd = fd, .events = POLLPRI | POLLERR };
	for (;;) {
		lseek(fd, 0, SEEK_SET);
		memset(state, 0, sizeof(state));
		if (read(fd, state, sizeof(state) - 1) <= 0)
			return -1;
		if (strncmp(state, "sanitize", 8))
			break;
		if (poll(&pfd, 1, 60000) <= 0)
			return -1;
	}
	woke = now_ns();
	report_bg("sanitize", start, woke, irq < 0 ? 0 : last_irq_ns(),
		  cpu_ns() - c0, busy_ticks() - t0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char mem[16], bdf[16], fwctl[32], path[64];
	unsigned int n = argc > 2 ? atoi(argv[2]) : 0, r, rounds;
	struct series a, b;
	int fd, fd2;

	if (argc < 2) {
		fprintf(stderr, "usage: cxl_bench send N | both N ROUNDS | sanitize\n");
		return 2;
	}
	if (!strcmp(argv[1], "sanitize")) {
		if (find_memdev(2, mem, bdf, fwctl))
			return 1;
		return bench_sanitize(mem, bdf) ? 1 : 0;
	}
	if (find_memdev(1, mem, bdf, fwctl))
		return 1;

	snprintf(path, sizeof(path), "/dev/cxl/%s", mem);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return 1;
	if (!strcmp(argv[1], "send")) {
		a = new_series(n);
		if (run_block(fd, false, n, &a))
			return 1;
		if (n)
			report("send", &a);
		return 0;
	}
	rounds = argc > 3 ? atoi(argv[3]) : 1;
	fd2 = open(fwctl, O_RDWR);
	if (fd2 < 0 || !n || !rounds)
		return 1;
	a = new_series(n * rounds);
	b = new_series(n * rounds);
	for (r = 0; r < rounds; r++) {
		if (run_block(fd, false, n, &a) || run_block(fd2, true, n, &b))
			return 1;
	}
	report("send", &a);
	report("rpc", &b);
	return 0;
}
