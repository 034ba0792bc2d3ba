// Reads standard input line by line with std::io, and writes each line back upper-cased with its
// number; ends with the line and byte counts.
use std::io::{self, BufRead, Write};

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let (mut lines, mut bytes) = (0usize, 0usize);
    for line in stdin.lock().lines() {
        let line = line?;
        lines += 1;
        bytes += line.len() + 1;
        writeln!(out, "{:4}: {}", lines, line.to_uppercase())?;
    }
    writeln!(out, "lines={} bytes={}", lines, bytes)?;
    Ok(())
}
