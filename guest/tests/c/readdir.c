// readdir over many entries: creates COUNT files (argv[1], default 500) in /sandbox/many, lists
// them with readdir, checks every name exactly once, then resumes a listing at
// a telldir cookie (seekdir) taken halfway and checks the rest matches the first listing.
#include "common.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX 4096

static char names_first[MAX + 2][64];

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 500;
  if (count > MAX) count = MAX;
  CHECK(mkdir("/sandbox/many", 0755) == 0, "mkdir many");
  int created = 0;
  for (int i = 0; i < count; i++) {
    char path[96];
    // Long-ish names so the listing cannot fit in one fd_readdir buffer of wasi-libc.
    snprintf(path, sizeof path, "/sandbox/many/entry-with-a-longer-name-%04d.txt", i);
    int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0644);
    if (fd < 0) break;
    char body[16];
    int n = snprintf(body, sizeof body, "%d\n", i);
    if (write(fd, body, (size_t)n) != n) break;
    close(fd);
    created++;
  }
  CHECK(created == count, "created %d files", count);

  DIR *dir = opendir("/sandbox/many");
  CHECK(dir != NULL, "opendir many");
  if (!dir) return finish();
  static unsigned char seen[MAX];
  int total = 0, dots = 0, files = 0, dup = 0, strange = 0;
  long half_cookie = -1;
  int half_index = -1;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (total < MAX + 2) snprintf(names_first[total], sizeof names_first[total], "%s", e->d_name);
    total++;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) { dots++; continue; }
    int k;
    if (sscanf(e->d_name, "entry-with-a-longer-name-%04d.txt", &k) == 1 && k >= 0 && k < count && e->d_type == DT_REG) {
      if (seen[k]++) dup++;
      files++;
    } else {
      strange++;
    }
    if (files == count / 2 && half_cookie < 0) { half_cookie = telldir(dir); half_index = total; }
  }
  CHECK(files == count, "readdir returned %d files", count);
  CHECK(dup == 0, "no file listed twice");
  CHECK(strange == 0, "no unexpected entry");
  // The specification does not say whether fd_readdir lists "." and ".."; node omits them.
  CHECK(dots == 0 || dots == 2, "'.' and '..' listed once each or not at all");

  // Resume at the cookie: the rest must be exactly the rest of the first listing.
  CHECK(half_cookie >= 0, "telldir gave a cookie halfway");
  seekdir(dir, half_cookie);
  int mismatch = 0, rest = 0;
  while ((e = readdir(dir)) != NULL) {
    int idx = half_index + rest;
    if (idx >= total || strcmp(names_first[idx], e->d_name) != 0) mismatch++;
    rest++;
  }
  CHECK(mismatch == 0 && half_index + rest == total, "seekdir(cookie) resumes where telldir was taken");
  rewinddir(dir);
  int again = 0;
  while (readdir(dir) != NULL) again++;
  CHECK(again == total, "rewinddir lists everything again");
  closedir(dir);

  // Remove every other file and list again.
  for (int i = 0; i < count; i += 2) {
    char path[96];
    snprintf(path, sizeof path, "/sandbox/many/entry-with-a-longer-name-%04d.txt", i);
    unlink(path);
  }
  dir = opendir("/sandbox/many");
  int after = 0;
  while ((e = readdir(dir)) != NULL)
    if (e->d_name[0] != '.') after++;
  closedir(dir);
  CHECK(after == count / 2, "after removing every other file, %d remain", count / 2);
  return finish();
}
