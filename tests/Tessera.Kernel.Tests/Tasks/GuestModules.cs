namespace Tessera.Kernel.Tests.Tasks;

/// <summary>The task API's imports in the text format, shared by the guest modules of the tests.</summary>
internal static class GuestModules
{
    public const string Imports = """
        (import "tessera_task" "self" (func $self (result i64)))
        (import "tessera_task" "spawn" (func $spawn (param i32 i64) (result i64)))
        (import "tessera_task" "spawn_local" (func $spawn_local (param i32 i64) (result i64)))
        (import "tessera_task" "send" (func $send (param i64 i32 i32 i32) (result i32)))
        (import "tessera_task" "receive" (func $receive (param i32 i32 i32 i64 i32) (result i32)))
        (import "tessera_task" "send_value" (func $send_value (param i64 i32 i64) (result i32)))
        (import "tessera_task" "receive_value" (func $receive_value (param i32 i64) (result i64)))
        (import "tessera_task" "sleep" (func $sleep (param i64)))
        (import "tessera_task" "yield" (func $yield))
        (import "tessera_task" "kill" (func $kill (param i64) (result i32)))
        (import "tessera_task" "monitor" (func $monitor (param i64) (result i32)))
        (import "tessera_task" "link" (func $link (param i64) (result i32)))
        (import "tessera_task" "register" (func $register (param i32 i32) (result i32)))
        (import "tessera_task" "whereis" (func $whereis (param i32 i32) (result i64)))
        (import "env" "report" (func $report (param i64)))
        """;

    /// <summary>A module with the imports, one page of memory, <paramref name="body"/>, and the
    /// functions <paramref name="spawnable"/> in the exported table, slots 0, 1, ... (spawn's argument).</summary>
    public static string Module(string body, params string[] spawnable) =>
        $"(module {Imports} (memory 1) (table (export \"__indirect_function_table\") {spawnable.Length} funcref) " +
        $"(elem (i32.const 0) func {string.Join(' ', spawnable)}) {body})";
}
