;; The tasks benchmark's device wait (bench/Tessera.Bench/Tasks/TasksSuite.cs): a driver task
;; waits on its interrupt line n times, reporting each wait's count; the host raises the line and
;; times the report.
(module
  (import "tessera_device" "wait" (func $wait (param i32 i64) (result i64)))
  (import "env" "report" (func $report (param i64)))
  (func (export "driver") (param $n i64) (local $i i64)
    (loop $next
      (call $report (call $wait (i32.const 0) (i64.const -1)))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $next (i64.lt_u (local.get $i) (local.get $n))))))
