namespace Tessera.Wasm.Tests.Fuzz;

/// <summary>
/// Structure-blind mutations of a module binary, of the kinds that break decoders: bit flips,
/// boundary bytes, LEB128 continuation runs, inserted and deleted bytes, truncation and
/// duplicated chunks. Most results stay close to valid, so they reach deep into the decoder.
/// </summary>
internal static class ModuleMutator
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x0B, 0x40, 0x41, 0x60, 0x6F, 0x70, 0x7F, 0x80, 0xFC, 0xFD, 0xFF];

    public static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations && bytes.Count > 8; m++)
        {
            // Keep the 8-byte header intact most of the time so mutations reach the sections.
            int lowest = random.Next(20) == 0 ? 0 : 8;
            int at = lowest + random.Next(bytes.Count - lowest);
            switch (random.Next(8))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = Interesting[random.Next(Interesting.Length)]; break;
                case 2: bytes[at] = (byte)random.Next(256); break;
                case 3:
                    // A long LEB128 continuation run: huge counts and lengths.
                    for (int k = 0; k < 1 + random.Next(5) && at + k < bytes.Count; k++) bytes[at + k] = 0xFF;
                    break;
                case 4: bytes.Insert(at, (byte)random.Next(256)); break;
                case 5: bytes.RemoveAt(at); break;
                case 6: bytes.RemoveRange(at, bytes.Count - at); break;
                case 7:
                    {
                        int length = Math.Min(1 + random.Next(32), bytes.Count - at);
                        bytes.InsertRange(at, bytes.GetRange(at, length));
                        break;
                    }
            }
        }
        return bytes.ToArray();
    }
}
