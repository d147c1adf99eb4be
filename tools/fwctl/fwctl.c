// SPDX-License-Identifier: GPL-2.0
/*
 * fwctl: list fwctl devices and talk to CXL devices through them.
 *
 * JSON on stdout by default (json-c), a human listing with -H. Exit codes:
 * 0 success, 1 usage, 2 system or device failure, 3 refused by the kernel,
 * 4 the device answered with a non-zero return code.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fwctl/cxl.h>
#include <fwctl/fwctl.h>

enum { EXIT_USAGE = 1, EXIT_SYSTEM = 2, EXIT_REFUSED = 3, EXIT_DEVICE = 4 };

#define PAYLOAD_MAX 2048
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define JSON_OUT (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)

static bool human;

static const char *const scope_names[] = {
	"configuration", "debug-read-only", "debug-write", "debug-write-full",
};

static const char *scope_name(uint32_t s)
{
	return s < 4 ? scope_names[s] : "invalid";
}

static int parse_scope(const char *s)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, scope_names[i]))
			return i;
	return -1;
}

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *jint(int v)
{
	return json_object_new_int(v);
}

static void emit(struct json_object *o)
{
	const char *text;

	if (!human) {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_OUT));
		json_object_put(o);
		return;
	}
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_array) ||
		    json_object_is_type(val, json_type_object))
			text = json_object_to_json_string_ext(val,
							      JSON_C_TO_STRING_SPACED);
		else
			text = json_object_get_string(val);
		printf("%-22s %s\n", key, text);
	}
	json_object_put(o);
}

static struct json_object *hex(uint64_t v, int width)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%0*llx", width, (unsigned long long)v);
	return jstr(buf);
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case FWCTL_DEVICE_TYPE_CXL:
		return "cxl";
	case FWCTL_DEVICE_TYPE_MLX5:
		return "mlx5";
	case FWCTL_DEVICE_TYPE_PDS:
		return "pds";
	default:
		return "other";
	}
}

/* A member of a JSON object as a string or an int; "-" or -1 if absent. */
static const char *jget_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ?
	       json_object_get_string(v) : "-";
}

static int jget_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int(v) : -1;
}

static int open_dev(const char *name)
{
	char path[128];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/dev/fwctl/%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		fprintf(stderr, "fwctl: %s: %s\n", path, strerror(errno));
	return fd;
}

