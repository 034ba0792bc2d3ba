// The smallest useful program: the startup benchmark runs it, and the tests check its one line.
#include <stdio.h>

int main(void) {
  puts("hello, world");
  return 0;
}
