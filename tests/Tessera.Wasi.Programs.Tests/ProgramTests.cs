using System.Text;

namespace Tessera.WasiPrograms.Tests;

/// <summary>
/// Each test program runs under node's node:wasi and under <c>tessera run</c> with the same
/// arguments, environment and preopen (a fresh temporary directory for each, with identical
/// content); standard output, exit code and the preopened directory's resulting entries must be
/// the same, except where node departs from the WASI specification: there the specification's
/// line replaces node's (see <see cref="NodeDeviation"/>).
/// </summary>
public sealed class ProgramTests
{
    private static readonly Dictionary<string, ProgramCase> Cases = new()
    {
        ["hello"] = new("hello", []),
        ["args_env"] = new("args_env", ["plain", "two words", "", "ünïcödé", "--not-an-option", "a=b"])
        {
            Env = ["TESSERA_TEST=yes", "EMPTY=", "EQUALS=a=b=c", "SPACES=x y z"],
        },
        ["rs_args_env"] = new("rs_args_env", ["plain", "two words", "", "ünïcödé", "--not-an-option"])
        {
            Env = ["TESSERA_TEST=from rust", "B=2", "A=1"],
        },
        ["exit 0 exit"] = new("exit_code", ["0", "exit"]),
        ["exit 1 return"] = new("exit_code", ["1", "return"]),
        ["exit 3 _Exit"] = new("exit_code", ["3", "_Exit"]),
        ["exit 42 exit"] = new("exit_code", ["42", "exit"]),
        ["exit 125 return"] = new("exit_code", ["125", "return"]),
        ["exit 255 exit"] = new("exit_code", ["255", "exit"]),
        ["rs_exit 0"] = new("rs_exit", ["0"]),
        ["rs_exit 7"] = new("rs_exit", ["7"]),
        ["rs_exit 101"] = new("rs_exit", ["101"]),
        ["stdin_echo binary"] = new("stdin_echo", []) { Stdin = Pseudorandom(200_000, 1) },
        ["stdin_echo empty"] = new("stdin_echo", []) { Stdin = [] },
        ["rs_stdin"] = new("rs_stdin", []) { Stdin = Encoding.UTF8.GetBytes("first line\nsecond: ünï\n\nno newline at the end") },
        ["files"] = new("files", [])
        {
            Setup = s => File.WriteAllText(Path.Combine(s, "input.txt"), "input file\n"),
            NodeDeviations =
            [
                // path_filestat_set_times takes nanoseconds; node passes seconds through a double
                // and drops the fraction.
                new("FAIL: mtime nanoseconds kept", "ok: mtime nanoseconds kept"),
            ],
            SpecExit = 0,
        },
        ["readdir 500"] = new("readdir", ["500"]),
        ["readdir 3"] = new("readdir", ["3"]),
        ["rename_unlink"] = new("rename_unlink", []),
        ["symlinks"] = new("symlinks", [])
        {
            NodeDeviations =
            [
                // path_readlink fills the buffer and returns the bytes placed; node fails with NOBUFS.
                new("FAIL: readlink into a short buffer truncates to 4", "ok: readlink into a short buffer truncates to 4"),
                // Without lookupflags.symlink_follow the final link is not followed; node opens its target.
                new("FAIL: O_NOFOLLOW on a link: ELOOP (got SUCCESS)", "ok: O_NOFOLLOW on a link: ELOOP (got LOOP)"),
                // A link's text is resolved from the link's directory; node resolves it from the
                // descriptor's and refuses dir/up.txt -> ../target.txt as an escape.
                new("FAIL: symlink dir/up.txt -> ../target.txt", "ok: symlink dir/up.txt -> ../target.txt"),
                new("FAIL: '..' inside the preopen through a link is allowed", "ok: '..' inside the preopen through a link is allowed"),
            ],
            SpecExit = 0,
            SpecTreeAdds = new() { ["l sandbox/dir/up.txt"] = "-> ../target.txt" },
        },
        ["clocks"] = new("clocks", []),
        ["random"] = new("random", []),
        ["poll timeouts"] = new("poll", ["timeouts"]),
        ["poll fds"] = new("poll", ["fds"])
        {
            NodeDeviations =
            [
                // A regular file is always ready for reading and writing; node refuses fd
                // subscriptions on it (wasi-libc reports PERM) and poll() fails.
                new("FAIL: poll(file for reading, stdout for writing) reports both ready (got -1)", "ok: poll(file for reading, stdout for writing) reports both ready (got 2)"),
                new("FAIL: revents show read and write readiness", "ok: revents show read and write readiness"),
            ],
            SpecExit = 0,
        },
        ["poll empty"] = new("poll", ["empty"]),
        ["poll abstime"] = new("poll", ["abstime"])
        {
            // node takes an absolute deadline as relative (decades away) and never returns.
            NodeCannotRun = true,
            SpecStdout = "ok: clock_time_get(MONOTONIC)\nok: an absolute monotonic deadline fires\nok: no earlier than its time (30 ms ahead)\n",
            SpecExit = 0,
        },
        ["rs_files"] = new("rs_files", [])
        {
            NodeDeviations =
            [
                // fd_readdir cookies must survive removals of other entries; node's are positions,
                // so Rust's remove_dir_all (which removes while listing) skips entries and fails.
                new("remove_dir_all a/b: Uncategorized (errno 55)", "remove_dir_all a/b: Ok"),
                new("FAIL: a/b is gone", "ok: a/b is gone"),
                new("FAIL: metadata of a/b: NotFound", "ok: metadata of a/b: NotFound"),
            ],
            SpecExit = 0,
            SpecTreeRemoves = path => path.StartsWith("d sandbox/rs/a/b", StringComparison.Ordinal) || path.StartsWith("f sandbox/rs/a/b/", StringComparison.Ordinal),
        },
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesNodeOrTheSpecification(string name)
    {
        var c = Cases[name];
        var tessera = RunIn(c, (options, dirs) => Guest.Tessera(options, c.Program, c.Args, c.Stdin), out var tesseraTree);
        string expectedStdout;
        int expectedExit;
        SortedDictionary<string, string> expectedTree;
        byte[]? nodeBytes = null;
        if (c.NodeCannotRun)
        {
            expectedStdout = c.SpecStdout!;
            expectedExit = c.SpecExit!.Value;
            expectedTree = tesseraTree; // the case writes nothing; checked below
            Assert.True(tesseraTree.Keys.SequenceEqual(["d sandbox"]), Tree.Text(tesseraTree));
        }
        else
        {
            var node = RunIn(c, (options, dirs) => Guest.Node(options, c.Program, c.Args, c.Stdin), out var nodeTree);
            expectedStdout = node.Stdout;
            nodeBytes = node.StdoutBytes;
            foreach (var d in c.NodeDeviations)
            {
                Assert.True(expectedStdout.Contains(d.NodeText, StringComparison.Ordinal),
                    $"node no longer prints the listed deviation '{d.NodeText}'; its output:\n{node.Stdout}\n{node.Stderr}");
                expectedStdout = expectedStdout.Replace(d.NodeText, d.SpecText, StringComparison.Ordinal);
            }
            expectedExit = c.SpecExit ?? node.Exit;
            if (c.NodeDeviations.Length == 0 && c.SpecExit == null)
            {
                // Where node follows the specification, its outcome must be the program's own verdict.
                Assert.False(node.Stdout.Contains("FAIL:", StringComparison.Ordinal), $"node fails a check that has no listed deviation:\n{node.Stdout}");
            }
            expectedTree = new SortedDictionary<string, string>(
                nodeTree.Where(e => c.SpecTreeRemoves == null || !c.SpecTreeRemoves(e.Key)).Concat(c.SpecTreeAdds).ToDictionary(), StringComparer.Ordinal);
        }
        Assert.True(expectedStdout == tessera.Stdout && expectedExit == tessera.Exit,
            $"expected exit {expectedExit} and\n{expectedStdout}\n--- tessera run exited {tessera.Exit} with\n{tessera.Stdout}\n--- stderr:\n{tessera.Stderr}");
        Assert.Equal(Tree.Text(expectedTree), Tree.Text(tesseraTree));
        if (!c.NodeCannotRun && c.NodeDeviations.Length == 0)
        {
            // Byte for byte too: the text comparison above cannot see invalid UTF-8 (stdin_echo).
            Assert.Equal(nodeBytes, tessera.StdoutBytes);
        }
    }

    [Fact]
    public void RustPanicIsATrapNotAnExit()
    {
        // A panic aborts: wasm32-wasi's std executes unreachable. The specification has no exit
        // code for a trap; tessera run reports it as 128 or more (issue 4), node as an uncaught
        // RuntimeError (exit 1). The output before the trap and the panic message are the same.
        var node = Guest.Node([], "rs_exit", ["panic"]);
        var tessera = Guest.Tessera([], "rs_exit", ["panic"]);
        Assert.Equal("about to panic\n", node.Stdout);
        Assert.Contains("RuntimeError: unreachable", node.Stderr, StringComparison.Ordinal);
        Assert.Contains("panicked at 'deliberate'", node.Stderr, StringComparison.Ordinal);
        Assert.True(tessera.Exit >= 128 && tessera.Stdout == node.Stdout && tessera.Stderr.Contains("panicked at 'deliberate'", StringComparison.Ordinal),
            $"tessera run exited {tessera.Exit}\n{tessera.Stdout}\n{tessera.Stderr}");
    }

    /// <summary>Runs with /sandbox preopened from a fresh ROOT/sandbox; the tree is ROOT's afterwards.</summary>
    private static RunResult RunIn(ProgramCase c, Func<List<string>, string, RunResult> run, out SortedDictionary<string, string> tree)
    {
        var root = Directory.CreateTempSubdirectory("tessera-wasi-");
        try
        {
            var sandbox = Path.Combine(root.FullName, "sandbox");
            Directory.CreateDirectory(sandbox);
            c.Setup?.Invoke(sandbox);
            var options = Guest.Options([(sandbox, "/sandbox")], c.Env);
            var result = run(options, sandbox);
            tree = Tree.Snapshot(root.FullName);
            return result;
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>Bytes from a fixed linear congruential sequence: every byte value, no randomness between runs.</summary>
    private static byte[] Pseudorandom(int length, uint seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            seed = seed * 1664525 + 1013904223;
            bytes[i] = (byte)(seed >> 24);
        }
        return bytes;
    }
}
