using System.Buffers.Binary;
using System.Numerics;

namespace Tessera.Wasm.Caching;

/// <summary>
/// SHA-256 (FIPS 180-4) in managed code, for the module cache's keys and checksums.
/// </summary>
/// <remarks>
/// Why not <see cref="System.Security.Cryptography.SHA256"/>: on Linux its first use loads
/// OpenSSL (libssl, libcrypto and openssl.cnf), which costs about 15 ms of a process's start-up,
/// and a cached <c>tessera run</c> of a small program takes under 200 ms in all. The inputs hashed
/// on that path are small (a module of tens of kilobytes, an entry of a few hundred), where this
/// code takes well under a millisecond; inputs of <see cref="PlatformThreshold"/> bytes or more go to
/// the platform's implementation, whose load cost is then small beside the hashing it does faster
/// (with the CPU's SHA instructions). Both produce the same digest, so the choice never changes a key.
/// </remarks>
internal sealed class Sha256
{
    /// <summary>The digest's length in bytes.</summary>
    public const int HashLength = 32;

    /// <summary>One-shot inputs of this many bytes or more are hashed by the platform.</summary>
    public const int PlatformThreshold = 1 << 20;

    private const int BlockLength = 64;

    // The standard's constants: the first 32 bits of the fractional parts of the square roots of
    // the first 8 primes (the initial hash) and of the cube roots of the first 64 (the round
    // constants). Sha256Tests derives them from that definition and compares.
    internal static ReadOnlySpan<uint> InitialHash =>
    [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];

    internal static ReadOnlySpan<uint> RoundConstants =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    private readonly uint[] _state = new uint[8];
    private readonly byte[] _block = new byte[BlockLength];
    private readonly uint[] _schedule = new uint[64];
    private int _blockUsed;
    private ulong _length;

    public Sha256() => Reset();

    /// <summary>The SHA-256 of <paramref name="data"/>, written to <paramref name="destination"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (data.Length >= PlatformThreshold)
        {
            System.Security.Cryptography.SHA256.HashData(data, destination);
            return;
        }
        var hash = new Sha256();
        hash.Append(data);
        hash.GetHashAndReset(destination);
    }

    /// <summary>The SHA-256 of <paramref name="data"/>.</summary>
    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var digest = new byte[HashLength];
        HashData(data, digest);
        return digest;
    }

    /// <summary>Hashes <paramref name="data"/> after what was appended before.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_blockUsed > 0)
        {
            int take = Math.Min(BlockLength - _blockUsed, data.Length);
            data[..take].CopyTo(_block.AsSpan(_blockUsed));
            _blockUsed += take;
            data = data[take..];
            if (_blockUsed < BlockLength) return;
            Compress(_block);
            _blockUsed = 0;
        }
        while (data.Length >= BlockLength)
        {
            Compress(data[..BlockLength]);
            data = data[BlockLength..];
        }
        data.CopyTo(_block);
        _blockUsed = data.Length;
    }

    /// <summary>Writes the digest of everything appended to <paramref name="destination"/> and
    /// starts over.</summary>
    public void GetHashAndReset(Span<byte> destination)
    {
        if (destination.Length < HashLength) throw new ArgumentException($"needs {HashLength} bytes", nameof(destination));
        ulong bits = _length * 8;
        // Padding: a 1 bit, zeros up to 8 bytes short of a block boundary, the length in bits.
        _block[_blockUsed++] = 0x80;
        if (_blockUsed > BlockLength - 8)
        {
            _block.AsSpan(_blockUsed).Clear();
            Compress(_block);
            _blockUsed = 0;
        }
        _block.AsSpan(_blockUsed, BlockLength - 8 - _blockUsed).Clear();
        BinaryPrimitives.WriteUInt64BigEndian(_block.AsSpan(BlockLength - 8), bits);
        Compress(_block);
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(destination[(i * 4)..], _state[i]);
        Reset();
    }

    private void Reset()
    {
        InitialHash.CopyTo(_state);
        _blockUsed = 0;
        _length = 0;
    }

    private void Compress(ReadOnlySpan<byte> block)
    {
        var w = _schedule;
        for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        for (int t = 16; t < 64; t++)
        {
            uint s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        var state = _state;
        uint a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        var k = RoundConstants;
        for (int t = 0; t < 64; t++)
        {
            uint sum1 = BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25);
            uint choose = (e & f) ^ (~e & g);
            uint t1 = h + sum1 + choose + k[t] + w[t];
            uint sum0 = BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22);
            uint majority = (a & b) ^ (a & c) ^ (b & c);
            uint t2 = sum0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}
