// Exits with the code given as argv[1], by exit(), by returning from main, or by _Exit (argv[2]).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: exit_code N exit|return|_Exit\n"); return 2; }
  int n = atoi(argv[1]);
  printf("exiting with %d by %s\n", n, argv[2]);
  fflush(stdout);
  if (strcmp(argv[2], "exit") == 0) exit(n);
  if (strcmp(argv[2], "_Exit") == 0) _Exit(n);
  return n;
}
