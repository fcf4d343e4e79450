/* Imports a WASIX call libc-shim does not provide (proc_fork): loading it must name the import. */
#include <stdint.h>
__attribute__((import_module("wasix_32v1"), import_name("proc_fork"))) uint32_t
rk_proc_fork(uint32_t copy, uint32_t *pid);

int main(void) {
  uint32_t pid;
  return (int)rk_proc_fork(0, &pid);
}
