// Files and directories through wasi-libc: create, write, read back, stat, pread/pwrite, seek,
// truncate (by descriptor and by path), append, O_EXCL/O_TRUNC, times, sync, and the errors of
// misuse. Works in the preopen /sandbox, which holds input.txt ("input file\n") on entry.
#include "common.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static int read_all(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, cap - 1);
  close(fd);
  if (n < 0) return -1;
  buf[n] = 0;
  return (int)n;
}

int main(void) {
  char buf[256];
  struct stat st;

  CHECK(read_all("/sandbox/input.txt", buf, sizeof buf) == 11 && strcmp(buf, "input file\n") == 0,
        "read the given input.txt");

  CHECK(mkdir("/sandbox/d", 0755) == 0, "mkdir d");
  errno = 0;
  CHECK(mkdir("/sandbox/d", 0755) == -1 && errno == EEXIST, "mkdir d again: EEXIST (got %s)", errno_name(errno));
  CHECK(mkdir("/sandbox/d/e/f", 0755) == -1 && errno == ENOENT, "mkdir d/e/f without d/e: ENOENT (got %s)", errno_name(errno));
  CHECK(stat("/sandbox/d", &st) == 0 && S_ISDIR(st.st_mode), "stat d: a directory");

  int fd = open("/sandbox/d/a.txt", O_CREAT | O_EXCL | O_RDWR, 0644);
  CHECK(fd >= 0, "create d/a.txt with O_EXCL");
  CHECK(write(fd, "hello world\n", 12) == 12, "write 12 bytes");
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12, "fstat: regular, size 12");
  CHECK(lseek(fd, 0, SEEK_CUR) == 12, "position after the write is 12");
  CHECK(lseek(fd, 0, SEEK_SET) == 0, "seek to 0");
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, sizeof buf) == 12 && strcmp(buf, "hello world\n") == 0, "read back 'hello world\\n'");
  CHECK(read(fd, buf, sizeof buf) == 0, "read at the end returns 0");
  CHECK(pwrite(fd, "WASI!", 5, 6) == 5, "pwrite 'WASI!' at 6");
  CHECK(lseek(fd, 0, SEEK_CUR) == 12, "pwrite leaves the position at 12");
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "WASI!", 5) == 0, "pread 5 at 6: 'WASI!'");
  CHECK(lseek(fd, -3, SEEK_END) == 9, "seek -3 from the end: 9");
  errno = 0;
  CHECK(lseek(fd, -100, SEEK_SET) == -1 && errno == EINVAL, "seek before the start: EINVAL (got %s)", errno_name(errno));
  CHECK(fsync(fd) == 0, "fsync");
  CHECK(fdatasync(fd) == 0, "fdatasync");
  CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate to 5");
  CHECK(ftruncate(fd, 10) == 0 && fstat(fd, &st) == 0 && st.st_size == 10, "ftruncate to 10 (grows)");
  memset(buf, 'x', sizeof buf);
  CHECK(pread(fd, buf, 10, 0) == 10 && memcmp(buf, "hello\0\0\0\0\0", 10) == 0, "grown part reads as zeros");
  CHECK(posix_fallocate(fd, 0, 20) == 0 && fstat(fd, &st) == 0 && st.st_size == 20, "posix_fallocate to 20");
  CHECK(close(fd) == 0, "close");
  errno = 0;
  CHECK(close(fd) == -1 && errno == EBADF, "close again: EBADF (got %s)", errno_name(errno));

  CHECK(truncate("/sandbox/d/a.txt", 3) == 0 && stat("/sandbox/d/a.txt", &st) == 0 && st.st_size == 3, "truncate by path to 3");
  errno = 0;
  CHECK(open("/sandbox/d/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST, "O_EXCL on an existing file: EEXIST (got %s)", errno_name(errno));

  fd = open("/sandbox/d/a.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0, "open for append");
  CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0, "F_GETFL shows O_APPEND");
  lseek(fd, 0, SEEK_SET);
  CHECK(write(fd, "+tail", 5) == 5, "append 5 bytes");
  close(fd);
  CHECK(read_all("/sandbox/d/a.txt", buf, sizeof buf) == 8 && strcmp(buf, "hel+tail") == 0, "append went to the end: 'hel+tail'");

  fd = open("/sandbox/d/b.txt", O_CREAT | O_WRONLY, 0644);
  CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10, "create b.txt with 10 bytes");
  close(fd);
  fd = open("/sandbox/d/b.txt", O_WRONLY | O_TRUNC);
  CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties b.txt");
  CHECK(write(fd, "short\n", 6) == 6, "write b.txt again");
  close(fd);

  struct timespec times[2] = {{1000000000, 0}, {1234567890, 500000000}};
  CHECK(utimensat(AT_FDCWD, "/sandbox/d/b.txt", times, 0) == 0, "utimensat b.txt");
  CHECK(stat("/sandbox/d/b.txt", &st) == 0 && st.st_atim.tv_sec == 1000000000 && st.st_mtim.tv_sec == 1234567890,
        "stat shows the times that were set");
  CHECK(st.st_mtim.tv_nsec == 500000000, "mtime nanoseconds kept");
  CHECK(st.st_nlink == 1, "nlink is 1");

  errno = 0;
  CHECK(open("/sandbox/missing.txt", O_RDONLY) == -1 && errno == ENOENT, "open a missing file: ENOENT (got %s)", errno_name(errno));
  errno = 0;
  CHECK(open("/sandbox/d", O_WRONLY) == -1 && errno == EISDIR, "open a directory for writing: EISDIR (got %s)", errno_name(errno));
  errno = 0;
  CHECK(open("/sandbox/d/b.txt/x", O_RDONLY) == -1 && errno == ENOTDIR, "a file as a directory: ENOTDIR (got %s)", errno_name(errno));
  errno = 0;
  CHECK(open("/sandbox/d/b.txt", O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR, "O_DIRECTORY on a file: ENOTDIR (got %s)", errno_name(errno));
  errno = 0;
  CHECK(mkdir("/sandbox/d/b.txt", 0755) == -1 && errno == EEXIST, "mkdir over a file: EEXIST (got %s)", errno_name(errno));
  errno = 0;
  CHECK(rmdir("/sandbox/d") == -1 && errno == ENOTEMPTY, "rmdir a non-empty directory: ENOTEMPTY (got %s)", errno_name(errno));
  errno = 0;
  CHECK(rmdir("/sandbox/d/b.txt") == -1 && errno == ENOTDIR, "rmdir a file: ENOTDIR (got %s)", errno_name(errno));
  fd = open("/sandbox/d/b.txt", O_RDONLY);
  errno = 0;
  CHECK(write(fd, "x", 1) == -1 && errno == EBADF, "write to a read-only descriptor: EBADF (got %s)", errno_name(errno));
  close(fd);

  CHECK(mkdir("/sandbox/empty", 0755) == 0 && rmdir("/sandbox/empty") == 0, "mkdir then rmdir an empty directory");
  errno = 0;
  CHECK(stat("/sandbox/empty", &st) == -1 && errno == ENOENT, "the removed directory is gone: ENOENT (got %s)", errno_name(errno));
  return finish();
}
