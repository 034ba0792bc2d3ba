// Symbolic links inside the preopen: create, readlink, follow (open, stat), lstat without
// following, O_NOFOLLOW, dangling links, links to directories, relative targets through a
// subdirectory, and unlinking a link (not its target).
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  struct stat st;
  char buf[128];
  int fd = open("/sandbox/target.txt", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0 && write(fd, "target\n", 7) == 7, "create target.txt");
  close(fd);

  CHECK(symlink("target.txt", "/sandbox/link.txt") == 0, "symlink link.txt -> target.txt");
  ssize_t n = readlink("/sandbox/link.txt", buf, sizeof buf);
  CHECK(n == 10 && memcmp(buf, "target.txt", 10) == 0, "readlink gives 'target.txt'");
  n = readlink("/sandbox/link.txt", buf, 4);
  CHECK(n == 4 && memcmp(buf, "targ", 4) == 0, "readlink into a short buffer truncates to 4");
  fd = open("/sandbox/link.txt", O_RDONLY);
  memset(buf, 0, sizeof buf);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 7 && strcmp(buf, "target\n") == 0, "open follows the link");
  close(fd);
  CHECK(stat("/sandbox/link.txt", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 7, "stat follows: regular, 7 bytes");
  CHECK(lstat("/sandbox/link.txt", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 10, "lstat: a link of 10 bytes");
  errno = 0;
  CHECK(open("/sandbox/link.txt", O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP, "O_NOFOLLOW on a link: ELOOP (got %s)", errno_name(errno));
  errno = 0;
  CHECK(readlink("/sandbox/target.txt", buf, sizeof buf) == -1 && errno == EINVAL, "readlink of a regular file: EINVAL (got %s)", errno_name(errno));
  errno = 0;
  CHECK(symlink("whatever", "/sandbox/link.txt") == -1 && errno == EEXIST, "symlink onto an existing name: EEXIST (got %s)", errno_name(errno));

  CHECK(symlink("nowhere.txt", "/sandbox/dangling") == 0, "symlink dangling -> nowhere.txt");
  errno = 0;
  CHECK(open("/sandbox/dangling", O_RDONLY) == -1 && errno == ENOENT, "open a dangling link: ENOENT (got %s)", errno_name(errno));
  CHECK(lstat("/sandbox/dangling", &st) == 0 && S_ISLNK(st.st_mode), "lstat a dangling link works");
  fd = open("/sandbox/dangling", O_CREAT | O_WRONLY, 0644);
  // POSIX creates the target through a dangling link; report the result either way.
  printf("open(O_CREAT) through a dangling link -> %s\n", fd >= 0 ? "created" : errno_name(errno));
  if (fd >= 0) close(fd);

  CHECK(mkdir("/sandbox/dir", 0755) == 0, "mkdir dir");
  fd = open("/sandbox/dir/inner.txt", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0 && write(fd, "inner\n", 6) == 6, "create dir/inner.txt");
  close(fd);
  CHECK(symlink("dir", "/sandbox/dirlink") == 0, "symlink dirlink -> dir");
  fd = open("/sandbox/dirlink/inner.txt", O_RDONLY);
  CHECK(fd >= 0, "a path through a directory link opens");
  if (fd >= 0) close(fd);
  CHECK(stat("/sandbox/dirlink", &st) == 0 && S_ISDIR(st.st_mode), "stat a directory link: a directory");
  CHECK(symlink("../target.txt", "/sandbox/dir/up.txt") == 0, "symlink dir/up.txt -> ../target.txt");
  fd = open("/sandbox/dir/up.txt", O_RDONLY);
  memset(buf, 0, sizeof buf);
  CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 7, "'..' inside the preopen through a link is allowed");
  if (fd >= 0) close(fd);
  CHECK(symlink("link.txt", "/sandbox/chain") == 0, "symlink chain -> link.txt -> target.txt");
  CHECK(stat("/sandbox/chain", &st) == 0 && st.st_size == 7, "a chain of two links resolves");

  CHECK(unlink("/sandbox/link.txt") == 0, "unlink the link");
  CHECK(stat("/sandbox/target.txt", &st) == 0, "its target is still there");
  errno = 0;
  CHECK(stat("/sandbox/chain", &st) == -1 && errno == ENOENT, "the chain now dangles: ENOENT (got %s)", errno_name(errno));
  return finish();
}