static int get_info(int fd, uint32_t flags, void *data, uint32_t *len,
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

/* The command table of the device, or NULL when it cannot tell. */
static struct fwctl_command_info *get_commands(int fd, unsigned int *n)
{
	struct fwctl_command_info *cmds;
	uint32_t len = 0;

	if (get_info(fd, FWCTL_INFO_FLAG_COMMANDS, NULL, &len, NULL))
		return NULL;
	cmds = calloc(1, len + 1);
	if (!cmds || get_info(fd, FWCTL_INFO_FLAG_COMMANDS, cmds, &len, NULL)) {
		free(cmds);
		return NULL;
	}
	*n = len / sizeof(*cmds);
	return cmds;
}

static bool locked_down(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	return buf[0] && !strstr(buf, "[none]");
}

/* Why the kernel refused opcode at scope, from the errno and the table. */
static int explain(int fd, int err, uint16_t opcode, uint32_t scope)
{
	struct fwctl_command_info *cmds;
	unsigned int n = 0, i;
	const char *why = NULL;
	char buf[160];

	cmds = get_commands(fd, &n);
	for (i = 0; cmds && i < n; i++)
		if (cmds[i].id == opcode)
			break;
	switch (err) {
	case EPERM:
		if (scope == FWCTL_RPC_DEBUG_WRITE_FULL && locked_down()) {
			why = "the kernel is locked down";
		} else if (cmds && i < n && cmds[i].scope > scope) {
			snprintf(buf, sizeof(buf), "scope too low, it needs %s",
				 scope_name(cmds[i].scope));
			why = buf;
		} else {
			why = "scope too low, or debug-write-full without CAP_SYS_RAWIO";
		}
		break;
	case EOPNOTSUPP:
		if (cmds && i == n)
			why = "not in the device's Command Effects Log";
		else
			why = "never allowed through fwctl by its effects or a device quirk";
		break;
	case EBUSY:
		why = "the kernel owns this command on this device";
		break;
	case EINVAL:
		why = "malformed request";
		break;
	case ENODEV:
		why = "the device was removed";
		break;
	}
	free(cmds);
	if (!why) {
		fprintf(stderr, "fwctl: command %#06x: %s\n", opcode, strerror(err));
		return EXIT_SYSTEM;
	}
	fprintf(stderr, "fwctl: command %#06x refused: %s (%s)\n", opcode, why,
		strerror(err));
	return err == ENODEV ? EXIT_SYSTEM : EXIT_REFUSED;
}

struct reply {
	struct fwctl_rpc_cxl_out_hdr hdr;
	uint8_t payload[PAYLOAD_MAX];
};

/* One CXL mailbox command; returns 0 or an exit code (message printed). */
static int cxl_cmd(int fd, uint32_t scope, uint16_t opcode, const void *in,
		   size_t len, struct reply *r)
{
	struct {
		struct fwctl_rpc_cxl_hdr hdr;
		uint8_t payload[PAYLOAD_MAX];
	} req = { .hdr = { .opcode = opcode, .op_size = len } };
	struct fwctl_rpc rpc = {
		.size = sizeof(rpc),
		.scope = scope,
		.in_len = sizeof(req.hdr) + len,
		.out_len = sizeof(*r),
		.in = (uintptr_t)&req,
		.out = (uintptr_t)r,
	};

	if (len > PAYLOAD_MAX)
		return EXIT_USAGE;
	memcpy(req.payload, in, len);
	if (ioctl(fd, FWCTL_RPC, &rpc))
		return explain(fd, errno, opcode, scope);
	if (r->hdr.retval) {
		fprintf(stderr, "fwctl: command %#06x: device return code %#x\n",
			opcode, r->hdr.retval);
		return EXIT_DEVICE;
	}
	return 0;
}

/* --- decoders ------------------------------------------------------- */

static struct json_object *decode_identify(const uint8_t *p)
{
	static const char *const types[] = { "switch", "type1", "type2",
					     "type3" };
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "vendor_id", hex(le16(p), 4));
	json_object_object_add(o, "device_id", hex(le16(p + 2), 4));
	json_object_object_add(o, "subsystem_vendor_id", hex(le16(p + 4), 4));
	json_object_object_add(o, "subsystem_id", hex(le16(p + 6), 4));
	json_object_object_add(o, "serial", hex(le64(p + 8), 16));
	json_object_object_add(o, "max_message_size",
			       jint(1 << p[0x10]));
	json_object_object_add(o, "component_type",
			       jstr(p[0x11] < 4 ?
						      types[p[0x11]] : "unknown"));
	return o;
}

static const char *const effect_names[] = {
	"config-change-cold-reset", "config-change-immediate",
	"data-change-immediate", "policy-change-immediate",
	"log-change-immediate", "security-state-change", "background",
	"secondary-mailbox", "abort-supported", "reset-bits-valid",
	"config-change-conventional-reset", "config-change-cxl-reset",
};

static struct json_object *decode_effects(uint16_t e)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < 16; i++)
		if (e & (1u << i))
			json_object_array_add(a, jstr(i < 12 ? effect_names[i] :
						      "reserved"));
	return a;
}

/* --- subcommands ------------------------------------------------------ */

static int print_usage(const char *cmd);

