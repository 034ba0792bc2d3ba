// Rust's std::env over WASI args_get and environ_get: prints arguments (argv[0] by its last path
// component) and the environment sorted by name, plus one lookup with std::env::var.
use std::env;

fn main() {
    let args: Vec<String> = env::args().collect();
    println!("argc={}", args.len());
    let first = args.first().map(String::as_str).unwrap_or("");
    println!("argv[0] basename={}", first.rsplit('/').next().unwrap_or(first));
    for (i, a) in args.iter().enumerate().skip(1) {
        println!("argv[{}]=[{}] chars={}", i, a, a.chars().count());
    }
    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    for (k, v) in &vars {
        println!("env {}=[{}]", k, v);
    }
    match env::var("TESSERA_TEST") {
        Ok(v) => println!("var(TESSERA_TEST)={}", v),
        Err(e) => println!("var(TESSERA_TEST) error: {}", e),
    }
    println!("var(MISSING) present={}", env::var_os("MISSING").is_some());
}
