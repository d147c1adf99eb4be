// SPDX-License-Identifier: GPL-2.0
/*
 * The fwctl command-line tool (tools/fwctl) in the guest: its JSON matches
 * the emulated topology (the switch's serial, ports, devices behind them),
 * refusals name their reason and exit 3, bad arguments exit 1.
 */
#include <json.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "cxl_util.h"

#define SERIAL "0x0000000000bc614e"	/* sn=12345678 of the first switch */

/* Run "fwctl ARGS"; its stdout parsed as JSON in *out, stderr in err. */
static int run_cli(const char *args, struct json_object **out, char *err,
		   size_t errlen)
{
	char cmd[512], buf[65536];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "fwctl %s 2>/tmp/fwctl.err", args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = 0;
	st = pclose(p);
	if (out)
		*out = json_tokener_parse(buf);
	if (err && read_file("/tmp/fwctl.err", err, errlen) < 0)
		err[0] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_string(v) : "";
}

static int num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : -1;
}

/* The fwctl device of the first switch CCI, from "fwctl list". */
static int switch_dev(char *name, size_t len)
{
	struct json_object *list;
	size_t i;
	int found = -1;

	if (run_cli("list", &list, NULL, 0) || !list)
		return -1;
	for (i = 0; i < json_object_array_length(list); i++) {
		struct json_object *d = json_object_array_get_idx(list, i);

		if (!strcmp(str(d, "driver"), "cxl_switch_cci") &&
		    !strcmp(str(d, "parent"), "0000:0d:00.1")) {
			snprintf(name, len, "%s", str(d, "name"));
			found = 0;
		}
	}
	json_object_put(list);
	return found;
}

TEST(list)
{
	struct json_object *list, *d = NULL, *c;
	size_t i;

	ASSERT_EQ(0, run_cli("list", &list, NULL, 0));
	ASSERT_TRUE(!!list);
	for (i = 0; i < json_object_array_length(list); i++)
		if (!strcmp(str(json_object_array_get_idx(list, i), "driver"),
			    "cxl_switch_cci"))
			d = json_object_array_get_idx(list, i);
	ASSERT_TRUE(!!d);
	ASSERT_STREQ("cxl", str(d, "type"));
	ASSERT_STREQ("0000:0d:00.1", str(d, "parent"));
	ASSERT_TRUE(json_object_object_get_ex(d, "commands", &c));
	/*
	 * QEMU's switch CEL lists 9 commands: Get and Set Timestamp are
	 * refused by the quirk, the other 7 run at CONFIGURATION. Nothing
	 * on a switch is the kernel's by type: port commands are refused
	 * per port, so none is listed beyond the CEL.
	 */
	ASSERT_EQ(7, num(c, "configuration"));
	ASSERT_EQ(2, num(c, "refused"));
	json_object_put(list);
}

