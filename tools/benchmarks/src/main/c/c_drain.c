// SPDX-License-Identifier: Apache-2.0
/*
 * The ceiling for the Java drain: a bare libbpf consumer of the same object, program
 * (probe_getppid) and record size, with the same wake-up settings. Its callback only counts
 * and touches the record, so what it measures is libbpf's own drain.
 *
 *   c_drain OBJ burst|steady RECORDS RING_BYTES WORKLOAD
 *
 * burst:  the producer fills the ring while we sleep; then we time draining it all.
 * steady: producer and consumer run at once; we count what arrives and what was dropped.
 * Prints: mode records seconds rate_per_s drops consumer_cpu_s
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static long long received;
static unsigned long long touched;

static int on_record(void *ctx, void *data, size_t len)
{
	received++;
	touched += *(unsigned long long *)data; /* ts_ns: read the record, as a real consumer would */
	return 0;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

/* Sets a .rodata global by name before load (as the JNI shim does). */
static int set_u32(struct bpf_object *obj, const char *name, unsigned int value)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t size;
	const void *cur;
	char *copy;
	int id;

	bpf_object__for_each_map(map, obj)
		if (strstr(bpf_map__name(map), ".rodata"))
			break;
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	if (!map || id < 0 || !(cur = bpf_map__initial_value(map, &size)))
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		if (strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off), name))
			continue;
		copy = malloc(size);
		memcpy(copy, cur, size);
		memcpy(copy + vs->offset, &value, sizeof(value));
		id = bpf_map__set_initial_value(map, copy, size);
		free(copy);
		return id;
	}
	return -ENOENT;
}

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct ring_buffer *rb;
	int to_child[2], status, steady;
	long records;
	pid_t child;
	double t0, t1, c0;
	unsigned long long drops = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: %s OBJ burst|steady RECORDS RING_BYTES WORKLOAD\n", argv[0]);
		return 2;
	}
	steady = !strcmp(argv[2], "steady");
	records = atol(argv[3]);
	if (pipe(to_child) || (child = fork()) < 0)
		return 1;
	if (child == 0) {
		char n[32];
		dup2(to_child[0], 0);
		close(to_child[1]);
		snprintf(n, sizeof(n), "%ld", records);
		execl(argv[5], argv[5], "getppid", n, "wait", (char *)NULL);
		_exit(127);
	}
	close(to_child[0]);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return 1;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "probe_getppid"));
	if (set_u32(obj, "probe_tgid", child) ||
	    bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "events"), atoi(argv[4])) ||
	    bpf_object__load(obj) ||
	    !bpf_program__attach(bpf_object__find_program_by_name(obj, "probe_getppid"))) {
		fprintf(stderr, "load/attach failed\n");
		kill(child, SIGKILL);
		return 1;
	}
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")), on_record, NULL, NULL);

	c0 = cpu_s();
	t0 = now_s();
	if (write(to_child[1], "g", 1) != 1)
		return 1;
	if (steady) {
		/* The same loop as the JNI shim's drain: consume; sleep in poll only when empty. */
		int done = 0;
		while (!done) {
			if (ring_buffer__consume(rb) == 0) {
				done = waitpid(child, &status, WNOHANG) == child;
				if (!done)
					ring_buffer__poll(rb, 100);
			}
		}
		while (ring_buffer__consume(rb) > 0)
			;
		t1 = now_s();
	} else {
		waitpid(child, &status, 0);
		c0 = cpu_s();
		t0 = now_s();
		while (ring_buffer__consume(rb) > 0)
			;
		t1 = now_s();
	}

	/* emit_stats[type PROBE (6) * 4 + DROPS (1)], summed over CPUs */
	{
		int ncpu = libbpf_num_possible_cpus(), key = 6 * 4 + 1;
		unsigned long long *v = calloc(ncpu, sizeof(*v));
		if (!bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "emit_stats")), &key, v))
			for (int c = 0; c < ncpu; c++)
				drops += v[c];
		free(v);
	}
	printf("%s %lld %.4f %.0f %llu %.4f\n", argv[2], received, t1 - t0, received / (t1 - t0), drops, cpu_s() - c0);
	ring_buffer__free(rb);
	bpf_object__close(obj);
	return touched == 42 ? 3 : 0; /* keep `touched` alive */
}