static int cmd_list(int argc)
{
	struct json_object *arr = json_object_new_array();
	struct dirent *de;
	DIR *dir = opendir("/sys/class/fwctl");

	if (argc > 1)
		return print_usage("list");
	while (dir && (de = readdir(dir))) {
		struct json_object *o, *sc;
		struct fwctl_command_info *cmds;
		char path[300], link[300];
		unsigned int n = 0, i, count[4] = {}, refused = 0;
		uint32_t type = 0, len = 0;
		ssize_t l;
		int fd;

		if (strncmp(de->d_name, "fwctl", 5))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name", jstr(de->d_name));
		snprintf(path, sizeof(path), "/sys/class/fwctl/%s/device", de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		link[l > 0 ? l : 0] = 0;
		json_object_object_add(o, "parent", l > 0 ?
				       jstr(basename(link)) : NULL);
		snprintf(path, sizeof(path), "/sys/class/fwctl/%s/device/driver",
			 de->d_name);
		l = readlink(path, link, sizeof(link) - 1);
		link[l > 0 ? l : 0] = 0;
		json_object_object_add(o, "driver", l > 0 ?
				       jstr(basename(link)) : NULL);
		fd = open_dev(de->d_name);
		if (fd >= 0 && !get_info(fd, 0, NULL, &len, &type)) {
			json_object_object_add(o, "type", jstr(type_name(type)));
			cmds = get_commands(fd, &n);
			if (cmds) {
				sc = json_object_new_object();
				for (i = 0; i < n; i++) {
					if (cmds[i].flags & FWCTL_COMMAND_REFUSED)
						refused++;
					else if (cmds[i].scope < 4)
						count[cmds[i].scope]++;
				}
				for (i = 0; i < 4; i++)
					json_object_object_add(sc, scope_names[i],
							       jint(count[i]));
				json_object_object_add(sc, "refused",
						       jint(refused));
				json_object_object_add(o, "commands", sc);
				free(cmds);
			}
		}
		if (fd >= 0)
			close(fd);
		json_object_array_add(arr, o);
	}
	if (dir)
		closedir(dir);
	if (human) {
		size_t i;

		printf("%-8s %-5s %-14s %-16s %s\n", "DEVICE", "TYPE", "PARENT",
		       "DRIVER", "COMMANDS cfg/ro/w/wfull/refused");
		for (i = 0; i < json_object_array_length(arr); i++) {
			struct json_object *o = json_object_array_get_idx(arr, i);
			struct json_object *c;
			char cnt[64] = "-";

			if (json_object_object_get_ex(o, "commands", &c))
				snprintf(cnt, sizeof(cnt), "%d/%d/%d/%d/%d",
					 jget_int(c, scope_names[0]),
					 jget_int(c, scope_names[1]),
					 jget_int(c, scope_names[2]),
					 jget_int(c, scope_names[3]),
					 jget_int(c, "refused"));
			printf("%-8s %-5s %-14s %-16s %s\n", jget_str(o, "name"),
			       jget_str(o, "type"), jget_str(o, "parent"),
			       jget_str(o, "driver"), cnt);
		}
		json_object_put(arr);
		return 0;
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return 0;
}

static int cmd_info(int fd)
{
	struct json_object *o = json_object_new_object();
	uint8_t data[256] = {};
	uint32_t len = sizeof(data), type = 0;

	if (get_info(fd, 0, data, &len, &type)) {
		fprintf(stderr, "fwctl: FWCTL_INFO: %s\n", strerror(errno));
		json_object_put(o);
		return EXIT_SYSTEM;
	}
	json_object_object_add(o, "device_type", jint(type));
	json_object_object_add(o, "device_data_len", jint(len));
	if (type == FWCTL_DEVICE_TYPE_CXL && len >= sizeof(struct fwctl_info_cxl)) {
		struct fwctl_info_cxl *c = (void *)data;

		const char *comp = c->component == FWCTL_CXL_SWITCH_CCI ?
				   "switch-cci" : c->component == FWCTL_CXL_MEMDEV ?
				   "memdev" : "unknown";

		json_object_object_add(o, "component", jstr(comp));
		json_object_object_add(o, "payload_size",
				       jint(c->payload_size));
		json_object_object_add(o, "cel_entries",
				       jint(c->cel_entries));
		json_object_object_add(o, "vendor_id", hex(c->vendor_id, 4));
		json_object_object_add(o, "device_id", hex(c->device_id, 4));
		json_object_object_add(o, "serial", hex(c->serial, 16));
	}
	emit(o);
	return 0;
}

/* The CXL component behind fd: FWCTL_CXL_SWITCH_CCI, _MEMDEV, or 0. */
static uint32_t cxl_component(int fd)
{
	uint8_t data[256] = {};
	uint32_t len = sizeof(data), type = 0;

	if (get_info(fd, 0, data, &len, &type) || type != FWCTL_DEVICE_TYPE_CXL ||
	    len < sizeof(struct fwctl_info_cxl))
		return 0;
	return ((struct fwctl_info_cxl *)data)->component;
}

/* Identify Memory Device (4000h): firmware, capacities, label area. */
static int identify_memdev(int fd)
{
	const uint64_t unit = 256ULL << 20;
	struct json_object *o;
	char fw[17] = {};
	struct reply r;
	int ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x4000, NULL, 0, &r);

	if (ret)
		return ret;
	if (r.hdr.size < 0x43) {
		fprintf(stderr, "fwctl: Identify Memory Device: short reply\n");
		return EXIT_DEVICE;
	}
	memcpy(fw, r.payload, 16);
	o = json_object_new_object();
	json_object_object_add(o, "firmware_revision", jstr(fw));
	json_object_object_add(o, "total_capacity",
			       json_object_new_int64(le64(r.payload + 0x10) * unit));
	json_object_object_add(o, "volatile_only_capacity",
			       json_object_new_int64(le64(r.payload + 0x18) * unit));
	json_object_object_add(o, "persistent_only_capacity",
			       json_object_new_int64(le64(r.payload + 0x20) * unit));
	json_object_object_add(o, "partition_alignment",
			       json_object_new_int64(le64(r.payload + 0x28) * unit));
	json_object_object_add(o, "label_storage_size",
			       json_object_new_int64(le32(r.payload + 0x38)));
	json_object_object_add(o, "poison_list_max",
			       jint(le32(r.payload + 0x3c) & 0xffffff));
	emit(o);
	return 0;
}

static int cmd_identify(int fd)
{
	struct reply r;
	int ret;

	/* Memory devices answer Identify Memory Device, not Identify. */
	if (cxl_component(fd) == FWCTL_CXL_MEMDEV)
		return identify_memdev(fd);
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0001, NULL, 0, &r);
	if (ret)
		return ret;
	if (r.hdr.size < 0x12) {
		fprintf(stderr, "fwctl: Identify: short reply\n");
		return EXIT_DEVICE;
	}
	emit(decode_identify(r.payload));
	return 0;
}

