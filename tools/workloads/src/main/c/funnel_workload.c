// SPDX-License-Identifier: Apache-2.0
/*
 * funnel-workload: real kernel workloads with exactly known sizes, so tests and `funnel
 * stress` can compare what Funnel reports with what happened.
 *
 *   funnel-workload forks N [hold_ms [every_ms]]
 *                                       fork N children from this one parent, one every
 *                                       every_ms (default 0: as fast as it can); each child
 *                                       sleeps hold_ms (default 0) and exits
 *   funnel-workload getppid N [wait]    call getppid() N times (the probe program's trigger);
 *                                       with "wait", only after a byte arrives on stdin, so a
 *                                       benchmark can point the probe at this pid first
 *   funnel-workload paced RATE SECONDS [RATE SECONDS]...
 *                                       after a byte arrives on stdin, call getppid() RATE times
 *                                       a second for SECONDS, in 1 ms steps, phase after phase
 *                                       (a probe load at known rates, for bench/collector.sh)
 *   funnel-workload opens N             open and close /dev/null N times
 *   funnel-workload connects ADDR PORT N  N TCP connects to ADDR:PORT (IPv4), closed at once
 *   funnel-workload tree N              N processes in a tree, each forking at most two (a bounded
 *                                       fork bomb: no process forks more than twice)
 *   funnel-workload crashes N           N children, one after another, that die of SIGSEGV at once
 *   funnel-workload leak N              lower RLIMIT_NOFILE to N, open /dev/null until EMFILE, then
 *                                       exit at once (as a crash would: nothing closes them first)
 *   funnel-workload execchain           first makes this process's child-exec count hot (20
 *                                       children that exec /bin/true at once), then starts a child
 *                                       that execs three images in a row: /bin/sh, /usr/bin/env,
 *                                       and this program again as "forks 3 500" (three forks, held
 *                                       500 ms); prints child=PID. The kernel aggregates the
 *                                       child's execs into this process's burst: no exec record of
 *                                       the chain crosses, only its exec count does.
 *   funnel-workload spin SECONDS        burn one core for SECONDS in a function named handle_batch
 *                                       (a runaway worker: what the high_cpu detector names)
 *   funnel-workload jitspin SECONDS     the same, but in code written at run time into anonymous
 *                                       memory and named in /tmp/perf-PID.map as jit_handle_batch
 *                                       (how JIT runtimes tell profilers about their code); the map
 *                                       is removed at the end
 *
 * Prints one line "<what> <count> <elapsed_ms> pid=<pid>" on success.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_OUTSTANDING 256 /* children alive at once: stay far from pid limits */

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static long forks(long n, long hold_ms, long every_ms)
{
	long made = 0, alive = 0;

	while (made < n) {
		pid_t pid = fork();
		if (pid == 0) {
			if (hold_ms > 0)
				usleep(hold_ms * 1000);
			_exit(0);
		}
		if (pid < 0) {
			if (errno == EAGAIN && alive > 0 && wait(NULL) > 0) {
				alive--;
				continue;
			}
			perror("fork");
			break;
		}
		made++;
		alive++;
		if (every_ms > 0)
			usleep(every_ms * 1000);
		while (alive >= MAX_OUTSTANDING && wait(NULL) > 0)
			alive--;
		while (alive > 0 && waitpid(-1, NULL, WNOHANG) > 0)
			alive--;
	}
	while (alive > 0 && wait(NULL) > 0)
		alive--;
	return made;
}

static long paced(long rate, long seconds)
{
	struct timespec next;
	long done = 0, steps = seconds * 1000, i;

	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 1; i <= steps; i++) {
		long due = rate * i / 1000; /* calls owed by the end of step i */

		for (; done < due; done++)
			syscall(SYS_getppid);
		next.tv_nsec += 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return done;
}

static long opens(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			perror("open");
			break;
		}
		close(fd);
	}
	return i;
}

static long connects(const char *addr, int port, long n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	long i;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "bad IPv4 address: %s\n", addr);
		return -1;
	}
	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0) {
			perror("socket");
			break;
		}
		/* Refused connects count too: the attempt is what a burst detector looks at. */
		connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		close(fd);
	}
	return i;
}

/* This process makes up to two children, each of which carries on with half of what is left. */
static void tree_node(long n)
{
	long left = n - 1, halves[2] = { left / 2, left - left / 2 };

	for (int i = 0; i < 2; i++) {
		if (halves[i] <= 0)
			continue;
		pid_t p = fork();
		if (p == 0) {
			tree_node(halves[i]);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
}

static long tree(long n)
{
	tree_node(n); /* this process is the root: n processes in all, n - 1 forks */
	return n - 1;
}

static long crashes(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			signal(SIGSEGV, SIG_DFL);
			raise(SIGSEGV);
			_exit(1);
		}
		if (p < 0 || waitpid(p, NULL, 0) < 0)
			break;
	}
	return i;
}

