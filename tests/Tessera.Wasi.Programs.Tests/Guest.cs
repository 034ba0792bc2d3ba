using System.Diagnostics;
using System.Text;

// Not under Tessera.Wasi: its Process and Random namespaces would hide System.Diagnostics.Process and System.Random.
namespace Tessera.WasiPrograms.Tests;

/// <summary>What one run of a guest program did: exit code, output, and the resulting tree.</summary>
public sealed record RunResult(int Exit, string Stdout, string Stderr, byte[] StdoutBytes);

/// <summary>
/// The test programs of guest/tests, built once per test run by guest/tests/build.sh, and the
/// two ways of running them: <c>dotnet tessera.dll run</c> (the command line built beside these
/// tests) and node's <c>node:wasi</c> through guest/tests/node-run.mjs, with the same options.
/// </summary>
internal static class Guest
{
    private static readonly Lazy<string> Built = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Root { get; } = FindRoot();

    /// <summary>The directory holding NAME.wasm for every program; builds them on first use.</summary>
    public static string Programs => Built.Value;

    public static string Wasm(string name) => Path.Combine(Programs, name + ".wasm");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Tessera.slnx) not found above " + AppContext.BaseDirectory);
    }

    private static string Build()
    {
        var output = Path.Combine(Root, ".build", "guest-tests");
        var result = Exec("bash", [Path.Combine(Root, "guest", "tests", "build.sh"), output], null, TimeSpan.FromMinutes(5));
        if (result.Exit != 0)
        {
            throw new InvalidOperationException($"guest/tests/build.sh failed ({result.Exit}); scripts/install-deps.sh installs clang-14, lld-14, wasi-libc, rustc and libstd-rust-dev-wasm32:\n{result.Stderr}");
        }
        return output;
    }

    /// <summary>The options both runners understand, in the syntax of <c>tessera run</c>.</summary>
    public static List<string> Options(IEnumerable<(string Host, string Guest)> dirs, IEnumerable<string> env)
    {
        var options = new List<string>();
        foreach (var (host, guest) in dirs) options.AddRange(["--dir", host + "::" + guest]);
        foreach (var e in env) options.AddRange(["--env", e]);
        return options;
    }

    public static RunResult Tessera(IEnumerable<string> options, string program, IEnumerable<string> args, byte[]? stdin = null, TimeSpan? timeout = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "tessera.dll");
        return Exec("dotnet", [dll, "run", .. options, Wasm(program), .. args], stdin, timeout ?? TimeSpan.FromSeconds(120));
    }

    public static RunResult Node(IEnumerable<string> options, string program, IEnumerable<string> args, byte[]? stdin = null, TimeSpan? timeout = null)
    {
        var script = Path.Combine(Root, "guest", "tests", "node-run.mjs");
        return Exec("node", ["--no-warnings", script, .. options, Wasm(program), .. args], stdin, timeout ?? TimeSpan.FromSeconds(120));
    }

    /// <summary>Runs a process to completion; fails the test with a clear message if it cannot start or hangs.</summary>
    public static RunResult Exec(string file, IEnumerable<string> args, byte[]? stdin, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run {file} ({e.Message}); scripts/install-deps.sh installs nodejs, clang-14 and rustc", e);
        }
        using (process)
        {
            var stdout = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                if (stdin != null) process.StandardInput.BaseStream.Write(stdin);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program exited without reading all of its input; its output says so.
            }
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in {timeout.TotalSeconds} s; stderr so far: {stderr.Result}");
            }
            process.WaitForExit();
            copyOut.Wait();
            var bytes = stdout.ToArray();
            return new RunResult(process.ExitCode, Encoding.UTF8.GetString(bytes), stderr.Result, bytes);
        }
    }
}
