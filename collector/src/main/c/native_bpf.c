// SPDX-License-Identifier: Apache-2.0
/*
 * JNI shim over libbpf for dev.funnel.collector.bpf.NativeBpf. Thin on purpose: it opens,
 * configures, loads and attaches a BPF object, and maps its ring buffer into this process so
 * the Java side reads records where the kernel wrote them (dev.funnel.collector.bpf.RingView):
 * no copy, no per-record call. Nothing calls back into Java and no Java object is built here
 * except exceptions, small arrays and the direct buffers over the mapping.
 *
 * Threading: a handle may be used from several Java threads, but never concurrently with
 * close(), and the ring from one thread at a time (the Java side guarantees both).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/perf_event.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define EXPORT __attribute__((visibility("default")))
/*
 * The ring buffer mapped the way libbpf maps it: the consumer page read-write (we publish how
 * far we have read), then the producer page and the data area read-only, the data mapped
 * twice in a row by the kernel so a record that wraps around the end is still contiguous.
 * An epoll set on the map fd sleeps until the BPF side forces a wake-up.
 */
struct ring_view {
	int map_fd;
	int epoll_fd;
	size_t page;
	size_t size;     /* data area bytes, a power of 2 */
	void *consumer;  /* page bytes, RW: u64 consumer position at 0 */
	void *producer;  /* page + 2 * size bytes, RO: u64 producer position at 0, data at page */
};

struct handle {
	struct bpf_object *obj;
	void *image;         /* libbpf reads the ELF in place: keep it until close */
	struct ring_view ring;
	struct bpf_link **links;
	int n_links;
};

/* libbpf's warnings and errors of the current call, attached to the exception message. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[16384];
static size_t log_len;

static int capture_log(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	pthread_mutex_lock(&log_lock);
	if (log_len < sizeof(log_buf) - 1) {
		int n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, args);
		if (n > 0)
			log_len += (size_t)n < sizeof(log_buf) - log_len ? (size_t)n : sizeof(log_buf) - 1 - log_len;
	}
	pthread_mutex_unlock(&log_lock);
	return 0;
}

static void log_reset(void)
{
	pthread_mutex_lock(&log_lock);
	log_len = 0;
	log_buf[0] = 0;
	pthread_mutex_unlock(&log_lock);
}

/* Throws BpfException("what: strerror (errno N)\n<libbpf log>"). err is a positive errno. */
static void throw_bpf(JNIEnv *env, int err, const char *fmt, ...)
{
	char msg[sizeof(log_buf) + 512];
	size_t n;
	va_list args;
	jclass cls;

	va_start(args, fmt);
	n = vsnprintf(msg, 512, fmt, args);
	va_end(args);
	if (n >= 512)
		n = 511;
	if (err)
		n += snprintf(msg + n, sizeof(msg) - n, ": %s (errno %d)", strerror(err), err);
	pthread_mutex_lock(&log_lock);
	if (log_len)
		snprintf(msg + n, sizeof(msg) - n, "\n%s", log_buf);
	pthread_mutex_unlock(&log_lock);
	cls = (*env)->FindClass(env, "dev/funnel/collector/bpf/BpfException");
	if (cls)
		(*env)->ThrowNew(env, cls, msg);
}

static struct handle *H(jlong h)
{
	return (struct handle *)(intptr_t)h;
}

/* Java string as modified UTF-8; NULL (with an exception pending) when out of memory. */
static const char *utf(JNIEnv *env, jstring s)
{
	return (*env)->GetStringUTFChars(env, s, NULL);
}

static void release(JNIEnv *env, jstring s, const char *chars)
{
	(*env)->ReleaseStringUTFChars(env, s, chars);
}

