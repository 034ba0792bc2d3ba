// std::fs in the preopen /sandbox: create_dir_all, write, read_to_string, metadata, set_len,
// OpenOptions (append, create_new), read_dir (sorted), rename, copy, remove_file and
// remove_dir_all, hard links (symbolic ones need the unstable wasi_ext), and the io::ErrorKind of failures.
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;

fn check(ok: bool, what: &str, failures: &mut u32) {
    println!("{}: {}", if ok { "ok" } else { "FAIL" }, what);
    if !ok {
        *failures += 1;
    }
}

fn kind<T>(r: std::io::Result<T>) -> String {
    match r {
        Ok(_) => "Ok".to_string(),
        // Rust 1.63 calls some errnos Uncategorized, so the raw value (WASI's numbering) too.
        Err(e) => format!("{:?} (errno {})", e.kind(), e.raw_os_error().unwrap_or(-1)),
    }
}

fn main() {
    let mut f = 0u32;
    let base = Path::new("/sandbox/rs");
    check(fs::create_dir_all(base.join("a/b/c")).is_ok(), "create_dir_all rs/a/b/c", &mut f);
    check(fs::write(base.join("a/hello.txt"), "hello from rust\n").is_ok(), "write a/hello.txt", &mut f);
    let text = fs::read_to_string(base.join("a/hello.txt")).unwrap_or_default();
    check(text == "hello from rust\n", "read_to_string gives it back", &mut f);
    let md = fs::metadata(base.join("a/hello.txt"));
    check(md.as_ref().map(|m| m.is_file() && m.len() == 16).unwrap_or(false), "metadata: a file of 16 bytes", &mut f);
    check(fs::metadata(base.join("a/b")).map(|m| m.is_dir()).unwrap_or(false), "metadata: a/b is a directory", &mut f);

    let mut file = OpenOptions::new().read(true).write(true).open(base.join("a/hello.txt")).expect("open");
    check(file.set_len(5).is_ok(), "set_len(5)", &mut f);
    check(file.seek(SeekFrom::End(0)).map(|p| p == 5).unwrap_or(false), "the end is now at 5", &mut f);
    check(file.write_all(b", world").is_ok(), "write at the end", &mut f);
    let mut s = String::new();
    file.seek(SeekFrom::Start(0)).expect("seek");
    check(file.read_to_string(&mut s).is_ok() && s == "hello, world", "read back 'hello, world'", &mut f);
    drop(file);

    let mut app = OpenOptions::new().append(true).open(base.join("a/hello.txt")).expect("append");
    check(app.write_all(b"!\n").is_ok(), "append '!\\n'", &mut f);
    drop(app);
    check(fs::read_to_string(base.join("a/hello.txt")).map(|t| t == "hello, world!\n").unwrap_or(false), "append went to the end", &mut f);

    let again = OpenOptions::new().write(true).create_new(true).open(base.join("a/hello.txt"));
    println!("create_new on an existing file: {}", kind(again));
    println!("read a missing file: {}", kind(fs::read(base.join("missing"))));
    println!("remove_dir of a non-empty directory: {}", kind(fs::remove_dir(base.join("a"))));
    println!("read_dir of a file: {}", kind(fs::read_dir(base.join("a/hello.txt"))));

    for i in 0..20 {
        fs::write(base.join(format!("a/b/n{:02}.txt", i)), format!("{}\n", i * i)).expect("write n");
    }
    let mut names: Vec<String> = fs::read_dir(base.join("a/b"))
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    println!("read_dir a/b: {}", names.join(" "));
    let dirs = fs::read_dir(base.join("a/b")).expect("read_dir").filter(|e| e.as_ref().map(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false)).unwrap_or(false)).count();
    check(dirs == 1, "file_type: exactly one directory (c) in a/b", &mut f);

    check(fs::rename(base.join("a/b/n00.txt"), base.join("a/zero.txt")).is_ok(), "rename n00 to a/zero.txt", &mut f);
    check(fs::copy(base.join("a/b/n03.txt"), base.join("a/copy.txt")).map(|n| n == 2).unwrap_or(false), "copy n03 (2 bytes)", &mut f);
    check(fs::hard_link(base.join("a/copy.txt"), base.join("a/hard.txt")).is_ok(), "hard_link", &mut f);
    check(fs::remove_file(base.join("a/b/n01.txt")).is_ok(), "remove_file n01", &mut f);
    let removed = fs::remove_dir_all(base.join("a/b"));
    println!("remove_dir_all a/b: {}", kind(removed));
    check(!base.join("a/b").exists(), "a/b is gone", &mut f);
    let err = fs::metadata(base.join("a/b")).err().map(|e| e.kind());
    check(err == Some(ErrorKind::NotFound), "metadata of a/b: NotFound", &mut f);
    std::process::exit(if f == 0 { 0 } else { 1 });
}
