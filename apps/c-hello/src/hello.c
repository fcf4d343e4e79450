// An ordinary C program: nothing in it knows it runs on a unikernel.
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* `--poll-stdin`: waits for a line on the console with poll(2), as an event loop does. */
static int poll_stdin(void) {
  struct pollfd p = {0, POLLIN, 0};
  printf("c-hello: poll with nothing typed: %d\n", poll(&p, 1, 30));
  printf("c-hello: waiting for a line\n");
  fflush(stdout);
  int n = poll(&p, 1, 10000);
  char line[64];
  ssize_t got = n == 1 ? read(0, line, sizeof line) : -1;
  printf("c-hello: poll %d revents %d, read '%.*s'\n", n, p.revents, got > 0 ? (int)got - 1 : 0,
         line);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--poll-stdin") == 0) return poll_stdin();
  printf("c-hello: %d args:", argc);
  for (int i = 0; i < argc; i++) printf(" %s", argv[i]);
  printf("\nc-hello: GREETING=%s\n", getenv("GREETING") ? getenv("GREETING") : "(unset)");

  mkdir("/data", 0755);
  FILE *f = fopen("/data/notes.txt", "w");
  if (!f) { perror("fopen"); return 1; }
  for (int i = 1; i <= 3; i++) fprintf(f, "note %d\n", i);
  fclose(f);
  struct stat st;
  stat("/data/notes.txt", &st);
  printf("c-hello: /data/notes.txt is %lld bytes\n", (long long)st.st_size);

  DIR *d = opendir("/dev");
  int devs = 0;
  for (struct dirent *e; d && (e = readdir(d));) devs += e->d_name[0] != '.';
  if (d) closedir(d);
  printf("c-hello: /dev has %d entries\n", devs);

  struct timespec a, b, ten = {0, 10 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &a);
  nanosleep(&ten, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("c-hello: slept %s\n", ms >= 10 ? "at least 10 ms" : "too little");
  time_t now = time(NULL);
  printf("c-hello: the year is %s\n", now > 1700000000 ? "after 2023" : "wrong");
  return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