static jlong JNICALL nb_open(JNIEnv *env, jclass cls, jbyteArray image, jstring jname)
{
	jsize len = (*env)->GetArrayLength(env, image);
	struct handle *h = calloc(1, sizeof(*h));
	long err;

	if (!h || !(h->image = malloc(len))) {
		free(h);
		throw_bpf(env, ENOMEM, "open");
		return 0;
	}
	(*env)->GetByteArrayRegion(env, image, 0, len, h->image);
	log_reset();
	const char *name = utf(env, jname);

	if (!name)
		return 0;
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	h->obj = bpf_object__open_mem(h->image, len, &opts);
	release(env, jname, name);
	err = libbpf_get_error(h->obj);
	if (!h->obj || err) {
		throw_bpf(env, (int)-err, "open BPF object");
		free(h->image);
		free(h);
		return 0;
	}
	return (jlong)(intptr_t)h;
}

/* The object's .rodata map (libbpf names it "<object>.rodata"). */
static struct bpf_map *rodata_map(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name);
		if (n >= 7 && !strcmp(name + n - 7, ".rodata"))
			return map;
	}
	return NULL;
}

/* Offset and size of a .rodata global, from the object's BTF; -ENOENT when absent. */
static int rodata_var(struct bpf_object *obj, const char *name, size_t *offset, size_t *size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;

	if (id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		if (!strcmp(btf__name_by_offset(btf, var->name_off), name)) {
			*offset = vs->offset;
			*size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

/* Sets a const volatile global before load: copy .rodata, patch the variable, set it back. */
static void JNICALL nb_set_constant(JNIEnv *env, jclass cls, jlong h, jstring jname, jbyteArray value)
{
	struct bpf_map *map = rodata_map(H(h)->obj);
	jsize len = (*env)->GetArrayLength(env, value);
	size_t offset = 0, size = 0, map_size = 0;
	const char *name = utf(env, jname);
	const void *current;
	char *copy = NULL;
	int err;

	if (!name)
		return;
	current = map ? bpf_map__initial_value(map, &map_size) : NULL;
	err = current ? rodata_var(H(h)->obj, name, &offset, &size) : -ENOENT;
	if (err || offset + size > map_size) {
		throw_bpf(env, ENOENT, "no constant '%s' in the BPF object", name);
	} else if (size != (size_t)len) {
		throw_bpf(env, EINVAL, "constant '%s' is %zu bytes, not %d", name, size, len);
	} else if (!(copy = malloc(map_size))) {
		throw_bpf(env, ENOMEM, "set constant '%s'", name);
	} else {
		memcpy(copy, current, map_size);
		(*env)->GetByteArrayRegion(env, value, 0, len, (jbyte *)(copy + offset));
		err = bpf_map__set_initial_value(map, copy, map_size);
		if (err)
			throw_bpf(env, -err, "set constant '%s'", name);
	}
	free(copy);
	release(env, jname, name);
}

static void JNICALL nb_set_map_size(JNIEnv *env, jclass cls, jlong h, jstring jname, jint entries)
{
	const char *name = utf(env, jname);

	if (!name)
		return;
	struct bpf_map *map = bpf_object__find_map_by_name(H(h)->obj, name);
	int err = map ? bpf_map__set_max_entries(map, entries) : -ENOENT;
	if (err)
		throw_bpf(env, -err, "set max_entries of map '%s' to %d", name, entries);
	release(env, jname, name);
}

static void JNICALL nb_set_autoload(JNIEnv *env, jclass cls, jlong h, jstring jname, jboolean on)
{
	const char *name = utf(env, jname);

	if (!name)
		return;
	struct bpf_program *prog = bpf_object__find_program_by_name(H(h)->obj, name);
	int err = prog ? bpf_program__set_autoload(prog, on) : -ENOENT;
	if (err)
		throw_bpf(env, -err, "set autoload of program '%s'", name);
	release(env, jname, name);
}

static jobjectArray JNICALL nb_programs(JNIEnv *env, jclass cls, jlong h)
{
	struct bpf_program *prog;
	jobjectArray out;
	int n = 0, i = 0;

	bpf_object__for_each_program(prog, H(h)->obj)
		n++;
	out = (*env)->NewObjectArray(env, n, (*env)->FindClass(env, "java/lang/String"), NULL);
	if (!out)
		return NULL;
	bpf_object__for_each_program(prog, H(h)->obj) {
		char desc[256];
		snprintf(desc, sizeof(desc), "%s %s", bpf_program__name(prog), bpf_program__section_name(prog));
		(*env)->SetObjectArrayElement(env, out, i++, (*env)->NewStringUTF(env, desc));
	}
	return out;
}

static void JNICALL nb_load(JNIEnv *env, jclass cls, jlong h)
{
	int err;

	log_reset();
	err = bpf_object__load(H(h)->obj);
	if (err)
		throw_bpf(env, -err, "load BPF object");
}

static int keep_link(struct handle *hd, struct bpf_link *link);

static void JNICALL nb_attach(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	struct handle *hd = H(h);

	log_reset();
	const char *name = utf(env, jname);

	if (!name)
		return;
	struct bpf_program *prog = bpf_object__find_program_by_name(hd->obj, name);
	struct bpf_link *link = prog ? bpf_program__attach(prog) : NULL;
	long err = prog ? libbpf_get_error(link) : -ENOENT;
	if (!link || err)
		throw_bpf(env, (int)-err, "attach program '%s'", name);
	else if (keep_link(hd, link))
		throw_bpf(env, ENOMEM, "attach program '%s'", name);
	release(env, jname, name);
}

/* Keeps a link in the handle, so detach and close destroy it; destroys it when out of memory. */
static int keep_link(struct handle *hd, struct bpf_link *link)
{
	struct bpf_link **grown = realloc(hd->links, (hd->n_links + 1) * sizeof(*grown));

	if (!grown) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	hd->links = grown;
	hd->links[hd->n_links++] = link;
	return 0;
}

/*
 * Attaches a SEC("perf_event") program to a software cpu-clock event on every online CPU,
 * sampling every period_ns of CPU time (all tasks). Each event's fd belongs to its link.
 * Returns the number of CPUs attached.
 */
static jint JNICALL nb_attach_cpu_clock(JNIEnv *env, jclass cls, jlong h, jstring jname, jlong period_ns)
{
	struct handle *hd = H(h);
	int ncpu = libbpf_num_possible_cpus(), attached = 0, err = 0;

	log_reset();
	const char *name = utf(env, jname);

	if (!name)
		return 0;
	struct bpf_program *prog = bpf_object__find_program_by_name(hd->obj, name);
	if (!prog) {
		throw_bpf(env, ENOENT, "attach program '%s'", name);
		release(env, jname, name);
		return 0;
	}
	for (int cpu = 0; cpu < ncpu && !err; cpu++) {
		struct perf_event_attr attr = {
			.type = PERF_TYPE_SOFTWARE,
			.size = sizeof(attr),
			.config = PERF_COUNT_SW_CPU_CLOCK,
			.sample_period = (__u64)period_ns,
		};
		int pfd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (pfd < 0) {
			if (errno == ENODEV)
				continue; /* possible but offline CPU */
			err = errno;
			throw_bpf(env, err, "perf_event_open(cpu-clock) on CPU %d for '%s'", cpu, name);
			break;
		}
		struct bpf_link *link = bpf_program__attach_perf_event(prog, pfd);
		long lerr = libbpf_get_error(link);
		if (!link || lerr) {
			close(pfd);
			err = link ? (int)-lerr : errno;
			throw_bpf(env, err, "attach program '%s' to CPU %d", name, cpu);
		} else if ((err = -keep_link(hd, link))) {
			throw_bpf(env, err, "attach program '%s'", name);
		} else {
			attached++;
		}
	}
	release(env, jname, name);
	return attached;
}

/*
 * Takes every entry of a hash map: reads and deletes them (each entry is read and deleted
 * atomically, so an update racing with this is either taken now or left for the next call).
 * Returns key || value pairs back to back; at most max_entries of them.
 */
static jbyteArray JNICALL nb_take_entries(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	jbyteArray out = NULL;

	const char *name = utf(env, jname);

	if (!name)
		return NULL;
	struct bpf_map *map = bpf_object__find_map_by_name(H(h)->obj, name);
	if (!map || bpf_map__type(map) != BPF_MAP_TYPE_HASH) {
		throw_bpf(env, map ? EINVAL : ENOENT, "hash map '%s'", name);
		release(env, jname, name);
		return NULL;
	}
	__u32 ksz = bpf_map__key_size(map), vsz = bpf_map__value_size(map), max = bpf_map__max_entries(map);
	char *keys = malloc((size_t)max * ksz), *vals = malloc((size_t)max * vsz);
	char *pairs = malloc((size_t)max * (ksz + vsz));
	__u32 total = 0, count;
	__u64 batch = 0;
	int fd = bpf_map__fd(map), err = 0;
	bool first = true;

	if (!keys || !vals || !pairs) {
		err = ENOMEM;
	} else {
		/* Batches of up to the rest of the buffer; ENOENT means the walk is done. */
		while (total < max) {
			count = max - total;
			LIBBPF_OPTS(bpf_map_batch_opts, opts);
			int r = bpf_map_lookup_and_delete_batch(fd, first ? NULL : &batch, &batch, keys, vals, &count, &opts);
			for (__u32 i = 0; i < count; i++) {
				memcpy(pairs + (size_t)(total + i) * (ksz + vsz), keys + (size_t)i * ksz, ksz);
				memcpy(pairs + (size_t)(total + i) * (ksz + vsz) + ksz, vals + (size_t)i * vsz, vsz);
			}
			total += count;
			first = false;
			if (r < 0) {
				if (errno != ENOENT)
					err = errno;
				break;
			}
		}
	}
	if (err) {
		throw_bpf(env, err, "take the entries of '%s'", name);
	} else if ((out = (*env)->NewByteArray(env, (jsize)total * (ksz + vsz)))) {
		(*env)->SetByteArrayRegion(env, out, 0, (jsize)total * (ksz + vsz), (jbyte *)pairs);
	}
	free(keys);
	free(vals);
	free(pairs);
	release(env, jname, name);
	return out;
}

/*
 * Reads the stacks with the given ids from a stack-trace map, and deletes them when del is set:
 * value_size / 8 instruction pointers per id, zero-filled past the stack's end and for an id
 * that is gone.
 */
static jlongArray JNICALL nb_take_stacks(JNIEnv *env, jclass cls, jlong h, jstring jname, jintArray jids,
					 jboolean del)
{
	jlongArray out = NULL;

	const char *name = utf(env, jname);

	if (!name)
		return NULL;
	struct bpf_map *map = bpf_object__find_map_by_name(H(h)->obj, name);
	jsize n = (*env)->GetArrayLength(env, jids);
	if (!map || bpf_map__type(map) != BPF_MAP_TYPE_STACK_TRACE) {
		throw_bpf(env, map ? EINVAL : ENOENT, "stack map '%s'", name);
		release(env, jname, name);
		return NULL;
	}
	__u32 depth = bpf_map__value_size(map) / sizeof(__u64);
	jint *ids = (*env)->GetIntArrayElements(env, jids, NULL);
	__u64 *frames = calloc(n ? (size_t)n * depth : 1, sizeof(__u64));
	if (!ids || !frames) {
		throw_bpf(env, ENOMEM, "take stacks from '%s'", name);
	} else {
		for (jsize i = 0; i < n; i++) {
			__u32 id = (__u32)ids[i];
			if (bpf_map_lookup_elem(bpf_map__fd(map), &id, frames + (size_t)i * depth) == 0 && del)
				bpf_map_delete_elem(bpf_map__fd(map), &id);
		}
		if ((out = (*env)->NewLongArray(env, n * (jsize)depth)))
			(*env)->SetLongArrayRegion(env, out, 0, n * (jsize)depth, (jlong *)frames);
	}
	if (ids)
		(*env)->ReleaseIntArrayElements(env, jids, ids, JNI_ABORT);
	free(frames);
	release(env, jname, name);
	return out;
}

static void ring_unmap(struct ring_view *r)
{
	if (r->producer)
		munmap(r->producer, r->page + 2 * r->size);
	if (r->consumer)
		munmap(r->consumer, r->page);
	if (r->epoll_fd > 0)
		close(r->epoll_fd);
	memset(r, 0, sizeof(*r));
}

static void JNICALL nb_open_ring(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	struct handle *hd = H(h);
	struct ring_view *r = &hd->ring;
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	struct epoll_event ev = { .events = EPOLLIN };

	const char *name = utf(env, jname);

	if (!name)
		return;
	struct bpf_map *map = bpf_object__find_map_by_name(hd->obj, name);
	int fd = map ? bpf_map__fd(map) : -ENOENT;
	if (fd < 0) {
		throw_bpf(env, -fd, "ring buffer map '%s'", name);
		goto out;
	}
	if (r->consumer || bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		throw_bpf(env, r->consumer ? EBUSY : errno, "ring buffer '%s'", name);
		goto out;
	}
	r->map_fd = fd;
	r->page = sysconf(_SC_PAGESIZE);
	r->size = info.max_entries;
	r->consumer = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->consumer == MAP_FAILED) {
		r->consumer = NULL;
		throw_bpf(env, errno, "map the consumer page of '%s'", name);
		goto out;
	}
	r->producer = mmap(NULL, r->page + 2 * r->size, PROT_READ, MAP_SHARED, fd, r->page);
	if (r->producer == MAP_FAILED) {
		r->producer = NULL;
		throw_bpf(env, errno, "map the data of '%s'", name);
		ring_unmap(r);
		goto out;
	}
	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0 || epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
		throw_bpf(env, errno, "epoll on '%s'", name);
		ring_unmap(r);
	}
out:
	release(env, jname, name);
}

/* Direct buffers over the mapping: 0 the consumer page, 1 the producer page, 2 the data
 * (twice its size: the double mapping). Valid until close. */
static jobject JNICALL nb_ring_buffer(JNIEnv *env, jclass cls, jlong h, jint which)
{
	struct ring_view *r = &H(h)->ring;

	if (!r->consumer) {
		throw_bpf(env, EINVAL, "no ring buffer is open");
		return NULL;
	}
	switch (which) {
	case 0:
		return (*env)->NewDirectByteBuffer(env, r->consumer, r->page);
	case 1:
		return (*env)->NewDirectByteBuffer(env, r->producer, r->page);
	default:
		return (*env)->NewDirectByteBuffer(env, (char *)r->producer + r->page, 2 * r->size);
	}
}

/* Sleeps until the BPF side wakes us (it does once per wakeup_bytes of pending data) or
 * timeout_ms passes. Returns 1 when woken, 0 on timeout or a signal. */
static jint JNICALL nb_ring_wait(JNIEnv *env, jclass cls, jlong h, jint timeout_ms)
{
	struct epoll_event ev;
	int n = epoll_wait(H(h)->ring.epoll_fd, &ev, 1, timeout_ms);

	if (n < 0 && errno != EINTR) {
		throw_bpf(env, errno, "wait for the ring buffer");
		return -1;
	}
	return n > 0;
}

/* Sums a per-CPU array of u64 over CPUs: one value per key. */
static jlongArray JNICALL nb_sum_per_cpu(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	jlongArray out = NULL;

	const char *name = utf(env, jname);

	if (!name)
		return NULL;
	struct bpf_map *map = bpf_object__find_map_by_name(H(h)->obj, name);
	int ncpu = libbpf_num_possible_cpus();
	__u32 entries = map ? bpf_map__max_entries(map) : 0, key;
	__u64 *vals = ncpu > 0 ? calloc(ncpu, sizeof(__u64)) : NULL;
	jlong *sums = calloc(entries ? entries : 1, sizeof(jlong));
	if (!map || bpf_map__type(map) != BPF_MAP_TYPE_PERCPU_ARRAY || !vals || !sums) {
		throw_bpf(env, map ? EINVAL : ENOENT, "per-CPU array '%s'", name);
	} else {
		for (key = 0; key < entries; key++) {
			if (bpf_map_lookup_elem(bpf_map__fd(map), &key, vals) == 0)
				for (int c = 0; c < ncpu; c++)
					sums[key] += (jlong)vals[c];
		}
		out = (*env)->NewLongArray(env, entries);
		if (out)
			(*env)->SetLongArrayRegion(env, out, 0, entries, sums);
	}
	free(vals);
	free(sums);
	release(env, jname, name);
	return out;
}

/* Runs a loaded program once with BPF_PROG_TEST_RUN (SEC("syscall") programs), with ctx as its
 * argument bytes. Returns the program's return value. */
static jint JNICALL nb_run_program(JNIEnv *env, jclass cls, jlong h, jstring jname, jbyteArray jctx)
{
	struct bpf_program *prog;
	const char *name = utf(env, jname);
	jsize ctx_len = jctx ? (*env)->GetArrayLength(env, jctx) : 0;
	char ctx[64] = {};
	jint ret = -1;
	int err;

	if (!name)
		return -1;
	if (ctx_len > (jsize)sizeof(ctx)) {
		throw_bpf(env, EINVAL, "run program '%s': ctx of %d bytes is over %zu", name, ctx_len, sizeof(ctx));
		release(env, jname, name);
		return -1;
	}
	if (ctx_len)
		(*env)->GetByteArrayRegion(env, jctx, 0, ctx_len, (jbyte *)ctx);
	prog = bpf_object__find_program_by_name(H(h)->obj, name);
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = ctx_len ? ctx : NULL, .ctx_size_in = ctx_len);
	err = prog ? bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) : -ENOENT;
	if (err)
		throw_bpf(env, err < 0 ? -err : errno, "run program '%s'", name);
	else
		ret = (jint)opts.retval;
	release(env, jname, name);
	return ret;
}

