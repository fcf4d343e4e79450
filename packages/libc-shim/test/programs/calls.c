// One libc call in a loop, for the sync-path test and bench:wasicalls.
//   calls write PATH N   N one-byte write()s to PATH (created/truncated; /dev/null works)
//   calls read PATH      read() PATH one byte at a time, then pread() each byte back
//   calls clock N        N clock_gettime(CLOCK_MONOTONIC), checked never to go back
//   calls yield N        N sched_yield() (each one a blocking call: the kernel runs other threads)
//   calls realtime N     N clock_gettime(CLOCK_REALTIME); prints the last one in ns
//   calls random N       N getentropy() of 8 bytes, checked not all zero
//   calls seek PATH N    N lseek() on a 64 KiB file at PATH (created), SEEK_SET to varying offsets
//   calls fstat PATH N   N fstat() of that file
//   calls pread PATH N   N 4 KiB pread()s of that file (SQLite's page reads), offsets cycling
//   calls pwrite PATH N  N 4 KiB pwrite()s into it, offsets cycling
//   calls lock PATH N    N rounds of SQLite's autocommit file calls on PATH (dot-file locking:
//                        mkdir/utimes/stat/rmdir of PATH.lock; PATH-journal created, written,
//                        synced, closed, unlinked), each result and errno checked
//   calls times PATH     file times from the kernel's coarse clock: a write 5 ms after another
//                        moves mtime; stamps lie between the wall-clock reads around them (at
//                        most the 1 ms granularity earlier); futimens/utimensat with NULL, UTIME_NOW
//                        and UTIME_OMIT
//   calls resize PATH N  N rounds of ftruncate (grow, shrink) and futimens on PATH, sizes and
//                        errors (EINVAL) checked
//   calls names DIR N    N rounds of rename, link, symlink, readlink and readdir in DIR (made
//                        if missing; left empty), each result and errno checked
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns_of(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }

