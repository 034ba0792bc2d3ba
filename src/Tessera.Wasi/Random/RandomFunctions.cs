using Tessera.Platform.Entropy;
using Tessera.Wasi.Abi;
using Tessera.Wasi.Memory;

namespace Tessera.Wasi.Random;

/// <summary>random_get: cryptographically secure bytes from the host.</summary>
internal static class RandomFunctions
{
    public static Errno Get(GuestMemory memory, int buffer, int length)
    {
        HostEntropy.Fill(memory.Slice(buffer, length));
        return Errno.Success;
    }
}
