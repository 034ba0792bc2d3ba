// std::process::exit with the code given as argv[1]; "panic" as argv[1] panics instead, which
// Rust's std for wasm32-wasi turns into an abort (a trap), not an exit code.
use std::process;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    if arg == "panic" {
        println!("about to panic");
        panic!("deliberate");
    }
    let code: i32 = arg.parse().unwrap_or(2);
    println!("exiting with {}", code);
    process::exit(code);
}
