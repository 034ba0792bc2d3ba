using System.Diagnostics;

namespace Tessera.Cli.Tests;

/// <summary>
/// Runs a module's export under node (V8), an independent engine used as the oracle for what
/// <c>tessera run</c> computes. Results are printed one per line in the spelling of
/// <c>tessera run</c> where JavaScript can express it: integers in decimal, <c>-0</c>,
/// <c>inf</c>, <c>-inf</c>, <c>nan</c> (JavaScript cannot see NaN payloads), other floats as
/// JavaScript's shortest decimal for the double (for f32, the exact value of the float).
/// </summary>
internal static class Node
{
    private const string Script = """
        const fs = require('fs');
        const [file, name, ...args] = process.argv.slice(1);
        const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), {});
        // An argument ending in 'n' is an i64, which JavaScript passes as a BigInt.
        let results = instance.exports[name](...args.map(a => a.endsWith('n') ? BigInt(a.slice(0, -1)) : Number(a)));
        if (!Array.isArray(results)) results = results === undefined ? [] : [results];
        for (const v of results) {
          console.log(typeof v === 'bigint' ? v.toString()
            : Object.is(v, -0) ? '-0' : v === Infinity ? 'inf' : v === -Infinity ? '-inf'
            : Number.isNaN(v) ? 'nan' : String(v));
        }
        """;

    /// <summary>The result lines of <c>name(args)</c>; i64 arguments carry an <c>n</c> suffix.</summary>
    public static string[] Invoke(string wasmPath, string name, params string[] args)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        // "--" ends node's own options, so arguments such as -5 reach the script (as argv[1...]).
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(wasmPath);
        start.ArgumentList.Add(name);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"node failed ({process.ExitCode}): {stderr}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