/* "sizeof N" then "member offset size" for every member of a struct in the object's BTF. */
static jobjectArray JNICALL nb_struct_layout(JNIEnv *env, jclass cls, jlong h, jstring jname)
{
	jobjectArray out = NULL;

	const char *name = utf(env, jname);

	if (!name)
		return NULL;
	struct btf *btf = bpf_object__btf(H(h)->obj);
	int id = btf ? btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT) : -ENOENT;
	if (id < 0) {
		throw_bpf(env, ENOENT, "no struct '%s' in the object's BTF", name);
	} else {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_member *m = btf_members(t);
		char line[256];
		int n = btf_vlen(t);
		out = (*env)->NewObjectArray(env, n + 1, (*env)->FindClass(env, "java/lang/String"), NULL);
		snprintf(line, sizeof(line), "sizeof %u", t->size);
		if (out)
			(*env)->SetObjectArrayElement(env, out, 0, (*env)->NewStringUTF(env, line));
		for (int i = 0; out && i < n; i++, m++) {
			snprintf(line, sizeof(line), "%s %u %lld", btf__name_by_offset(btf, m->name_off),
				 btf_member_bit_offset(t, i) / 8, (long long)btf__resolve_size(btf, m->type));
			(*env)->SetObjectArrayElement(env, out, i + 1, (*env)->NewStringUTF(env, line));
		}
	}
	release(env, jname, name);
	return out;
}

