;; The embedded example module that `tessera` with no arguments works on: a tiny program with
;; a memory, data, a global, an imported function and a few exports.
(module $hello
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from Tessera!\n")
  (global $calls (mut i32) (i32.const 0))

  ;; fib(n) by recursion: the classic call-heavy benchmark.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add
        (call $fib (i32.sub (local.get $n) (i32.const 1)))
        (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; Writes the greeting to stdout through WASI: an iovec at 0 points at the data at 16.
  (func $main (export "_start")
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 20))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
