using System.Security.Cryptography;

namespace Tessera.Platform.Entropy;

/// <summary>Cryptographically secure random bytes from the host (getrandom on Linux, through .NET).</summary>
public static class HostEntropy
{
    public static void Fill(Span<byte> buffer) => RandomNumberGenerator.Fill(buffer);
}