/* CLOCK_REALTIME - CLOCK_BOOTTIME in ns, from the tightest of a few bracketing reads. */
static jlong JNICALL nb_boot_offset(JNIEnv *env, jclass cls)
{
	long long best_gap = -1, offset = 0;

	for (int i = 0; i < 5; i++) {
		struct timespec r1, b, r2;
		clock_gettime(CLOCK_REALTIME, &r1);
		clock_gettime(CLOCK_BOOTTIME, &b);
		clock_gettime(CLOCK_REALTIME, &r2);
		long long t1 = r1.tv_sec * 1000000000LL + r1.tv_nsec;
		long long t2 = r2.tv_sec * 1000000000LL + r2.tv_nsec;
		long long tb = b.tv_sec * 1000000000LL + b.tv_nsec;
		if (best_gap < 0 || t2 - t1 < best_gap) {
			best_gap = t2 - t1;
			offset = t1 + (t2 - t1) / 2 - tb;
		}
	}
	return offset;
}

static jlong JNICALL nb_boot_now(JNIEnv *env, jclass cls)
{
	struct timespec b;

	clock_gettime(CLOCK_BOOTTIME, &b);
	return b.tv_sec * 1000000000LL + b.tv_nsec;
}

/* The kernel's tick, ns: a coarse clock's resolution is one tick (1 s / CONFIG_HZ), in any
 * container, with no file to read. -1 if the call fails. */
