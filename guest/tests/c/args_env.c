// Prints its arguments (argv[0] by its last path component: runtimes may pass the path as given)
// and its environment in the order the runtime supplies it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  const char *slash = strrchr(argv[0], '/');
  printf("argc=%d\n", argc);
  printf("argv[0] basename=%s\n", slash ? slash + 1 : argv[0]);
  for (int i = 1; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
  int n = 0;
  for (char **e = environ; *e; e++, n++) printf("env[%d]=[%s]\n", n, *e);
  printf("envc=%d\n", n);
  const char *home = getenv("TESSERA_TEST");
  printf("getenv(TESSERA_TEST)=%s\n", home ? home : "(null)");
  return 0;
}