static const uint8_t cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78,
	0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};

static void uuid_str(const uint8_t *u, char *buf)
{
	sprintf(buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Get Supported Logs; the CEL's size in *cel_size (0 when none). */
static int read_logs(int fd, struct json_object **arr, uint32_t *cel_size)
{
	struct reply r;
	unsigned int i, n;
	int ret;

	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0400, NULL, 0, &r);
	if (ret)
		return ret;
	n = le16(r.payload);
	*cel_size = 0;
	if (arr)
		*arr = json_object_new_array();
	for (i = 0; i < n && 8 + (i + 1) * 0x14 <= r.hdr.size; i++) {
		const uint8_t *e = r.payload + 8 + i * 0x14;
		char u[40];

		if (!memcmp(e, cel_uuid, 16))
			*cel_size = le32(e + 16);
		if (!arr)
			continue;
		struct json_object *o = json_object_new_object();
		bool cel = !memcmp(e, cel_uuid, 16);

		uuid_str(e, u);
		json_object_object_add(o, "uuid", jstr(u));
		json_object_object_add(o, "name",
				       jstr(cel ? "command-effects-log" : "other"));
		json_object_object_add(o, "size", jint(le32(e + 16)));
		json_object_array_add(*arr, o);
	}
	return 0;
}

static int cmd_logs(int fd)
{
	struct json_object *arr, *o;
	uint32_t cel;
	int ret = read_logs(fd, &arr, &cel);

	if (ret)
		return ret;
	o = json_object_new_object();
	json_object_object_add(o, "logs", arr);
	emit(o);
	return 0;
}

static int cmd_cel(int fd)
{
	struct fwctl_command_info *cmds;
	struct json_object *arr, *o;
	uint8_t in[0x18];
	struct reply r;
	uint32_t size, i, j;
	unsigned int n = 0;
	int ret;

	ret = read_logs(fd, NULL, &size);
	if (ret)
		return ret;
	memcpy(in, cel_uuid, 16);
	memset(in + 16, 0, 4);
	memcpy(in + 20, &size, 4);
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0401, in, sizeof(in), &r);
	if (ret)
		return ret;
	cmds = get_commands(fd, &n);
	arr = json_object_new_array();
	for (i = 0; i + 4 <= r.hdr.size; i += 4) {
		uint16_t op = le16(r.payload + i), eff = le16(r.payload + i + 2);

		o = json_object_new_object();
		json_object_object_add(o, "opcode", hex(op, 4));
		json_object_object_add(o, "effects", hex(eff, 4));
		json_object_object_add(o, "effects_decoded", decode_effects(eff));
		for (j = 0; cmds && j < n; j++) {
			if (cmds[j].id != op)
				continue;
			json_object_object_add(o, "scope",
					       jstr(cmds[j].flags & FWCTL_COMMAND_REFUSED ?
						    "refused" : scope_name(cmds[j].scope)));
			if (cmds[j].flags & FWCTL_COMMAND_KERNEL_OWNED)
				json_object_object_add(o, "kernel_owned",
						       json_object_new_boolean(1));
			if (cmds[j].flags & FWCTL_COMMAND_LOCKDOWN)
				json_object_object_add(o, "lockdown",
						       json_object_new_boolean(1));
		}
		json_object_array_add(arr, o);
	}
	free(cmds);
	o = json_object_new_object();
	json_object_object_add(o, "entries", arr);
	emit(o);
	return 0;
}