static jlong JNICALL nb_tick_ns(JNIEnv *env, jclass cls)
{
	struct timespec r;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &r))
		return -1;
	return r.tv_sec * 1000000000LL + r.tv_nsec;
}

static void JNICALL nb_mount_tracefs(JNIEnv *env, jclass cls, jstring jtarget)
{
	const char *target = utf(env, jtarget);

	if (!target)
		return;
	if (mount("tracefs", target, "tracefs", 0, NULL))
		throw_bpf(env, errno, "mount tracefs on %s", target);
	release(env, jtarget, target);
}

static jstring JNICALL nb_libbpf_version(JNIEnv *env, jclass cls)
{
	return (*env)->NewStringUTF(env, libbpf_version_string());
}

/* Detaches every attached program; maps stay readable. Programs already running finish first. */
static void JNICALL nb_detach(JNIEnv *env, jclass cls, jlong h)
{
	struct handle *hd = H(h);

	for (int i = 0; i < hd->n_links; i++)
		bpf_link__destroy(hd->links[i]);
	free(hd->links);
	hd->links = NULL;
	hd->n_links = 0;
}

static void JNICALL nb_close(JNIEnv *env, jclass cls, jlong h)
{
	struct handle *hd = H(h);

	if (!hd)
		return;
	nb_detach(env, cls, h);
	ring_unmap(&hd->ring);
	bpf_object__close(hd->obj);
	free(hd->image);
	free(hd);
}