static long leak(long n)
{
	struct rlimit r = { .rlim_cur = n, .rlim_max = n };
	long opened = 3;

	if (setrlimit(RLIMIT_NOFILE, &r)) {
		perror("setrlimit");
		return -1;
	}
	while (open("/dev/null", O_RDONLY) >= 0)
		opened++;
	printf("leak %ld 0 pid=%d\n", opened, getpid());
	fflush(stdout);
	_exit(0);
}

static long execchain(const char *self)
{
	pid_t child;
	int status;

	for (int i = 0; i < 20; i++) {
		pid_t p = fork();
		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
	}
	while (wait(NULL) > 0)
		;
	child = fork();
	if (child == 0) {
		/* sh -c 'exec env SELF forks 3 500': sh, then env, then SELF, in this one PID. */
		execl("/bin/sh", "sh", "-c", "exec /usr/bin/env \"$0\" forks 3 500", self, (char *)NULL);
		_exit(127);
	}
	printf("child=%d\n", child);
	fflush(stdout);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 3;
}

/* One batch of busy work, about a millisecond of it: never inlined, so it is a frame of its own. */
__attribute__((noinline)) static unsigned long handle_batch(unsigned long seed)
{
	for (int i = 0; i < 400000; i++)
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
	return seed;
}

/* Keeps one core busy in handle_batch for seconds; returns the batches done. */
__attribute__((noinline)) static long spin(long seconds)
{
	long long end = now_ms() + seconds * 1000;
	volatile unsigned long sink = 0;
	long batches = 0;

	while (now_ms() < end) {
		sink = handle_batch(sink + batches);
		batches++;
	}
	return batches;
}

/*
 * The same in run-time generated code: "mov ecx, 100000000; 1: dec ecx; jnz 1b; ret" copied
 * into an anonymous executable mapping, announced in /tmp/perf-PID.map the way a JIT does.
 */
static long jitspin(long seconds)
{
	static const unsigned char code[] = { 0xb9, 0x00, 0xe1, 0xf5, 0x05, 0xff, 0xc9, 0x75, 0xfc, 0xc3 };
	long long end = now_ms() + seconds * 1000;
	char map[64];
	long calls = 0;
	FILE *f;
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return -1;
	memcpy(page, code, sizeof(code));
	snprintf(map, sizeof(map), "/tmp/perf-%d.map", getpid());
	if (!(f = fopen(map, "w")))
		return -1;
	fprintf(f, "%lx %zx jit_handle_batch\n", (unsigned long)page, sizeof(code));
	fclose(f);
	while (now_ms() < end) {
		((void (*)(void))page)();
		calls++;
	}
	unlink(map);
	return calls;
}

int main(int argc, char **argv)
{
	long long t0 = now_ms();

	long done = -1;

	if (argc >= 3 && !strcmp(argv[1], "forks"))
		done = forks(atol(argv[2]), argc >= 4 ? atol(argv[3]) : 0, argc >= 5 ? atol(argv[4]) : 0);
	else if ((argc == 3 || argc == 4) && !strcmp(argv[1], "getppid")) {
		long n = atol(argv[2]);
		char go;
		if (argc == 4 && read(0, &go, 1) != 1)
			return 1;
		t0 = now_ms();
		for (done = 0; done < n; done++)
			syscall(SYS_getppid);
	} else if (argc >= 4 && argc % 2 == 0 && !strcmp(argv[1], "paced")) {
		char go;
		if (read(0, &go, 1) != 1)
			return 1;
		t0 = now_ms();
		done = 0;
		for (int i = 2; i + 1 < argc; i += 2)
			done += paced(atol(argv[i]), atol(argv[i + 1]));
	} else if (argc == 3 && !strcmp(argv[1], "opens"))
		done = opens(atol(argv[2]));
	else if (argc == 5 && !strcmp(argv[1], "connects"))
		done = connects(argv[2], atoi(argv[3]), atol(argv[4]));
	else if (argc == 3 && !strcmp(argv[1], "tree"))
		done = tree(atol(argv[2]));
	else if (argc == 3 && !strcmp(argv[1], "crashes"))
		done = crashes(atol(argv[2]));
	else if (argc == 3 && !strcmp(argv[1], "leak"))
		done = leak(atol(argv[2]));
	else if (argc == 2 && !strcmp(argv[1], "execchain")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0)
			return 1;
		self[n] = 0;
		done = execchain(self);
	} else if (argc == 3 && !strcmp(argv[1], "spin"))
		done = spin(atol(argv[2]));
	else if (argc == 3 && !strcmp(argv[1], "jitspin"))
		done = jitspin(atol(argv[2]));
	else {
		fprintf(stderr, "usage: %s forks N [hold_ms [every_ms]] | getppid N | paced RATE SECONDS... | opens N"
			" | connects ADDR PORT N | tree N | crashes N | leak N | execchain | spin SECONDS"
			" | jitspin SECONDS\n", argv[0]);
		return 2;
	}
	if (done < 0)
		return 1;
	printf("%s %ld %lld pid=%d\n", argv[1], done, now_ms() - t0, getpid());
	return 0;
}
