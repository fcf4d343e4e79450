// Calls a function no WASI runtime provides (linked with --allow-undefined): a missing import.
extern int host_magic(int);
int main(void) { return host_magic(1); }