static const JNINativeMethod methods[] = {
	{ "open", "([BLjava/lang/String;)J", (void *)nb_open },
	{ "setConstant", "(JLjava/lang/String;[B)V", (void *)nb_set_constant },
	{ "setMapSize", "(JLjava/lang/String;I)V", (void *)nb_set_map_size },
	{ "setAutoload", "(JLjava/lang/String;Z)V", (void *)nb_set_autoload },
	{ "programs", "(J)[Ljava/lang/String;", (void *)nb_programs },
	{ "load", "(J)V", (void *)nb_load },
	{ "attach", "(JLjava/lang/String;)V", (void *)nb_attach },
	{ "attachCpuClock", "(JLjava/lang/String;J)I", (void *)nb_attach_cpu_clock },
	{ "takeEntries", "(JLjava/lang/String;)[B", (void *)nb_take_entries },
	{ "takeStacks", "(JLjava/lang/String;[IZ)[J", (void *)nb_take_stacks },
	{ "openRing", "(JLjava/lang/String;)V", (void *)nb_open_ring },
	{ "ringBuffer", "(JI)Ljava/nio/ByteBuffer;", (void *)nb_ring_buffer },
	{ "ringWait", "(JI)I", (void *)nb_ring_wait },
	{ "sumPerCpu", "(JLjava/lang/String;)[J", (void *)nb_sum_per_cpu },
	{ "runProgram", "(JLjava/lang/String;[B)I", (void *)nb_run_program },
	{ "structLayout", "(JLjava/lang/String;)[Ljava/lang/String;", (void *)nb_struct_layout },
	{ "bootClockOffsetNs", "()J", (void *)nb_boot_offset },
	{ "bootClockNowNs", "()J", (void *)nb_boot_now },
	{ "tickNs", "()J", (void *)nb_tick_ns },
	{ "mountTracefs", "(Ljava/lang/String;)V", (void *)nb_mount_tracefs },
	{ "libbpfVersion", "()Ljava/lang/String;", (void *)nb_libbpf_version },
	{ "detach", "(J)V", (void *)nb_detach },
	{ "close", "(J)V", (void *)nb_close },
};

EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;
	jclass cls;

	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	cls = (*env)->FindClass(env, "dev/funnel/collector/bpf/NativeBpf");
	if (!cls || (*env)->RegisterNatives(env, cls, methods, sizeof(methods) / sizeof(methods[0])))
		return JNI_ERR;
	libbpf_set_print(capture_log);
	return JNI_VERSION_1_8;
}