TEST(identify_switch_and_tunnel)
{
	struct json_object *o, *ports, *p;
	char dev[32], args[64];
	size_t i;

	ASSERT_EQ(0, switch_dev(dev, sizeof(dev)));
	snprintf(args, sizeof(args), "identify %s", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_STREQ("0x19e5", str(o, "vendor_id"));
	ASSERT_STREQ(SERIAL, str(o, "serial"));
	ASSERT_STREQ("switch", str(o, "component_type"));
	json_object_put(o);

	snprintf(args, sizeof(args), "switch %s", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_EQ(3, num(o, "num_physical_ports"));
	ASSERT_TRUE(json_object_object_get_ex(o, "ports", &ports));
	ASSERT_EQ(3, json_object_array_length(ports));
	for (i = 0; i < 3; i++) {
		p = json_object_array_get_idx(ports, i);
		if (num(p, "port") == 33) {
			ASSERT_STREQ("upstream", str(p, "state"));
		} else {
			ASSERT_STREQ("downstream", str(p, "state"));
			ASSERT_STREQ("type3-mld", str(p, "connected_device"));
		}
	}
	json_object_put(o);

	for (i = 0; i < 2; i++) {
		snprintf(args, sizeof(args), "tunnel %s %zu identify", dev, i);
		ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
		ASSERT_STREQ("0x8086", str(o, "vendor_id"));
		ASSERT_STREQ("0x0d93", str(o, "device_id"));
		ASSERT_STREQ(i ? "0x0000000000000002" : "0x0000000000000001",
			     str(o, "serial"));
		ASSERT_STREQ("type3", str(o, "component_type"));
		json_object_put(o);
	}
}

TEST(cel_and_info)
{
	struct json_object *o, *ents, *e;
	char dev[32], args[64];
	size_t i;
	int seen = 0;

	ASSERT_EQ(0, switch_dev(dev, sizeof(dev)));
	snprintf(args, sizeof(args), "cel %s", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_TRUE(json_object_object_get_ex(o, "entries", &ents));
	ASSERT_EQ(9, json_object_array_length(ents));
	for (i = 0; i < 9; i++) {
		e = json_object_array_get_idx(ents, i);
		if (!strcmp(str(e, "opcode"), "0x0301")) {
			ASSERT_STREQ("0x0008", str(e, "effects"));
			ASSERT_STREQ("refused", str(e, "scope"));
			seen++;
		}
		if (!strcmp(str(e, "opcode"), "0x5100")) {
			ASSERT_STREQ("configuration", str(e, "scope"));
			seen++;
		}
	}
	ASSERT_EQ(2, seen);
	json_object_put(o);

	snprintf(args, sizeof(args), "info %s", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_STREQ("switch-cci", str(o, "component"));
	ASSERT_EQ(2048, num(o, "payload_size"));
	ASSERT_STREQ(SERIAL, str(o, "serial"));
	json_object_put(o);
}

TEST(refusals_and_usage)
{
	char dev[32], args[128], err[512];

	ASSERT_EQ(0, switch_dev(dev, sizeof(dev)));
	snprintf(args, sizeof(args), "rpc %s --opcode 0x4000", dev);
	ASSERT_EQ(3, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "not in the device's Command Effects Log"));
	snprintf(args, sizeof(args), "rpc %s --opcode 0x5102 --hex 0000", dev);
	ASSERT_EQ(3, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "the kernel owns this command"));
	snprintf(args, sizeof(args), "rpc %s --opcode 0x0001 --scope debug-write", dev);
	ASSERT_EQ(0, run_cli(args, NULL, NULL, 0));
	/* A log the switch does not have: the return code, named. */
	snprintf(args, sizeof(args),
		 "rpc %s --opcode 0x0401 --hex %s%s", dev,
		 "00000000000000000000000000000000", "0000000000010000");
	ASSERT_EQ(4, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "device return code 0x17 (invalid log)"))
		TH_LOG("%s", err);

	ASSERT_EQ(1, run_cli("", NULL, NULL, 0));
	ASSERT_EQ(1, run_cli("frobnicate fwctl0", NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "unknown command"));
	snprintf(args, sizeof(args), "rpc %s --scope everything --opcode 1", dev);
	ASSERT_EQ(1, run_cli(args, NULL, NULL, 0));
	snprintf(args, sizeof(args), "tunnel %s 300 identify", dev);
	ASSERT_EQ(1, run_cli(args, NULL, NULL, 0));
	ASSERT_EQ(2, run_cli("identify fwctl999", NULL, NULL, 0));
	ASSERT_EQ(0, run_cli("--help", NULL, NULL, 0));
	ASSERT_EQ(0, run_cli("rpc --help", NULL, NULL, 0));
}

/*
 * The first command, on any CXL fwctl device, that the kernel says needs
 * a write scope and does not keep for itself: its device and opcode.
 * QEMU's switch has none (all its commands run at CONFIGURATION); its
 * memory devices do.
 */
static int write_scope_command(char *dev, size_t dlen, char *op, size_t olen)
{
	struct json_object *list, *o, *arr, *e;
	char args[64];
	size_t i, j;
	int found = -1;

	if (run_cli("list", &list, NULL, 0) || !list)
		return -1;
	for (i = 0; found && i < json_object_array_length(list); i++) {
		const char *name = str(json_object_array_get_idx(list, i), "name");

		if (strcmp(str(json_object_array_get_idx(list, i), "type"), "cxl"))
			continue;
		snprintf(args, sizeof(args), "cel %s", name);
		if (run_cli(args, &o, NULL, 0) || !o)
			continue;
		if (json_object_object_get_ex(o, "entries", &arr)) {
			for (j = 0; found && j < json_object_array_length(arr); j++) {
				e = json_object_array_get_idx(arr, j);
				if (strncmp(str(e, "scope"), "debug-write", 11) ||
				    json_object_object_get_ex(e, "kernel_owned", NULL))
					continue;
				snprintf(dev, dlen, "%s", name);
				snprintf(op, olen, "%s", str(e, "opcode"));
				found = 0;
			}
		}
		json_object_put(o);
	}
	json_object_put(list);
	return found;
}

/*
 * rpc without --scope: the read-only scope the kernel says the command
 * needs, printed; a command that needs a write scope is not sent until
 * the scope is given, so that no default taints the kernel.
 */
TEST(rpc_default_scope)
{
	char dev[32], args[128], err[512], op[16];
	struct json_object *o;

	ASSERT_EQ(0, switch_dev(dev, sizeof(dev)));
	snprintf(args, sizeof(args), "rpc %s --opcode 0x0001", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_STREQ("configuration", str(o, "scope"));
	json_object_put(o);
	snprintf(args, sizeof(args), "rpc %s --opcode 0x0001 --scope debug-read-only",
		 dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_STREQ("debug-read-only", str(o, "scope"));
	json_object_put(o);

	ASSERT_EQ(0, write_scope_command(dev, sizeof(dev), op, sizeof(op)))
		TH_LOG("no CXL device lists a write-scope command");
	snprintf(args, sizeof(args), "rpc %s --opcode %s", dev, op);
	ASSERT_EQ(3, run_cli(args, &o, err, sizeof(err)));
	ASSERT_EQ(NULL, o);
	ASSERT_TRUE(contains(err, "pass --scope debug-write")) TH_LOG("%s", err);
}

/* The exit status of a shell line, for redirections run_cli() cannot do. */
static int run_sh(const char *line)
{
	int st = system(line);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Arguments are checked strictly, before any device is opened: each of
 * these was accepted or misread before (an opcode of "foo" sent as 0,
 * "--hex 0x0102" sent as 00 01 02, "--hex 123" as 12, --hex and --in
 * together silently the last, a 3000-byte --in cut to 2048, "-v list"
 * opening /dev/fwctl/list, "-h" an unknown command, options only first).
 */
TEST(strict_arguments)
{
	char dev[32], args[160], err[1024];
	struct json_object *o;
	FILE *f;

	ASSERT_EQ(0, switch_dev(dev, sizeof(dev)));

	snprintf(args, sizeof(args), "rpc %s --opcode foo", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "invalid opcode 'foo'"));
	snprintf(args, sizeof(args), "rpc %s --opcode 0x10000", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	snprintf(args, sizeof(args), "rpc %s --opcode 1x", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));

	snprintf(args, sizeof(args), "rpc %s --opcode 1 --hex 0x0102", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "not a number"));
	snprintf(args, sizeof(args), "rpc %s --opcode 1 --hex 123", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "two hex digits"));
	snprintf(args, sizeof(args), "rpc %s --opcode 1 --hex 0g", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "not a hex digit"));

	f = fopen("/tmp/fwctl-big.bin", "wb");
	ASSERT_TRUE(!!f);
	ASSERT_EQ(0, fseek(f, 3000 - 1, SEEK_SET));
	ASSERT_EQ(1, fwrite("", 1, 1, f));
	ASSERT_EQ(0, fclose(f));
	snprintf(args, sizeof(args),
		 "rpc %s --opcode 1 --hex 01 --in /tmp/fwctl-big.bin", dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "give the request once"));
	/* QEMU's switch mailbox takes 2048 bytes: 3000 are refused whole. */
	snprintf(args, sizeof(args), "rpc %s --opcode 1 --in /tmp/fwctl-big.bin",
		 dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "takes at most"));

	/* Options anywhere; the verb checked before anything is opened. */
	ASSERT_EQ(1, run_cli("-v list", NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "unknown option '-v'"));
	ASSERT_FALSE(contains(err, "/dev/fwctl"));
	ASSERT_EQ(1, run_cli("frobnicate fwctl999", NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "unknown command"));
	snprintf(args, sizeof(args), "identify %s -H", dev);
	ASSERT_EQ(0, run_cli(args, NULL, err, sizeof(err)));
	snprintf(args, sizeof(args), "--opcode 1 rpc --scope debug-read-only %s",
		 dev);
	ASSERT_EQ(1, run_cli(args, NULL, err, sizeof(err)));
	snprintf(args, sizeof(args), "rpc --opcode 1 --scope debug-read-only %s",
		 dev);
	ASSERT_EQ(0, run_cli(args, &o, err, sizeof(err)));
	ASSERT_TRUE(!!o);
	ASSERT_STREQ("0x0001", str(o, "opcode"));
	json_object_put(o);

	/* Help on stdout, exit 0; a version. */
	ASSERT_EQ(0, run_sh("fwctl -h | grep -q '^usage: fwctl'"));
	ASSERT_EQ(0, run_sh("fwctl rpc -h 2>/dev/null | grep -q -- '--opcode'"));
	ASSERT_EQ(0, run_sh("fwctl --version | grep -q '^fwctl [0-9]'"));
	/* Output that cannot be written is a failure. */
	ASSERT_EQ(2, run_sh("fwctl list >/dev/full 2>/dev/null"));

	/* --out: the reply's payload, whole, in a file. */
	unlink("/tmp/fwctl-out.bin");
	snprintf(args, sizeof(args), "rpc %s --opcode 1 --out /tmp/fwctl-out.bin",
		 dev);
	ASSERT_EQ(0, run_cli(args, &o, err, sizeof(err)));
	ASSERT_TRUE(!!o);
	ASSERT_EQ(0x12, num(o, "size"));
	ASSERT_STREQ("/tmp/fwctl-out.bin", str(o, "out"));
	json_object_put(o);
	f = fopen("/tmp/fwctl-out.bin", "rb");
	ASSERT_TRUE(!!f);
	ASSERT_EQ(0, fseek(f, 0, SEEK_END));
	ASSERT_EQ(0x12, ftell(f));
	fclose(f);
}

