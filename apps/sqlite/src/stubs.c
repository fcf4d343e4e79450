// What the sqlite3 shell calls that wasi-libc lacks.
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// realpath without symlink resolution: the path made absolute against the cwd, as the shell only
// uses it to print and compare file names.
char *realpath(const char *restrict path, char *restrict resolved) {
  char buf[PATH_MAX];
  if (!path) { errno = EINVAL; return NULL; }
  if (path[0] == '/') {
    if (strlen(path) >= PATH_MAX) { errno = ENAMETOOLONG; return NULL; }
    strcpy(buf, path);
  } else {
    if (!getcwd(buf, sizeof buf)) return NULL;
    size_t n = strlen(buf);
    if (n + 1 + strlen(path) >= PATH_MAX) { errno = ENAMETOOLONG; return NULL; }
    if (n > 1) buf[n++] = '/';
    strcpy(buf + n, path);
  }
  if (resolved) { strcpy(resolved, buf); return resolved; }
  return strdup(buf);
}

#include <sys/stat.h>
// WASI preview1 has no permission bits: chmod succeeds on a file that exists and changes nothing.
int chmod(const char *path, mode_t mode) {
  (void)mode;
  struct stat st;
  return stat(path, &st);
}

// One process, no shell to run: .system and .shell report it the POSIX way.
int system(const char *cmd) {
  if (!cmd) return 0; // "no command processor is available"
  errno = ENOSYS;
  return -1;
}
