/* fcntl with the flag commands only, as most programs call it: built with libc-shim's <fcntl.h>
 * (whose macro sends F_DUPFD to WASIX's fd_dup2) it must still import preview1 alone. */
#include <fcntl.h>
#include <stdio.h>

int main(void) {
  int fl = fcntl(1, F_GETFL);
  int set = fcntl(1, F_SETFL, fl | O_APPEND);
  int back = fcntl(1, F_SETFL, fl);
  printf("getfl %d setfl %d %d getfd %d\n", fl >= 0, set, back, fcntl(1, F_GETFD) >= 0);
  return 0;
}