static const char *port_state(uint8_t s)
{
	static const char *const n[] = { "disabled", "bind-in-progress",
		"unbind-in-progress", "downstream", "upstream", "fabric" };

	return (s & 0xf) < 6 ? n[s & 0xf] : "invalid";
}

static const char *port_device(uint8_t t)
{
	static const char *const n[] = { "none", "pcie", "type1", "type2",
		"type3-sld", "type3-mld" };

	return t < 6 ? n[t] : "reserved";
}

static int cmd_switch(int fd)
{
	struct json_object *o, *ports, *p;
	uint8_t in[258];
	struct reply r, s;
	unsigned int i, n = 0;
	int ret;

	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x5100, NULL, 0, &r);
	if (ret)
		return ret;
	o = json_object_new_object();
	json_object_object_add(o, "ingress_port", jint(r.payload[0]));
	json_object_object_add(o, "num_physical_ports",
			       jint(r.payload[2]));
	json_object_object_add(o, "num_vcs", jint(r.payload[3]));
	for (i = 0; i < 256; i++)
		if (r.payload[4 + i / 8] & (1 << (i % 8)))
			in[1 + n++] = i;
	in[0] = n;
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x5101, in, 1 + n, &s);
	if (ret) {
		json_object_put(o);
		return ret;
	}
	ports = json_object_new_array();
	for (i = 0; i < s.payload[0] && 4 + (i + 1) * 16 <= s.hdr.size; i++) {
		const uint8_t *b = s.payload + 4 + i * 16;

		p = json_object_new_object();
		json_object_object_add(p, "port", jint(b[0]));
		json_object_object_add(p, "state", jstr(port_state(b[1])));
		json_object_object_add(p, "connected_device",
				       jstr(port_device(b[4])));
		json_object_object_add(p, "link_width", jint(b[7]));
		json_object_object_add(p, "max_link_width", jint(b[6]));
		json_object_object_add(p, "ltssm", jint(b[11]));
		json_object_object_add(p, "ld_count", jint(b[15]));
		json_object_array_add(ports, p);
	}
	json_object_object_add(o, "ports", ports);
	emit(o);
	return 0;
}