static int fail(const char *what) {
  perror(what);
  return 1;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "write")) {
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("open");
    long n = atol(argv[3]);
    for (long i = 0; i < n; i++) {
      char c = 'a' + i % 26;
      if (write(fd, &c, 1) != 1) return fail("write");
    }
    if (close(fd)) return fail("close");
    printf("wrote %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "read")) {
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) return fail("open");
    long n = 0;
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) == 1) {
      if (c != 'a' + n % 26) return fail("read: wrong byte");
      n++;
    }
    if (r < 0) return fail("read");
    for (long i = n - 1; i >= 0; i--)
      if (pread(fd, &c, 1, i) != 1 || c != 'a' + i % 26) return fail("pread");
    close(fd);
    printf("read %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "clock")) {
    long n = atol(argv[2]);
    struct timespec last = {0, 0}, t;
    for (long i = 0; i < n; i++) {
      if (clock_gettime(CLOCK_MONOTONIC, &t)) return fail("clock_gettime");
      if (t.tv_sec < last.tv_sec || (t.tv_sec == last.tv_sec && t.tv_nsec < last.tv_nsec))
        return fail("clock went back");
      last = t;
    }
    printf("clock %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "yield")) {
    long n = atol(argv[2]);
    for (long i = 0; i < n; i++)
      if (sched_yield()) return fail("sched_yield");
    printf("yield %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "random")) {
    long n = atol(argv[2]);
    for (long i = 0; i < n; i++) {
      unsigned long long r = 0;
      if (getentropy(&r, sizeof r)) return fail("getentropy");
      if (r == 0) return fail("getentropy: all zero");
    }
    printf("random %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "realtime")) {
    long n = atol(argv[2]);
    struct timespec t = {0, 0};
    for (long i = 0; i < n; i++)
      if (clock_gettime(CLOCK_REALTIME, &t)) return fail("clock_gettime");
    printf("realtime %lld\n", (long long)t.tv_sec * 1000000000LL + t.tv_nsec);
    return 0;
  }
  if (argc == 4 && (!strcmp(argv[1], "seek") || !strcmp(argv[1], "fstat") ||
                    !strcmp(argv[1], "pread") || !strcmp(argv[1], "pwrite"))) {
    enum { PAGE = 4096, PAGES = 16 };
    static char page[PAGE];
    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("open");
    for (int p = 0; p < PAGES; p++) {
      memset(page, 'a' + p, PAGE);
      if (write(fd, page, PAGE) != PAGE) return fail("write");
    }
    long n = atol(argv[3]);
    long sum = 0;
    char op = argv[1][1];
    for (long i = 0; i < n; i++) {
      off_t at = (off_t)(i % PAGES) * PAGE;
      if (op == 'e') {
        if (lseek(fd, at + i % 7, SEEK_SET) != at + i % 7) return fail("lseek");
      } else if (op == 's') {
        struct stat st;
        if (fstat(fd, &st) || st.st_size != PAGE * PAGES) return fail("fstat");
      } else if (op == 'r') {
        if (pread(fd, page, PAGE, at) != PAGE) return fail("pread");
        sum += page[i % PAGE];
      } else if (pwrite(fd, page, PAGE, at) != PAGE) {
        return fail("pwrite");
      }
    }
    if (close(fd)) return fail("close");
    printf("%s %ld %ld\n", argv[1], n, sum);
    return 0;
  }
  if (argc == 4 && !strcmp(argv[1], "lock")) {
    char lock[512], journal[512];
    snprintf(lock, sizeof lock, "%s.lock", argv[2]);
    snprintf(journal, sizeof journal, "%s-journal", argv[2]);
    long n = atol(argv[3]);
    struct stat st;
    for (long i = 0; i < n; i++) {
      int fd = open(argv[2], O_RDWR | O_CREAT, 0644);
      if (fd < 0) return fail("open");
      if (fstat(fd, &st) || !S_ISREG(st.st_mode)) return fail("fstat");
      if (mkdir(lock, 0777)) return fail("mkdir lock");
      if (mkdir(lock, 0777) == 0 || errno != EEXIST) return fail("mkdir lock again: not EEXIST");
      if (utimes(lock, NULL)) return fail("utimes lock");
      if (stat(lock, &st) || !S_ISDIR(st.st_mode)) return fail("stat lock");
      int j = open(journal, O_RDWR | O_CREAT | O_TRUNC, 0644);
      if (j < 0) return fail("open journal");
      char c = 'j';
      if (write(j, &c, 1) != 1) return fail("write journal");
      if (fsync(j)) return fail("fsync journal");
      if (close(j)) return fail("close journal");
      if (unlink(journal)) return fail("unlink journal");
      if (unlink(journal) == 0 || errno != ENOENT) return fail("unlink journal again: not ENOENT");
      if (rmdir(lock)) return fail("rmdir lock");
      if (stat(lock, &st) == 0 || errno != ENOENT) return fail("stat lock after rmdir: not ENOENT");
      if (lseek(fd, 0, SEEK_END) != i || write(fd, &c, 1) != 1 || fsync(fd))
        return fail("lseek/write/fsync");
      if (close(fd)) return fail("close");
      if (close(fd) == 0 || errno != EBADF) return fail("close again: not EBADF");
    }
    if (stat(argv[2], &st) || st.st_size != n) return fail("stat: wrong size");
    printf("lock %ld\n", n);
    return 0;
  }
  if (argc == 4 && !strcmp(argv[1], "resize")) {
    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("open");
    long n = atol(argv[3]);
    struct stat st;
    struct timespec t[2] = {{7, 0}, {0, UTIME_OMIT}};
    for (long i = 0; i < n; i++) {
      off_t len = 4096 * (i % 4 + 1) + i % 7;
      if (ftruncate(fd, len) || fstat(fd, &st) || st.st_size != len) return fail("ftruncate grow");
      if (ftruncate(fd, -1) == 0 || errno != EINVAL) return fail("ftruncate to -1: not EINVAL");
      if (futimens(fd, t) || fstat(fd, &st) || st.st_atim.tv_sec != 7) return fail("futimens");
      if (ftruncate(fd, 0) || fstat(fd, &st) || st.st_size != 0) return fail("ftruncate shrink");
    }
    close(fd);
    printf("resize %ld\n", n);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "times")) {
    int fd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("open");
    struct stat a, b;
    struct timespec mono, before, after, nap = {0, 5000000};
    if (fstat(fd, &a)) return fail("fstat");
    if (nanosleep(&nap, NULL)) return fail("nanosleep");
    clock_gettime(CLOCK_REALTIME, &before);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    if (write(fd, "x", 1) != 1 || fstat(fd, &b)) return fail("write/fstat");
    clock_gettime(CLOCK_REALTIME, &after);
    long long t0 = ns_of(a.st_mtim), t1 = ns_of(b.st_mtim);
    long long lo = ns_of(before) - 2000000, hi = ns_of(after);
    if (t1 < t0 + 3000000) return fail("mtime did not move 5 ms after the first stamp");
    if (t1 < lo || t1 > hi) return fail("mtime outside the wall-clock reads around the write");
    if (ns_of(b.st_ctim) != t1) return fail("ctime is not the write's stamp");
    if (nanosleep(&nap, NULL)) return fail("nanosleep");
    clock_gettime(CLOCK_REALTIME, &before);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    // NULL is both now (libc-shim's rk_utimens.c: Debian's wasi-libc sent two zero times)
    if (futimens(fd, NULL) || fstat(fd, &b)) return fail("futimens(NULL)/fstat");
    clock_gettime(CLOCK_REALTIME, &after);
    lo = ns_of(before) - 2000000;
    hi = ns_of(after);
    if (ns_of(b.st_atim) != ns_of(b.st_mtim)) return fail("futimens(NULL): atime != mtime");
    if (ns_of(b.st_mtim) < lo || ns_of(b.st_mtim) > hi) return fail("futimens(NULL) is not now");
    if (ns_of(b.st_mtim) < t1 + 3000000) return fail("futimens(NULL) did not move 5 ms later");
    struct timespec set[2] = {{0, UTIME_OMIT}, {1000000000, 5}};
    long long atime = ns_of(b.st_atim);
    if (futimens(fd, set) || fstat(fd, &b)) return fail("futimens(OMIT, t)/fstat");
    if (ns_of(b.st_atim) != atime || ns_of(b.st_mtim) != 1000000000000000005LL)
      return fail("futimens(OMIT, t): wrong times");
    set[0].tv_nsec = UTIME_NOW;
    if (utimensat(AT_FDCWD, argv[2], set, 0) || fstat(fd, &b)) return fail("utimensat/fstat");
    if (ns_of(b.st_atim) < ns_of(after) - 2000000 || ns_of(b.st_mtim) != 1000000000000000005LL)
      return fail("utimensat(NOW, t): wrong times");
    set[0].tv_nsec = 1000000000;
    if (utimensat(AT_FDCWD, argv[2], set, 0) == 0 || errno != EINVAL)
      return fail("utimensat with nsec 1e9: not EINVAL");
    close(fd);
    printf("times ok\n");
    return 0;
  }
  if (argc == 4 && !strcmp(argv[1], "names")) {
    char a[512], b[512], h[512], s[512], sub[512], buf[16];
    snprintf(a, sizeof a, "%s/a", argv[2]);
    snprintf(b, sizeof b, "%s/b", argv[2]);
    snprintf(h, sizeof h, "%s/h", argv[2]);
    snprintf(s, sizeof s, "%s/s", argv[2]);
    snprintf(sub, sizeof sub, "%s/sub", argv[2]);
    if (mkdir(argv[2], 0777) && errno != EEXIST) return fail("mkdir");
    long n = atol(argv[3]);
    struct stat st;
    for (long i = 0; i < n; i++) {
      int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || write(fd, "x", 1) != 1 || close(fd)) return fail("create a");
      if (rename(a, b)) return fail("rename a b");
      if (rename(a, h) == 0 || errno != ENOENT) return fail("rename a again: not ENOENT");
      if (rename(argv[2], sub) == 0 || errno != EINVAL) return fail("rename into itself: not EINVAL");
      if (link(b, h)) return fail("link b h");
      if (link(b, h) == 0 || errno != EEXIST) return fail("link again: not EEXIST");
      if (stat(b, &st) || st.st_nlink != 2) return fail("stat b: nlink not 2");
      if (symlink("b", s)) return fail("symlink");
      if (symlink("b", s) == 0 || errno != EEXIST) return fail("symlink again: not EEXIST");
      if (readlink(s, buf, sizeof buf) != 1 || buf[0] != 'b') return fail("readlink");
      if (readlink(b, buf, sizeof buf) >= 0 || errno != EINVAL) return fail("readlink file: not EINVAL");
      if (readlink(a, buf, sizeof buf) >= 0 || errno != ENOENT) return fail("readlink a: not ENOENT");
      DIR *d = opendir(argv[2]);
      if (!d) return fail("opendir");
      int names = 0;
      struct dirent *e;
      errno = 0;
      while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names += e->d_name[0];
      if (errno) return fail("readdir");
      if (closedir(d)) return fail("closedir");
      if (names != 'b' + 'h' + 's') return fail("readdir: not b, h and s");
      if (rename(s, b)) return fail("rename s over b");
      if (lstat(b, &st) || !S_ISLNK(st.st_mode)) return fail("lstat b: not the symlink");
      if (unlink(b) || unlink(h)) return fail("unlink");
    }
    printf("names %ld\n", n);
    return 0;
  }
  fprintf(stderr, "usage: calls write PATH N | calls read PATH | calls clock N | calls yield N | "
                  "calls realtime N | calls random N | calls seek|fstat|pread|pwrite PATH N | "
                  "calls lock PATH N | calls resize PATH N | calls times PATH | calls names DIR N\n");
  return 2;
}
