using System.Text;
using Tessera.Wasm.Caching;

namespace Tessera.Wasm.Tests.Caching;

/// <summary>
/// The cache's own SHA-256 against the examples of FIPS 180-2 (appendix B) and against the
/// platform's implementation (OpenSSL on Linux) at every length around the padding boundaries.
/// </summary>
public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Standard_examples(string message, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(Sha256.HashData(Encoding.ASCII.GetBytes(message))));
    }

    [Fact]
    public void A_million_as_appended_in_uneven_pieces()
    {
        var hash = new Sha256();
        var a = Enumerable.Repeat((byte)'a', 1000).ToArray();
        int total = 0;
        for (int piece = 1; total < 1_000_000; piece = piece % 997 + 1)
        {
            int take = Math.Min(piece, 1_000_000 - total);
            hash.Append(a.AsSpan(0, take));
            total += take;
        }
        var digest = new byte[32];
        hash.GetHashAndReset(digest);
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Agrees_with_the_platform_at_every_length_up_to_three_blocks_and_beyond()
    {
        var random = new Random(180);
        var data = new byte[4096];
        random.NextBytes(data);
        var lengths = Enumerable.Range(0, 200).Concat([255, 256, 257, 1000, 4095, 4096]);
        foreach (int length in lengths)
        {
            var input = data.AsSpan(0, length);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(input), Sha256.HashData(input));
        }
    }

    [Fact]
    public void Reset_after_a_digest_starts_a_fresh_hash()
    {
        var hash = new Sha256();
        var first = new byte[32];
        var second = new byte[32];
        hash.Append("abc"u8);
        hash.GetHashAndReset(first);
        hash.Append("abc"u8);
        hash.GetHashAndReset(second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Large_inputs_go_to_the_platform_with_the_same_digest()
    {
        var data = new byte[Sha256.PlatformThreshold + 3];
        new Random(7).NextBytes(data);
        var managed = new Sha256();
        managed.Append(data);
        var digest = new byte[32];
        managed.GetHashAndReset(digest);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.HashData(data));
        Assert.Equal(digest, Sha256.HashData(data));
    }

    [Fact]
    public void Constants_are_the_fractional_root_bits_of_the_first_primes()
    {
        Assert.Equal(FractionalRootBits(8, 2), Sha256.InitialHash.ToArray());
        Assert.Equal(FractionalRootBits(64, 3), Sha256.RoundConstants.ToArray());
    }

    /// <summary>For each of the first <paramref name="count"/> primes p, the 32 bits after the
    /// binary point of p's <paramref name="degree"/>-th root: the low 32 bits of the largest x with
    /// x^degree &lt;= p * 2^(32 * degree), found by bisection in exact 128-bit arithmetic.</summary>
    private static uint[] FractionalRootBits(int count, int degree)
    {
        var primes = Enumerable.Range(2, 400).Where(n => Enumerable.Range(2, n - 2).All(d => n % d != 0)).Take(count);
        return primes.Select(p =>
        {
            UInt128 scaled = (UInt128)(uint)p << (32 * degree);
            ulong low = 0, high = 1UL << 36;
            while (low < high)
            {
                ulong middle = low + (high - low + 1) / 2;
                UInt128 power = middle;
                for (int i = 1; i < degree; i++) power *= middle;
                if (power <= scaled) low = middle;
                else high = middle - 1;
            }
            return (uint)low;
        }).ToArray();
    }
}