static int cmd_tunnel(int fd, int argc, char **argv)
{
	uint8_t req[16] = {};
	struct reply r;
	char *end;
	long port;
	int ret;

	if (argc != 3 || strcmp(argv[2], "identify"))
		return print_usage("tunnel");
	port = strtol(argv[1], &end, 0);
	if (*end || port < 0 || port > 255)
		return print_usage("tunnel");
	/*
	 * port, target type 0, size 12, then a 12-byte CCI request header
	 * for Identify (command 01h of set 00h) with no payload
	 */
	req[0] = port;
	req[2] = 12;
	req[4 + 3] = 0x01;
	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x5300, req, sizeof(req), &r);
	if (ret)
		return ret;
	if (r.hdr.size < 4 + 12 + 0x12 || le16(r.payload + 4 + 8)) {
		fprintf(stderr, "fwctl: tunnelled Identify: return code %#x\n",
			r.hdr.size >= 16 ? le16(r.payload + 4 + 8) : 0xffff);
		return EXIT_DEVICE;
	}
	emit(decode_identify(r.payload + 16));
	return 0;
}

static int cmd_features(int fd)
{
	uint8_t in[8] = { 0x00, 0x08 };	/* up to 2048 bytes, from index 0 */
	struct json_object *o, *arr;
	struct reply r;
	unsigned int i, n;
	int ret;

	ret = cxl_cmd(fd, FWCTL_RPC_CONFIGURATION, 0x0500, in, sizeof(in), &r);
	if (ret)
		return ret;
	n = le16(r.payload);
	arr = json_object_new_array();
	for (i = 0; i < n && 8 + (i + 1) * 0x30 <= r.hdr.size; i++) {
		const uint8_t *e = r.payload + 8 + i * 0x30;
		char u[40];

		uuid_str(e, u);
		o = json_object_new_object();
		json_object_object_add(o, "uuid", jstr(u));
		json_object_object_add(o, "get_size", jint(le16(e + 0x12)));
		json_object_object_add(o, "set_size", jint(le16(e + 0x14)));
		json_object_object_add(o, "changeable",
				       json_object_new_boolean(le32(e + 0x16) & 1));
		json_object_object_add(o, "set_effects", hex(le16(e + 0x1c), 4));
		json_object_array_add(arr, o);
	}
	o = json_object_new_object();
	json_object_object_add(o, "features", arr);
	emit(o);
	return 0;
}

static int cmd_rpc(int fd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "opcode", required_argument, NULL, 'o' },
		{ "scope", required_argument, NULL, 's' },
		{ "hex", required_argument, NULL, 'x' },
		{ "in", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct json_object *o;
	uint8_t in[PAYLOAD_MAX];
	size_t len = 0, i;
	long opcode = -1;
	int scope = 0, c, ret;
	char out[2 * PAYLOAD_MAX + 1];
	struct reply r;
	FILE *f;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:s:x:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opcode = strtol(optarg, NULL, 0);
			break;
		case 's':
			scope = parse_scope(optarg);
			break;
		case 'x':
			for (len = 0; optarg[2 * len] && optarg[2 * len + 1] &&
			     len < sizeof(in); len++)
				if (sscanf(optarg + 2 * len, "%2hhx", &in[len]) != 1)
					return print_usage("rpc");
			break;
		case 'i':
			f = fopen(optarg, "rb");
			if (!f) {
				fprintf(stderr, "fwctl: %s: %s\n", optarg, strerror(errno));
				return EXIT_SYSTEM;
			}
			len = fread(in, 1, sizeof(in), f);
			fclose(f);
			break;
		default:
			return print_usage("rpc");
		}
	}
	if (opcode < 0 || opcode > 0xffff || scope < 0)
		return print_usage("rpc");
	ret = cxl_cmd(fd, scope, opcode, in, len, &r);
	if (ret && ret != EXIT_DEVICE)
		return ret;
	for (i = 0; i < r.hdr.size && i < PAYLOAD_MAX; i++)
		sprintf(out + 2 * i, "%02x", r.payload[i]);
	out[2 * i] = 0;
	o = json_object_new_object();
	json_object_object_add(o, "opcode", hex(opcode, 4));
	json_object_object_add(o, "retval", jint(r.hdr.retval));
	json_object_object_add(o, "size", jint(r.hdr.size));
	json_object_object_add(o, "payload", jstr(out));
	emit(o);
	return ret;
}

