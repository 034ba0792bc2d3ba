namespace Tessera.WasiPrograms.Tests;

/// <summary>
/// Escape attempts against the capability sandbox (guest/tests/c/escape.c), each its own run in a
/// fresh layout: the preopen ROOT/sandbox with hostile links inside, a sentinel ROOT/secret.txt
/// outside. Under <c>tessera run</c> each attempt must fail with the errno the WASI specification
/// names, print no leak, and leave everything outside the preopen as it was (content and
/// modification time); node is run too, and where it differs (it does not confine symlinks in
/// directory components, among others) the difference must be one listed in
/// <see cref="NodeResults"/> and docs/wasi-programs.md.
/// </summary>
public sealed class EscapeTests
{
    // Expected errnos from the specification: a path that would leave the descriptor's directory,
    // by "..", an absolute path or a link, is notcapable ("capabilities insufficient"); a cycle of
    // links is loop; O_CREAT|O_EXCL on an existing name (a link included) is exist; an unopened
    // descriptor is badf.
    public static TheoryData<string, string> Attempts() => new()
    {
        { "open_dotdot", "NOTCAPABLE" },
        { "open_absolute", "NOTCAPABLE" },
        { "open_deep_dotdot", "NOTCAPABLE" },
        { "open_parent_dir", "NOTCAPABLE" },
        { "symlink_to_etc", "NOTCAPABLE" },
        { "symlink_to_parent", "NOTCAPABLE" },
        { "symlink_to_file_outside", "NOTCAPABLE" },
        { "symlink_to_host_absolute", "NOTCAPABLE" },
        { "symlink_chain_leaving", "NOTCAPABLE" },
        { "symlink_loop", "LOOP" },
        { "symlink_in_subdir_leaving", "NOTCAPABLE" },
        { "symlink_dir_create_through", "NOTCAPABLE" },
        { "create_dotdot", "NOTCAPABLE" },
        { "subdir_fd_dotdot", "NOTCAPABLE" },
        { "subdir_fd_to_preopen", "NOTCAPABLE" },
        { "mkdir_dotdot", "NOTCAPABLE" },
        { "rmdir_outside", "NOTCAPABLE" },
        { "unlink_outside", "NOTCAPABLE" },
        { "rename_out", "NOTCAPABLE" },
        { "rename_in", "NOTCAPABLE" },
        { "rename_through_symlink_dir", "NOTCAPABLE" },
        { "link_out", "NOTCAPABLE" },
        { "link_in", "NOTCAPABLE" },
        { "link_follow_symlink_out", "NOTCAPABLE" },
        { "stat_outside", "NOTCAPABLE" },
        { "stat_through_symlink", "NOTCAPABLE" },
        { "set_times_outside", "NOTCAPABLE" },
        { "readlink_outside", "NOTCAPABLE" },
        { "excl_create_on_symlink", "EXIST" },
        { "closed_fd", "BADF" },
        // Through wasi-libc: "/etc" matches no preopen, so libc itself fails with notcapable and no
        // call reaches the runtime; "/sandbox/../secret.txt" reaches it as "../secret.txt".
        { "libc_absolute", "NOTCAPABLE" },
        { "libc_dotdot", "NOTCAPABLE" },
    };