/* The fwctl device of the memdev with this serial, from "fwctl list". */
static int memdev_dev(const char *serial, char *name, size_t len)
{
	struct json_object *list, *info;
	char args[64];
	size_t i;
	int found = -1;

	if (run_cli("list", &list, NULL, 0) || !list)
		return -1;
	for (i = 0; i < json_object_array_length(list) && found; i++) {
		struct json_object *d = json_object_array_get_idx(list, i);

		if (strncmp(str(d, "parent"), "mem", 3))
			continue;
		snprintf(args, sizeof(args), "info %s", str(d, "name"));
		if (run_cli(args, &info, NULL, 0) || !info)
			continue;
		if (!strcmp(str(info, "component"), "memdev") &&
		    !strcmp(str(info, "serial"), serial)) {
			snprintf(name, len, "%s", str(d, "name"));
			found = 0;
		}
		json_object_put(info);
	}
	json_object_put(list);
	return found;
}

/* identify and features on the type-3 device with the label area. */
TEST(memdev_identify_and_features)
{
	struct json_object *o, *arr, *f;
	char dev[32], args[256], err[512];

	ASSERT_EQ(0, memdev_dev("0x0000000000000001", dev, sizeof(dev)));
	snprintf(args, sizeof(args), "identify %s", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_TRUE(!!o);
	ASSERT_STREQ("BWFW VERSION 00", str(o, "firmware_revision"));
	ASSERT_EQ(256 << 20, num(o, "total_capacity"));
	ASSERT_EQ(256 << 20, num(o, "persistent_only_capacity"));
	ASSERT_EQ(256 << 20, num(o, "label_storage_size"));
	json_object_put(o);

	snprintf(args, sizeof(args), "features %s", dev);
	ASSERT_EQ(0, run_cli(args, &o, NULL, 0));
	ASSERT_TRUE(json_object_object_get_ex(o, "features", &arr));
	ASSERT_EQ(2, json_object_array_length(arr));
	f = json_object_array_get_idx(arr, 0);
	ASSERT_STREQ("96dad7d6-fde8-482b-a733-75774e06db8a", str(f, "uuid"));
	/* EDAC's on 7.x: not changeable there. */
	ASSERT_EQ(!kernel_owns_ras_features(),
		  json_object_get_boolean(json_object_object_get(f, "changeable")));
	json_object_put(o);

	/* Kernel-owned Set LSA, and Set Feature at a scope too low. */
	snprintf(args, sizeof(args),
		 "rpc %s --opcode 0x4103 --scope debug-write --hex %s", dev,
		 "0000000000000000ff");
	ASSERT_EQ(3, run_cli(args, NULL, err, sizeof(err)));
	ASSERT_TRUE(contains(err, "the kernel owns this command"));
	snprintf(args, sizeof(args),
		 "rpc %s --opcode 0x0502 --scope debug-write --hex %s%s%s", dev,
		 "96dad7d6fde8482ba73375774e06db8a",	/* patrol scrub */
		 "00000000000001000000000000000000",	/* version 1 */
		 "0c01");				/* 12 h, on */
	ASSERT_EQ(3, run_cli(args, NULL, err, sizeof(err)));
	if (kernel_owns_ras_features()) {
		ASSERT_TRUE(contains(err, "the kernel owns this command"))
			TH_LOG("%s", err);
	} else {
		ASSERT_TRUE(contains(err, "scope")) TH_LOG("%s", err);
	}
}

/* The sample vendor tool of samples/fwctl, built with the kernel. */
TEST(sample_vendor_tool)
{
	char dev[32], cmd[96], out[512] = "";
	size_t n;
	FILE *p;

	ASSERT_EQ(0, switch_dev(dev, sizeof(dev)));
	snprintf(cmd, sizeof(cmd), "fwctl-sample /dev/fwctl/%s", dev);
	p = popen(cmd, "r");
	ASSERT_TRUE(!!p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	ASSERT_EQ(0, WEXITSTATUS(pclose(p)));
	ASSERT_TRUE(contains(out, "device type 2,"));
	ASSERT_TRUE(contains(out, "vendor 0x19e5 device 0xa128 serial " SERIAL));
	ASSERT_NE(0, WEXITSTATUS(system("fwctl-sample 2>/dev/null")));
}

TEST_HARNESS_MAIN