static const struct {
	const char *name;
	const char *args;
	const char *help;
} commands[] = {
	{ "list", "", "list fwctl devices, their parents, drivers and commands per scope" },
	{ "info", "DEV", "FWCTL_INFO of a device, decoded for CXL" },
	{ "identify", "DEV", "CXL Identify (Identify Memory Device on a memdev)" },
	{ "logs", "DEV", "CXL Get Supported Logs" },
	{ "cel", "DEV", "the Command Effects Log: effects and the scope each command needs" },
	{ "switch", "DEV", "CXL switch identity and port states" },
	{ "tunnel", "DEV PORT identify", "Identify the component behind a switch port" },
	{ "features", "DEV", "CXL Get Supported Features (memory devices)" },
	{ "rpc", "DEV --opcode N [--scope S] [--hex BYTES | --in FILE]",
	  "any CXL mailbox command at a scope: configuration (default),\n"
	  "                                   debug-read-only, debug-write or debug-write-full" },
};

static int print_usage(const char *cmd)
{
	unsigned int i;

	fprintf(stderr, "usage: fwctl [-H] COMMAND [ARGS]\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!cmd || !strcmp(cmd, commands[i].name))
			fprintf(stderr, "  %-9s %-22s %s\n", commands[i].name,
				commands[i].args, commands[i].help);
	fprintf(stderr, "exit codes: 0 ok, 1 usage, 2 failure, 3 refused by the kernel,\n"
		"            4 device error\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int fd, ret;

	if (argc > 1 && !strcmp(argv[1], "-H")) {
		human = true;
		argv++;
		argc--;
	}
	if (argc < 2)
		return print_usage(NULL);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return print_usage(NULL), 0;
	cmd = argv[1];
	argv++;
	argc--;
	if (argc > 1 && !strcmp(argv[1], "--help"))
		return print_usage(cmd), 0;
	if (!strcmp(cmd, "list"))
		return cmd_list(argc);
	if (argc < 2) {
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(commands); i++)
			if (!strcmp(cmd, commands[i].name))
				return print_usage(cmd);
		fprintf(stderr, "fwctl: unknown command '%s'\n", cmd);
		return print_usage(NULL);
	}
	fd = open_dev(argv[1]);
	if (fd < 0)
		return EXIT_SYSTEM;
	if (!strcmp(cmd, "info"))
		ret = argc == 2 ? cmd_info(fd) : print_usage(cmd);
	else if (!strcmp(cmd, "identify"))
		ret = argc == 2 ? cmd_identify(fd) : print_usage(cmd);
	else if (!strcmp(cmd, "logs"))
		ret = argc == 2 ? cmd_logs(fd) : print_usage(cmd);
	else if (!strcmp(cmd, "cel"))
		ret = argc == 2 ? cmd_cel(fd) : print_usage(cmd);
	else if (!strcmp(cmd, "switch"))
		ret = argc == 2 ? cmd_switch(fd) : print_usage(cmd);
	else if (!strcmp(cmd, "tunnel"))
		ret = cmd_tunnel(fd, argc - 1, argv + 1);
	else if (!strcmp(cmd, "features"))
		ret = argc == 2 ? cmd_features(fd) : print_usage(cmd);
	else if (!strcmp(cmd, "rpc"))
		ret = cmd_rpc(fd, argc - 1, argv + 1);
	else
		ret = (fprintf(stderr, "fwctl: unknown command '%s'\n", cmd),
		       print_usage(NULL));
	close(fd);
	return ret;
}
