using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Tessera.Wasi;
using Tessera.Wasi.Abi;

namespace Tessera.WasiPrograms.Tests;

/// <summary>
/// The ABI written in Tessera.Wasi (errno values, flags, rights, enums, record layouts, function
/// types) checked against an independent source: Debian's wasi-libc, whose <c>&lt;wasi/api.h&gt;</c>
/// is generated from the specification's witx files and is what C programs are compiled against.
/// </summary>
public sealed partial class AbiTests
{
    private const string Header = "/usr/include/wasm32-wasi/wasi/api.h";

    private static readonly Lazy<string> s_header = new(() =>
        File.Exists(Header) ? File.ReadAllText(Header) : throw new InvalidOperationException($"{Header} is missing: scripts/install-deps.sh installs wasi-libc"));

    [GeneratedRegex(@"#define __WASI_([A-Z]+)_([A-Z0-9_]+) \((?:UINT\d+_C\((?<value>\d+)\)|\(__wasi_\w+_t\)\(1 << (?<shift>\d+)\))\)")]
    private static partial Regex Define();

    [GeneratedRegex(@"_Static_assert\(sizeof\(__wasi_(\w+)_t\) == (\d+)")]
    private static partial Regex SizeOf();

    [GeneratedRegex(@"(?:__wasi_errno_t|_Noreturn void) __wasi_(\w+)\(")]
    private static partial Regex FunctionDeclaration();

    /// <summary>The header's constants of one type, by normalized name (upper case, no underscores).</summary>
    private static Dictionary<string, ulong> Constants(string type)
    {
        var constants = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (Match m in Define().Matches(s_header.Value))
        {
            if (m.Groups[1].Value != type) continue;
            ulong value = m.Groups["value"].Success ? ulong.Parse(m.Groups["value"].Value) : 1UL << int.Parse(m.Groups["shift"].Value);
            constants.Add(m.Groups[2].Value.Replace("_", ""), value);
        }
        return constants;
    }

    /// <summary>Our enum's members other than a flag set's None, by the header's spelling.</summary>
    private static Dictionary<string, ulong> Ours<T>(Dictionary<string, string>? spelledAs = null) where T : struct, Enum
    {
        var ours = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var value in Enum.GetValues<T>())
        {
            string name = value.ToString().ToUpperInvariant();
            if (name == "NONE" && Convert.ToUInt64(value) == 0) continue;
            ours.Add(spelledAs?.GetValueOrDefault(name) ?? name, Convert.ToUInt64(value));
        }
        return ours;
    }

    public static TheoryData<string> EnumTypes => ["ERRNO", "RIGHTS", "FILETYPE", "FDFLAGS", "OFLAGS", "LOOKUPFLAGS", "FSTFLAGS", "WHENCE",
        "ADVICE", "CLOCKID", "EVENTTYPE", "SUBCLOCKFLAGS", "EVENTRWFLAGS", "RIFLAGS", "ROFLAGS", "SDFLAGS", "PREOPENTYPE"];

    [Theory]
    [MemberData(nameof(EnumTypes))]
    public void EveryConstantHasWasiLibcsValue(string type)
    {
        var ours = type switch
        {
            "ERRNO" => Ours<Errno>(new() { ["TOOBIG"] = "2BIG", ["ACCESS"] = "ACCES" }),
            "RIGHTS" => Ours<Rights>(),
            "FILETYPE" => Ours<FileType>(),
            "FDFLAGS" => Ours<FdFlags>(),
            "OFLAGS" => Ours<OFlags>(),
            "LOOKUPFLAGS" => Ours<LookupFlags>(),
            "FSTFLAGS" => Ours<FstFlags>(),
            "WHENCE" => Ours<Whence>(),
            "ADVICE" => Ours<Advice>(),
            "CLOCKID" => Ours<ClockId>(),
            "EVENTTYPE" => Ours<EventType>(),
            "SUBCLOCKFLAGS" => Ours<SubclockFlags>(new() { ["ABSTIME"] = "SUBSCRIPTIONCLOCKABSTIME" }),
            "EVENTRWFLAGS" => Ours<EventRwFlags>(),
            "RIFLAGS" => Ours<RiFlags>(),
            "ROFLAGS" => Ours<RoFlags>(),
            "SDFLAGS" => Ours<SdFlags>(),
            "PREOPENTYPE" => Ours<PreopenType>(),
            _ => throw new ArgumentException(type),
        };
        var theirs = Constants(type);
        Assert.NotEmpty(theirs);
        Assert.Equal(theirs.OrderBy(p => p.Key, StringComparer.Ordinal), ours.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void RecordSizesAreWasiLibcs()
    {
        var sizes = SizeOf().Matches(s_header.Value).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        var ours = new Dictionary<string, int>
        {
            ["fdstat"] = Layouts.FdstatSize,
            ["filestat"] = Layouts.FilestatSize,
            ["dirent"] = Layouts.DirentSize,
            ["prestat"] = Layouts.PrestatSize,
            ["subscription"] = Layouts.SubscriptionSize,
            ["event"] = Layouts.EventSize,
            ["iovec"] = Layouts.IovecSize,
            // The enums' widths are the typedefs' (errno u16, filetype u8, clockid u32, ...).
            ["errno"] = Unsafe.SizeOf<Errno>(),
            ["filetype"] = Unsafe.SizeOf<FileType>(),
            ["whence"] = Unsafe.SizeOf<Whence>(),
            ["advice"] = Unsafe.SizeOf<Advice>(),
            ["clockid"] = Unsafe.SizeOf<ClockId>(),
            ["eventtype"] = Unsafe.SizeOf<EventType>(),
            ["preopentype"] = Unsafe.SizeOf<PreopenType>(),
        };
        foreach (var (record, size) in ours) Assert.True(sizes[record] == size, $"{record}: wasi-libc {sizes[record]} bytes, ours {size}");
    }

    /// <summary>
    /// guest/tests/c/abi_imports.c takes the address of every function the header declares, so it
    /// imports each with wasi-libc's type; <c>tessera run</c> links it against our definitions,
    /// which fails on any parameter or result type that differs. The header's list is ours too,
    /// except proc_raise, which newer wasi-libc no longer declares (we still define it).
    /// </summary>
    [Fact]
    public void EveryFunctionWasiLibcDeclaresLinksWithItsType()
    {
        var declared = FunctionDeclaration().Matches(s_header.Value).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(45, declared.Count);
        Assert.Equal(declared.Order(StringComparer.Ordinal), WasiModule.Functions.Where(f => f != "proc_raise").Order(StringComparer.Ordinal));

        var tessera = Guest.Tessera([], "abi_imports", []);
        Assert.Equal((0, "45\n", ""), (tessera.Exit, tessera.Stdout, tessera.Stderr));
        var node = Guest.Node([], "abi_imports", []);
        Assert.Equal((0, "45\n"), (node.Exit, node.Stdout));
    }
}
