using Tessera.Wasm.Binary;
using Tessera.Wasm.Model;

namespace Tessera.Wasm.Validation;

/// <summary>
/// Decodes function bodies without typing them, to find the binary-format errors that
/// <see cref="FunctionValidator"/> would raise. Runs only after validation has failed, so that a
/// module that is both malformed and invalid is reported as malformed, as the spec requires (it
/// decodes the whole module before validating). The format rules here are the ones listed in
/// <see cref="ModuleValidator"/>'s remarks; immediates are read by
/// <see cref="WasmReader.SkipImmediates"/>, which uses the same readers as the validator.
/// </summary>
internal static class BodyFormatScan
{
    private enum Block : byte { Plain, If, Else }

    /// <summary>Throws the first <see cref="WasmFormatException"/> found in any body of <paramref name="module"/>.</summary>
    public static void ThrowIfMalformed(ModuleDefinition module, WasmFeatures features)
    {
        var blocks = new List<Block>();
        for (uint i = 0; i < module.Bodies.Count; i++)
        {
            var function = new DefinedFuncIndex(i);
            var body = module.Body(function);
            var r = new WasmReader(body.Code.Span, body.CodeOffset, "unexpected end");
            Scan(ref r, module, features, blocks, module.ToIndex(function));
        }
    }

    /// <summary>Scans one body; stops early at an instruction this scan cannot frame (the prefixes of
    /// the gc and threads proposals), which is not a format error.</summary>
    private static void Scan(ref WasmReader r, ModuleDefinition module, WasmFeatures features, List<Block> blocks, FuncIndex funcIndex)
    {
        blocks.Clear();
        blocks.Add(Block.Plain);
        while (true)
        {
            int offset = r.Offset;
            byte b = r.ReadByte();
            OpcodeInfo? info;
            if (b is 0xFB or 0xFE) return;
            if (b is 0xFC or 0xFD)
            {
                uint sub = r.ReadU32();
                info = sub <= 0xFFFF ? OpcodeTable.Lookup((Opcode)((b << 16) | (int)sub)) : null;
            }
            else
            {
                info = OpcodeTable.Lookup((Opcode)b);
            }
            if (info is null) throw new WasmFormatException("illegal opcode", offset, $"function {funcIndex}: 0x{b:x2}");
            r.SkipImmediates(info, features);
            switch (info.Opcode)
            {
                case Opcode.Block:
                case Opcode.Loop:
                case Opcode.TryTable:
                    blocks.Add(Block.Plain);
                    break;
                case Opcode.If:
                    blocks.Add(Block.If);
                    break;
                case Opcode.Else:
                    if (blocks[^1] != Block.If) throw new WasmFormatException("END opcode expected", offset, $"function {funcIndex}: else without a matching if");
                    blocks[^1] = Block.Else;
                    break;
                case Opcode.End:
                    blocks.RemoveAt(blocks.Count - 1);
                    if (blocks.Count == 0)
                    {
                        if (!r.AtEnd) throw new WasmFormatException("section size mismatch", offset, $"function {funcIndex}: {r.Remaining} byte(s) after the end of the function");
                        return;
                    }
                    break;
                case Opcode.MemoryInit:
                case Opcode.DataDrop:
                    if (module.DataCount is null) throw new WasmFormatException("data count section required", offset, $"function {funcIndex}");
                    break;
            }
        }
    }
}
