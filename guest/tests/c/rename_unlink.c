// rename and unlink: files and directories, renaming over an existing file, across directories,
// hard links (link count and shared content), and the errors POSIX and WASI name for misuse.
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int put(const char *path, const char *text) {
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static const char *get(const char *path) {
  static char buf[128];
  int fd = open(path, O_RDONLY);
  if (fd < 0) return "(cannot open)";
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  return buf;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

int main(void) {
  struct stat st;
  CHECK(put("/sandbox/one.txt", "one\n") == 0 && put("/sandbox/two.txt", "two\n") == 0, "create one.txt and two.txt");
  CHECK(rename("/sandbox/one.txt", "/sandbox/uno.txt") == 0, "rename one.txt -> uno.txt");
  CHECK(!exists("/sandbox/one.txt") && strcmp(get("/sandbox/uno.txt"), "one\n") == 0, "old name gone, content kept");
  CHECK(rename("/sandbox/uno.txt", "/sandbox/two.txt") == 0, "rename uno.txt over two.txt");
  CHECK(!exists("/sandbox/uno.txt") && strcmp(get("/sandbox/two.txt"), "one\n") == 0, "two.txt now holds one's content");

  CHECK(mkdir("/sandbox/a", 0755) == 0 && mkdir("/sandbox/b", 0755) == 0, "mkdir a and b");
  CHECK(rename("/sandbox/two.txt", "/sandbox/a/moved.txt") == 0, "rename into a subdirectory");
  CHECK(rename("/sandbox/a", "/sandbox/b/a2") == 0, "rename a directory into another");
  CHECK(strcmp(get("/sandbox/b/a2/moved.txt"), "one\n") == 0, "file moved with its directory");
  CHECK(mkdir("/sandbox/emptydir", 0755) == 0 && rename("/sandbox/emptydir", "/sandbox/b/a3") == 0, "rename an empty directory");

  errno = 0;
  CHECK(rename("/sandbox/nothing", "/sandbox/x") == -1 && errno == ENOENT, "rename a missing file: ENOENT (got %s)", errno_name(errno));
  CHECK(put("/sandbox/f.txt", "f\n") == 0, "create f.txt");
  errno = 0;
  CHECK(rename("/sandbox/f.txt", "/sandbox/b") == -1 && errno == EISDIR, "rename a file over a directory: EISDIR (got %s)", errno_name(errno));
  errno = 0;
  CHECK(rename("/sandbox/b", "/sandbox/f.txt") == -1 && errno == ENOTDIR, "rename a directory over a file: ENOTDIR (got %s)", errno_name(errno));
  errno = 0;
  CHECK(rename("/sandbox/b", "/sandbox/b/a2/inside") == -1 && errno == EINVAL, "rename a directory into itself: EINVAL (got %s)", errno_name(errno));
  CHECK(mkdir("/sandbox/full", 0755) == 0 && put("/sandbox/full/x", "x") == 0, "make a non-empty directory");
  errno = 0;
  CHECK(rename("/sandbox/b/a3", "/sandbox/full") == -1 && (errno == ENOTEMPTY), "rename over a non-empty directory: ENOTEMPTY (got %s)", errno_name(errno));

  CHECK(link("/sandbox/f.txt", "/sandbox/f-link.txt") == 0, "hard link f.txt -> f-link.txt");
  CHECK(stat("/sandbox/f.txt", &st) == 0 && st.st_nlink == 2, "link count is 2");
  CHECK(put("/sandbox/f-link.txt", "changed\n") == 0 && strcmp(get("/sandbox/f.txt"), "changed\n") == 0, "a write through one name shows through the other");
  errno = 0;
  CHECK(link("/sandbox/f.txt", "/sandbox/f-link.txt") == -1 && errno == EEXIST, "link onto an existing name: EEXIST (got %s)", errno_name(errno));
  CHECK(unlink("/sandbox/f.txt") == 0, "unlink f.txt");
  CHECK(!exists("/sandbox/f.txt") && strcmp(get("/sandbox/f-link.txt"), "changed\n") == 0, "the other name keeps the content");
  CHECK(stat("/sandbox/f-link.txt", &st) == 0 && st.st_nlink == 1, "link count back to 1");

  errno = 0;
  CHECK(unlink("/sandbox/f.txt") == -1 && errno == ENOENT, "unlink it again: ENOENT (got %s)", errno_name(errno));
  errno = 0;
  int r = unlink("/sandbox/b");
  // POSIX allows EPERM, Linux (and the WASI specification's path_unlink_file) say EISDIR.
  CHECK(r == -1 && errno == EISDIR, "unlink a directory: EISDIR (got %s)", errno_name(errno));
  errno = 0;
  CHECK(link("/sandbox/b", "/sandbox/b-link") == -1 && (errno == EPERM), "hard link to a directory: EPERM (got %s)", errno_name(errno));

  // An open file stays readable after its name is removed.
  CHECK(put("/sandbox/tmp.txt", "still here\n") == 0, "create tmp.txt");
  int fd = open("/sandbox/tmp.txt", O_RDONLY);
  CHECK(unlink("/sandbox/tmp.txt") == 0, "unlink tmp.txt while open");
  char buf[32] = {0};
  CHECK(read(fd, buf, sizeof buf - 1) == 11 && strcmp(buf, "still here\n") == 0, "the open descriptor still reads it");
  close(fd);
  CHECK(rmdir("/sandbox/b/a3") == 0, "rmdir the empty renamed directory");
  return finish();
}
