// Escape attempts against the capability sandbox. argv[1] names one attempt; the program makes
// it with the raw WASI calls (so no libc path handling stands between it and the runtime), prints
// "NAME -> ERRNO" and, should an attempt succeed in reading something, "LEAK: " and what it read.
// The host side (tests/Tessera.Wasi.Programs.Tests) lays out, next to the preopen /sandbox:
//   ROOT/secret.txt   sentinel outside the preopen      ROOT/outdir/      empty directory outside
//   ROOT/outlink -> secret.txt
//   sandbox/file.txt, sandbox/sub/, and the links below:
//   out_abs -> /etc   out_up -> ..   out_secret -> ../secret.txt   host_abs -> ROOT/secret.txt
//   chain1 -> chain2 -> chain3 -> ../secret.txt   loop1 <-> loop2   sub/deep -> ../../secret.txt
#include "common.h"
#include <fcntl.h>
#include <unistd.h>

static int pre;

static const __wasi_rights_t read_rights = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET;
static const __wasi_rights_t dir_rights = __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_PATH_FILESTAT_GET;
static const __wasi_rights_t write_rights = __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ;

// Opens PATH under DIR for reading; on success reads and prints what leaked.
static __wasi_errno_t try_read(__wasi_fd_t dir, __wasi_lookupflags_t lookup, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  __wasi_rights_t rights = (oflags & __WASI_OFLAGS_DIRECTORY) ? dir_rights | read_rights : read_rights;
  __wasi_errno_t e = __wasi_path_open(dir, lookup, path, oflags, rights, rights, 0, &fd);
  if (e == 0) {
    char buf[200];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    if (oflags & __WASI_OFLAGS_DIRECTORY) {
      __wasi_size_t used = 0;
      if (__wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &used) == 0) printf("LEAK: listed %u bytes of directory entries\n", (unsigned)used);
    } else if (__wasi_fd_read(fd, &iov, 1, &n) == 0) {
      buf[n] = 0;
      printf("LEAK: read %u bytes: %s\n", (unsigned)n, buf);
    }
    (void)__wasi_fd_close(fd);
  }
  return e;
}

static __wasi_errno_t try_create(__wasi_fd_t dir, const char *path) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, 0, path, __WASI_OFLAGS_CREAT, write_rights, write_rights, 0, &fd);
  if (e == 0) {
    __wasi_ciovec_t iov = {(const uint8_t *)"escaped\n", 8};
    __wasi_size_t n;
    (void)__wasi_fd_write(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
    printf("LEAK: created %s\n", path);
  }
  return e;
}

static __wasi_errno_t open_sub(__wasi_fd_t *sub) {
  return __wasi_path_open((__wasi_fd_t)pre, 0, "sub", __WASI_OFLAGS_DIRECTORY, dir_rights | __WASI_RIGHTS_PATH_CREATE_FILE,
                          dir_rights | read_rights | write_rights, 0, sub);
}

