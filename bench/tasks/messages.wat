;; The tasks benchmark's large messages (bench/Tessera.Bench/Tasks/TasksSuite.cs; the same
;; algorithm as bounce/2 in tasks.erl): two tasks bounce a buffer of one size back and forth, each
;; hop a send (copied out of one memory and into the other) or a send_move (its pages change
;; memories). The buffer's first 8 bytes carry a counter the pong side increments, so the last
;; value received proves every hop arrived. The buffer sits at 2 MiB, aligned to the kernel's
;; default move unit (a large page).
;; Both tasks write their whole buffer before the clock starts (bounce reports -1 then): a page's
;; first fault is not what is measured.
(module
  (import "tessera_task" "self" (func $self (result i64)))
  (import "tessera_task" "spawn" (func $spawn (param i32 i64) (result i64)))
  (import "tessera_task" "send" (func $send (param i64 i32 i32 i32) (result i32)))
  (import "tessera_task" "send_move" (func $send_move (param i64 i32 i32 i32) (result i32)))
  (import "tessera_task" "receive" (func $receive (param i32 i32 i32 i64 i32) (result i32)))
  (import "env" "report" (func $report (param i64)))
  (memory 170)
  (table (export "__indirect_function_table") 1 funcref)
  (elem (i32.const 0) func $pong)
  (global $buffer i32 (i32.const 0x200000))

  (func $hop (param $to i64) (param $size i32) (param $move i32)
    (if (local.get $move)
      (then (drop (call $send_move (local.get $to) (i32.const 0) (global.get $buffer) (local.get $size))))
      (else (drop (call $send (local.get $to) (i32.const 0) (global.get $buffer) (local.get $size))))))

  ;; pong(ping << 32 | log2(size) << 1 | move): answers each buffer with the counter plus one; an
  ;; empty message ends it.
  (func $pong (param $arg i64) (local $ping i64) (local $size i32) (local $move i32)
    (local.set $ping (i64.shr_u (local.get $arg) (i64.const 32)))
    (local.set $size (i32.shl (i32.const 1) (i32.wrap_i64 (i64.and (i64.shr_u (local.get $arg) (i64.const 1)) (i64.const 31)))))
    (local.set $move (i32.wrap_i64 (i64.and (local.get $arg) (i64.const 1))))
    (memory.fill (global.get $buffer) (i32.const 2) (local.get $size))
    (drop (call $send (local.get $ping) (i32.const 0) (global.get $buffer) (i32.const 0)))
    (loop $serve
      (if (call $receive (i32.const 0) (global.get $buffer) (local.get $size) (i64.const -1) (i32.const 0))
        (then
          (i64.store (global.get $buffer) (i64.add (i64.load (global.get $buffer)) (i64.const 1)))
          (call $hop (local.get $ping) (local.get $size) (local.get $move))
          (br $serve)))))

  ;; bounce(n << 32 | log2(size) << 1 | move): n round trips; reports the counter (n).
  (func (export "bounce") (param $arg i64) (local $pong i64) (local $n i64) (local $i i64) (local $size i32) (local $move i32)
    (local.set $n (i64.shr_u (local.get $arg) (i64.const 32)))
    (local.set $size (i32.shl (i32.const 1) (i32.wrap_i64 (i64.and (i64.shr_u (local.get $arg) (i64.const 1)) (i64.const 31)))))
    (local.set $move (i32.wrap_i64 (i64.and (local.get $arg) (i64.const 1))))
    (local.set $pong (call $spawn (i32.const 0) (i64.or (i64.shl (call $self) (i64.const 32)) (i64.and (local.get $arg) (i64.const 0xff)))))
    (memory.fill (global.get $buffer) (i32.const 1) (local.get $size))
    (i64.store (global.get $buffer) (i64.const 0))
    ;; pong's empty message: its buffer is written too.
    (drop (call $receive (i32.const 0) (i32.const 0) (i32.const 0) (i64.const -1) (i32.const 0)))
    (call $report (i64.const -1))
    (loop $next
      (call $hop (local.get $pong) (local.get $size) (local.get $move))
      (drop (call $receive (i32.const 0) (global.get $buffer) (local.get $size) (i64.const -1) (i32.const 0)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $next (i64.lt_u (local.get $i) (local.get $n))))
    (drop (call $send (local.get $pong) (i32.const 0) (i32.const 0) (i32.const 0)))
    (call $report (i64.load (global.get $buffer)))))
