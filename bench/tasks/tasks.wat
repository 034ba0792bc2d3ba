;; The tasks benchmark's guest (bench/Tessera.Bench/Tasks/TasksSuite.cs), the same algorithms as
;; tasks.erl. No memory: numbers travel with send_value/receive_value, so a task costs only its
;; instance and its saved frames. Results go to the host through env.report.
(module
  (import "tessera_task" "self" (func $self (result i64)))
  (import "tessera_task" "spawn" (func $spawn (param i32 i64) (result i64)))
  (import "tessera_task" "send_value" (func $send_value (param i64 i32 i64) (result i32)))
  (import "tessera_task" "receive_value" (func $receive_value (param i32 i64) (result i64)))
  (import "env" "report" (func $report (param i64)))
  (table (export "__indirect_function_table") 4 funcref)
  (elem (i32.const 0) func $child $node $pong $parked)

  ;; spawn_exit(n): n children, each sends 1 to its parent and ends; reports the sum (n).
  (func $child (param $parent i64)
    (drop (call $send_value (local.get $parent) (i32.const 0) (i64.const 1))))
  (func (export "spawn_exit") (param $n i64) (local $i i64) (local $sum i64) (local $me i64)
    (local.set $me (call $self))
    (loop $spawn_all
      (drop (call $spawn (i32.const 0) (local.get $me)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $spawn_all (i64.lt_u (local.get $i) (local.get $n))))
    (local.set $i (i64.const 0))
    (loop $collect
      (local.set $sum (i64.add (local.get $sum) (call $receive_value (i32.const 0) (i64.const -1))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $collect (i64.lt_u (local.get $i) (local.get $n))))
    (call $report (local.get $sum)))

  ;; roundtrip(n): n messages to pong and back, pong adding 1; reports the last value (n).
  (func $pong (param $ping i64) (local $v i64)
    (loop $serve
      (local.set $v (call $receive_value (i32.const 0) (i64.const -1)))
      (if (i64.ge_s (local.get $v) (i64.const 0))
        (then
          (drop (call $send_value (local.get $ping) (i32.const 0) (i64.add (local.get $v) (i64.const 1))))
          (br $serve)))))
  (func (export "roundtrip") (param $n i64) (local $pong i64) (local $i i64) (local $v i64)
    (local.set $pong (call $spawn (i32.const 2) (call $self)))
    (loop $next
      (drop (call $send_value (local.get $pong) (i32.const 0) (local.get $v)))
      (local.set $v (call $receive_value (i32.const 0) (i64.const -1)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $next (i64.lt_u (local.get $i) (local.get $n))))
    (drop (call $send_value (local.get $pong) (i32.const 0) (i64.const -1)))
    (call $report (local.get $v)))

  ;; skynet: a node's argument is parent << 32 | num << 8 | level; a leaf (level 0) sends its
  ;; number, a node spawns 10 children covering 10^(level-1) numbers each and sends their sum.
  (func $node (param $arg i64) (local $parent i64) (local $num i64) (local $level i64) (local $size i64) (local $i i64) (local $sum i64) (local $me i64)
    (local.set $parent (i64.shr_u (local.get $arg) (i64.const 32)))
    (local.set $num (i64.and (i64.shr_u (local.get $arg) (i64.const 8)) (i64.const 0xffffff)))
    (local.set $level (i64.and (local.get $arg) (i64.const 0xff)))
    (if (i64.eqz (local.get $level))
      (then
        (drop (call $send_value (local.get $parent) (i32.const 0) (local.get $num)))
        (return)))
    (local.set $size (i64.const 1))
    (local.set $i (i64.const 1))
    (block $done
      (loop $power
        (br_if $done (i64.ge_u (local.get $i) (local.get $level)))
        (local.set $size (i64.mul (local.get $size) (i64.const 10)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $power)))
    (local.set $me (call $self))
    (local.set $i (i64.const 0))
    (loop $spawn_children
      (drop (call $spawn (i32.const 1)
        (i64.or (i64.shl (local.get $me) (i64.const 32))
          (i64.or (i64.shl (i64.add (local.get $num) (i64.mul (local.get $i) (local.get $size))) (i64.const 8))
            (i64.sub (local.get $level) (i64.const 1))))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $spawn_children (i64.lt_u (local.get $i) (i64.const 10))))
    (local.set $i (i64.const 0))
    (loop $collect
      (local.set $sum (i64.add (local.get $sum) (call $receive_value (i32.const 0) (i64.const -1))))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $collect (i64.lt_u (local.get $i) (i64.const 10))))
    (drop (call $send_value (local.get $parent) (i32.const 0) (local.get $sum))))
  ;; skynet(levels): 10^levels leaves; reports the sum of 0 .. 10^levels - 1.
  (func (export "skynet") (param $levels i64)
    (drop (call $spawn (i32.const 1) (i64.or (i64.shl (call $self) (i64.const 32)) (local.get $levels))))
    (call $report (call $receive_value (i32.const 0) (i64.const -1))))

  ;; park(n): n tasks that wait for a message; reports n once they are spawned.
  (func $parked (param i64)
    (drop (call $receive_value (i32.const 0) (i64.const -1))))
  (func (export "park") (param $n i64) (local $i i64)
    (loop $spawn_all
      (drop (call $spawn (i32.const 3) (i64.const 0)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $spawn_all (i64.lt_u (local.get $i) (local.get $n))))
    (call $report (local.get $n))))