static __wasi_errno_t attempt(const char *name) {
  const __wasi_fd_t p = (__wasi_fd_t)pre;
  const __wasi_lookupflags_t follow = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  if (!strcmp(name, "open_dotdot")) return try_read(p, follow, "../secret.txt", 0);
  if (!strcmp(name, "open_absolute")) return try_read(p, follow, "/etc/passwd", 0);
  if (!strcmp(name, "open_deep_dotdot")) return try_read(p, follow, "sub/../../secret.txt", 0);
  if (!strcmp(name, "open_parent_dir")) return try_read(p, follow, "..", __WASI_OFLAGS_DIRECTORY);
  if (!strcmp(name, "symlink_to_etc")) return try_read(p, follow, "out_abs/passwd", 0);
  if (!strcmp(name, "symlink_to_parent")) return try_read(p, follow, "out_up/secret.txt", 0);
  if (!strcmp(name, "symlink_to_file_outside")) return try_read(p, follow, "out_secret", 0);
  if (!strcmp(name, "symlink_to_host_absolute")) return try_read(p, follow, "host_abs", 0);
  if (!strcmp(name, "symlink_chain_leaving")) return try_read(p, follow, "chain1", 0);
  if (!strcmp(name, "symlink_loop")) return try_read(p, follow, "loop1", 0);
  if (!strcmp(name, "symlink_in_subdir_leaving")) return try_read(p, follow, "sub/deep", 0);
  if (!strcmp(name, "symlink_dir_create_through")) return try_create(p, "out_up/created.txt");
  if (!strcmp(name, "create_dotdot")) return try_create(p, "../created.txt");
  if (!strcmp(name, "subdir_fd_dotdot")) {
    __wasi_fd_t sub;
    __wasi_errno_t e = open_sub(&sub);
    if (e) return e;
    e = try_read(sub, follow, "../../secret.txt", 0);
    (void)__wasi_fd_close(sub);
    return e;
  }
  if (!strcmp(name, "subdir_fd_to_preopen")) {
    // The subdirectory's descriptor is a capability for the subdirectory only.
    __wasi_fd_t sub;
    __wasi_errno_t e = open_sub(&sub);
    if (e) return e;
    e = try_read(sub, follow, "../file.txt", 0);
    (void)__wasi_fd_close(sub);
    return e;
  }
  if (!strcmp(name, "mkdir_dotdot")) return __wasi_path_create_directory(p, "../newdir");
  if (!strcmp(name, "rmdir_outside")) return __wasi_path_remove_directory(p, "../outdir");
  if (!strcmp(name, "unlink_outside")) return __wasi_path_unlink_file(p, "../secret.txt");
  if (!strcmp(name, "rename_out")) return __wasi_path_rename(p, "file.txt", p, "../moved.txt");
  if (!strcmp(name, "rename_in")) return __wasi_path_rename(p, "../secret.txt", p, "stolen.txt");
  if (!strcmp(name, "rename_through_symlink_dir")) return __wasi_path_rename(p, "file.txt", p, "out_up/moved.txt");
  if (!strcmp(name, "link_out")) return __wasi_path_link(p, 0, "file.txt", p, "../linked.txt");
  if (!strcmp(name, "link_in")) return __wasi_path_link(p, 0, "../secret.txt", p, "stolen.txt");
  if (!strcmp(name, "link_follow_symlink_out")) return __wasi_path_link(p, follow, "out_secret", p, "stolen.txt");
  if (!strcmp(name, "stat_outside")) {
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(p, follow, "../secret.txt", &st);
    if (e == 0) printf("LEAK: size %llu\n", (unsigned long long)st.size);
    return e;
  }
  if (!strcmp(name, "stat_through_symlink")) {
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(p, follow, "out_secret", &st);
    if (e == 0) printf("LEAK: size %llu\n", (unsigned long long)st.size);
    return e;
  }
  if (!strcmp(name, "set_times_outside"))
    return __wasi_path_filestat_set_times(p, follow, "../secret.txt", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
  if (!strcmp(name, "readlink_outside")) {
    char buf[100];
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_path_readlink(p, "../outlink", (uint8_t *)buf, sizeof buf, &n);
    if (e == 0) printf("LEAK: link text of %u bytes\n", (unsigned)n);
    return e;
  }
  if (!strcmp(name, "symlink_made_relative")) {
    // Making a link whose text leaves the preopen may or may not be allowed; following it is not.
    __wasi_errno_t made = __wasi_path_symlink("../secret.txt", p, "made");
    printf("path_symlink(../secret.txt) -> %s\n", errno_name(made));
    return try_read(p, follow, "made", 0);
  }
  if (!strcmp(name, "symlink_made_absolute")) {
    __wasi_errno_t made = __wasi_path_symlink("/etc/passwd", p, "made");
    printf("path_symlink(/etc/passwd) -> %s\n", errno_name(made));
    return try_read(p, follow, "made", 0);
  }
  if (!strcmp(name, "excl_create_on_symlink")) {
    // O_CREAT|O_EXCL must not follow a final symlink: the name exists, so EXIST.
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(p, follow, "out_secret", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, write_rights, write_rights, 0, &fd);
    if (e == 0) { printf("LEAK: exclusive create through a link\n"); (void)__wasi_fd_close(fd); }
    return e;
  }
  if (!strcmp(name, "closed_fd")) return try_read(77, follow, "file.txt", 0);
  if (!strcmp(name, "libc_absolute")) {
    // Through wasi-libc: /etc matches no preopen, so no call reaches the runtime.
    int fd = open("/etc/passwd", O_RDONLY);
    if (fd >= 0) { printf("LEAK: libc opened /etc/passwd\n"); close(fd); return 0; }
    return (__wasi_errno_t)errno;
  }
  if (!strcmp(name, "libc_dotdot")) {
    int fd = open("/sandbox/../secret.txt", O_RDONLY);
    if (fd >= 0) { printf("LEAK: libc opened /sandbox/../secret.txt\n"); close(fd); return 0; }
    return (__wasi_errno_t)errno;
  }
  printf("unknown attempt %s\n", name);
  exit(2);
}

int main(int argc, char **argv) {
  pre = find_preopen("/sandbox");
  if (pre < 0) { printf("no preopen /sandbox\n"); return 2; }
  for (int i = 1; i < argc; i++) printf("%s -> %s\n", argv[i], errno_name(attempt(argv[i])));
  return 0;
}