    /// <summary>node's results where they differ from the specification's.</summary>
    private static readonly Dictionary<string, string> NodeResults = new()
    {
        // node resolves links in the middle of a path without confining them: real escapes.
        ["symlink_to_etc"] = "SUCCESS",
        ["symlink_to_parent"] = "SUCCESS",
        ["symlink_dir_create_through"] = "SUCCESS",
        ["rename_through_symlink_dir"] = "SUCCESS",
        // node follows a final link despite O_EXCL, and then refuses it as an escape.
        ["excl_create_on_symlink"] = "NOTCAPABLE",
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public void AttemptFailsWithTheSpecifiedErrnoAndTouchesNothingOutside(string attempt, string errno)
    {
        var tessera = Run(attempt, (options, args) => Guest.Tessera(options, "escape", args), out var outsideBefore, out var outsideAfter);
        Assert.True(tessera.Exit == 0 && tessera.Stdout == $"{attempt} -> {errno}\n",
            $"expected '{attempt} -> {errno}', exit 0; tessera run exited {tessera.Exit} with\n{tessera.Stdout}\n{tessera.Stderr}");
        Assert.Equal(Tree.Text(outsideBefore), Tree.Text(outsideAfter));

        var node = Run(attempt, (options, args) => Guest.Node(options, "escape", args), out _, out _);
        var nodeErrno = NodeResults.GetValueOrDefault(attempt, errno);
        Assert.True(node.Stdout.EndsWith($"{attempt} -> {nodeErrno}\n", StringComparison.Ordinal),
            $"node's result is not the one listed ({nodeErrno}):\n{node.Stdout}\n{node.Stderr}");
    }

    [Theory]
    [InlineData("symlink_made_relative", "../secret.txt")]
    [InlineData("symlink_made_absolute", "/etc/passwd")]
    public void LinkMadeByTheGuestCannotBeFollowedOut(string attempt, string text)
    {
        // The specification does not say whether a link whose text leaves the preopen may be
        // made; if it is made, following it is notcapable; if refused, there is nothing to follow.
        var tessera = Run(attempt, (options, args) => Guest.Tessera(options, "escape", args), out var before, out var after);
        string[] allowed =
        [
            $"path_symlink({text}) -> SUCCESS\n{attempt} -> NOTCAPABLE\n",
            $"path_symlink({text}) -> NOTCAPABLE\n{attempt} -> NOENT\n",
            $"path_symlink({text}) -> PERM\n{attempt} -> NOENT\n",
        ];
        Assert.True(tessera.Exit == 0 && allowed.Contains(tessera.Stdout), $"tessera run exited {tessera.Exit} with\n{tessera.Stdout}\n{tessera.Stderr}");
        Assert.Equal(Tree.Text(before), Tree.Text(after));
        var node = Run(attempt, (options, args) => Guest.Node(options, "escape", args), out _, out _);
        Assert.Contains(node.Stdout, allowed);
    }

    [Fact]
    public void AtLeastFifteenDistinctAttempts() => Assert.True(Attempts().Count() >= 15);

    /// <summary>Lays out the sandbox and its surroundings, runs, and snapshots what is outside before and after.</summary>
    private static RunResult Run(string attempt, Func<List<string>, string[], RunResult> run,
        out SortedDictionary<string, string> outsideBefore, out SortedDictionary<string, string> outsideAfter)
    {
        var root = Directory.CreateTempSubdirectory("tessera-escape-");
        try
        {
            var r = root.FullName;
            var sandbox = Path.Combine(r, "sandbox");
            Directory.CreateDirectory(Path.Combine(sandbox, "sub"));
            Directory.CreateDirectory(Path.Combine(r, "outdir"));
            File.WriteAllText(Path.Combine(r, "secret.txt"), "SECRET\n");
            File.SetLastWriteTimeUtc(Path.Combine(r, "secret.txt"), new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
            File.CreateSymbolicLink(Path.Combine(r, "outlink"), "secret.txt");
            File.WriteAllText(Path.Combine(sandbox, "file.txt"), "inside\n");
            Directory.CreateSymbolicLink(Path.Combine(sandbox, "out_abs"), "/etc");
            Directory.CreateSymbolicLink(Path.Combine(sandbox, "out_up"), "..");
            File.CreateSymbolicLink(Path.Combine(sandbox, "out_secret"), "../secret.txt");
            File.CreateSymbolicLink(Path.Combine(sandbox, "host_abs"), Path.Combine(r, "secret.txt"));
            File.CreateSymbolicLink(Path.Combine(sandbox, "chain1"), "chain2");
            File.CreateSymbolicLink(Path.Combine(sandbox, "chain2"), "chain3");
            File.CreateSymbolicLink(Path.Combine(sandbox, "chain3"), "../secret.txt");
            File.CreateSymbolicLink(Path.Combine(sandbox, "loop1"), "loop2");
            File.CreateSymbolicLink(Path.Combine(sandbox, "loop2"), "loop1");
            File.CreateSymbolicLink(Path.Combine(sandbox, "sub", "deep"), "../../secret.txt");
            static bool Outside(string rel) => rel != "sandbox" && !rel.StartsWith("sandbox/", StringComparison.Ordinal);
            outsideBefore = Tree.Snapshot(r, withTimes: true, include: Outside);
            var result = run(Guest.Options([(sandbox, "/sandbox")], []), [attempt]);
            outsideAfter = Tree.Snapshot(r, withTimes: true, include: Outside);
            return result;
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
