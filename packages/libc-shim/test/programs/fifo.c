/* What a program learns of a pipe on its stdin: its type, then its data to EOF. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  struct stat st;
  if (fstat(0, &st) != 0) {
    perror("fstat");
    return 1;
  }
  printf("stdin S_ISFIFO %d S_ISREG %d S_ISCHR %d isatty %d\n", S_ISFIFO(st.st_mode),
         S_ISREG(st.st_mode), S_ISCHR(st.st_mode), isatty(0));
  char buf[256];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) total += n;
  printf("read %ld bytes, then %zd\n", total, n);
  return 0;
}
