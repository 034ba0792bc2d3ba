using Tessera.Wasm.Model;

namespace Tessera.Wasm.Text;

/// <summary>
/// Reads WebAssembly scripts (.wast), the format of the specification's test suite (the grammar of
/// the reference interpreter's README, including 3.0's module definitions and instances, result
/// patterns and <c>either</c>). Modules are not assembled here: text modules are kept as their
/// S-expression, binary and quoted modules as their bytes, so a malformed module does not stop the
/// script.
/// </summary>
public static class WastScript
{
    /// <summary>Reads every command of a script.</summary>
    /// <param name="text">The script.</param>
    /// <param name="fileName">The script's file name, used in error messages and positions.</param>
    /// <exception cref="WatSyntaxException">The script itself (not one of its quoted or binary modules) is malformed.</exception>
    public static IReadOnlyList<WastCommand> Parse(string text, string? fileName = null)
    {
        var commands = new List<WastCommand>();
        var all = SExpr.ParseAll(text, fileName);
        if (all.Count > 0 && all[0] is SList { Head: { } head } first && IsModuleField(head))
        {
            // A script made only of module fields is one inline module (spec interpreter: "module_field+").
            var module = new SList(first.Position, [new SAtom(new Token(TokenKind.Keyword, "module", first.Position, null)), .. all]);
            commands.Add(new WastModuleCommand(first.Position, Module(module, fileName)));
            return commands;
        }
        foreach (var e in all)
        {
            if (e is not SList list) throw SCursor.Unexpected(e, fileName);
            commands.Add(Command(list, fileName));
        }
        return commands;
    }

    private static bool IsModuleField(string head) =>
        head is "type" or "rec" or "import" or "func" or "table" or "memory" or "global" or "tag" or "export" or "start" or "elem" or "data";

    private static WastCommand Command(SList list, string? source)
    {
        var c = new SCursor(list, source, 1);
        var pos = list.Position;
        switch (list.Head)
        {
            case "module":
                if (c.TryKeyword("instance"))
                {
                    var instance = c.TryId();
                    var definition = c.TryId();
                    c.ExpectEnd();
                    return new WastModuleInstanceCommand(pos, instance, definition);
                }
                return new WastModuleCommand(pos, Module(list, source));
            case "register":
                {
                    var name = c.ExpectName();
                    var id = c.TryId();
                    c.ExpectEnd();
                    return new WastRegisterCommand(pos, name, id);
                }
            case "invoke" or "get":
                return new WastActionCommand(pos, Action(list, source));
            case "assert_return":
                {
                    var action = Action(c.ExpectList(), source);
                    var expected = new List<WastValue>();
                    while (!c.AtEnd) expected.Add(Value(c.ExpectList(), source, result: true));
                    return new WastAssertReturnCommand(pos, action, expected);
                }
            case "assert_trap" when c.PeekList("module"):
                return ModuleAssertion(c, pos, WastCommandKind.AssertUninstantiable, source);
            case "assert_trap":
                return ActionAssertion(c, pos, WastCommandKind.AssertTrap, source, message: true);
            case "assert_exhaustion":
                return ActionAssertion(c, pos, WastCommandKind.AssertExhaustion, source, message: true);
            case "assert_exception":
                return ActionAssertion(c, pos, WastCommandKind.AssertException, source, message: false);
            case "assert_malformed":
                return ModuleAssertion(c, pos, WastCommandKind.AssertMalformed, source);
            case "assert_invalid":
                return ModuleAssertion(c, pos, WastCommandKind.AssertInvalid, source);
            case "assert_unlinkable":
                return ModuleAssertion(c, pos, WastCommandKind.AssertUnlinkable, source);
            case "assert_uninstantiable":
                return ModuleAssertion(c, pos, WastCommandKind.AssertUninstantiable, source);
            case "assert_malformed_custom":
                return ModuleAssertion(c, pos, WastCommandKind.AssertMalformedCustom, source);
            case "assert_invalid_custom":
                return ModuleAssertion(c, pos, WastCommandKind.AssertInvalidCustom, source);
            case "thread" or "wait" or "script" or "input" or "output":
                return new WastUnsupportedCommand(pos, list.Head!, list);
            default:
                throw list.Items.Count == 0 ? c.UnexpectedEnd() : SCursor.Unexpected(list.Items[0], source);
        }
    }

    private static WastCommand ActionAssertion(SCursor c, TextPosition pos, WastCommandKind kind, string? source, bool message)
    {
        var action = Action(c.ExpectList(), source);
        var text = message ? Message(c) : null;
        c.ExpectEnd();
        return new WastAssertActionCommand(pos, kind, action, text);
    }

    private static WastCommand ModuleAssertion(SCursor c, TextPosition pos, WastCommandKind kind, string? source)
    {
        var list = c.ExpectList();
        if (list.Head != "module") throw SCursor.Unexpected(list, source);
        var module = Module(list, source);
        var text = Message(c);
        c.ExpectEnd();
        return new WastAssertModuleCommand(pos, kind, module, text);
    }

    private static string Message(SCursor c) => System.Text.Encoding.UTF8.GetString(c.ExpectString());

    /// <summary><c>(module definition? $id? (binary|quote) string*)</c> or <c>(module definition? $id? field*)</c>.</summary>
    private static WastModule Module(SList list, string? source)
    {
        var c = new SCursor(list, source, 1);
        var definition = c.TryKeyword("definition");
        var id = c.TryId();
        if (c.PeekKeyword("binary") || c.PeekKeyword("quote"))
        {
            var form = c.TryKeyword("binary") ? WastModuleForm.Binary : WastModuleForm.Quote;
            if (form == WastModuleForm.Quote) c.ExpectKeyword("quote");
            var bytes = new List<byte>();
            while (!c.AtEnd) bytes.AddRange(c.ExpectString());
            return new WastModule(list.Position, id, definition, form, null, bytes.ToArray(), source);
        }
        var text = list;
        if (definition)
        {
            // Drop the script-only word so the assembler sees an ordinary module.
            var items = new List<SExpr>(list.Items);
            items.RemoveAt(1);
            text = new SList(list.Position, items);
        }
        return new WastModule(list.Position, id, definition, WastModuleForm.Text, text, null, source);
    }

    /// <summary><c>(invoke $id? "name" const*)</c> or <c>(get $id? "name")</c>.</summary>
    private static WastAction Action(SList list, string? source)
    {
        var c = new SCursor(list, source, 1);
        var isInvoke = list.Head switch
        {
            "invoke" => true,
            "get" => false,
            _ => throw SCursor.Unexpected(list, source),
        };
        var id = c.TryId();
        var name = c.ExpectName();
        var args = new List<WastValue>();
        while (isInvoke && !c.AtEnd) args.Add(Value(c.ExpectList(), source, result: false));
        c.ExpectEnd();
        return new WastAction(list.Position, isInvoke, id, name, args);
    }

    /// <summary>A constant (argument) or, with <paramref name="result"/>, a result pattern.</summary>
    private static WastValue Value(SList list, string? source, bool result)
    {
        var c = new SCursor(list, source, 1);
        var pos = list.Position;
        WastValue value;
        switch (list.Head)
        {
            case "i32.const":
                value = new WastNumber(pos, ValType.I32, TextValues.I32(c.Next(), source));
                break;
            case "i64.const":
                value = new WastNumber(pos, ValType.I64, TextValues.I64(c.Next(), source));
                break;
            case "f32.const" or "f64.const":
                {
                    var is32 = list.Head == "f32.const";
                    var type = is32 ? ValType.F32 : ValType.F64;
                    var atom = c.Next();
                    var pattern = result ? TextValues.Pattern(atom) : NanPattern.None;
                    value = pattern != NanPattern.None
                        ? new WastNumber(pos, type, 0, pattern)
                        : new WastNumber(pos, type, is32 ? TextValues.F32(atom, source) : TextValues.F64(atom, source));
                    break;
                }
            case "v128.const":
                {
                    var (shape, lanes, patterns) = TextValues.V128(c, result);
                    value = new WastVector(pos, shape, lanes, patterns);
                    break;
                }
            case "ref.null":
                {
                    string? text = null;
                    HeapType? heap = null;
                    if (c.Peek() is SAtom a)
                    {
                        c.Next();
                        text = a.Text;
                        heap = AbstractHeapType(a);
                    }
                    else if (!result)
                    {
                        throw c.Unexpected();
                    }
                    value = new WastReference(pos, WastRefKind.Null, text, heap, null, null);
                    break;
                }
            case "ref.extern" or "ref.host" or "ref.i31":
                {
                    var kind = list.Head switch { "ref.extern" => WastRefKind.Extern, "ref.host" => WastRefKind.Host, _ => WastRefKind.I31 };
                    ulong? payload = null;
                    if (!c.AtEnd || !result) payload = TextValues.U64(c.Next(), source);
                    value = new WastReference(pos, kind, null, null, payload, null);
                    break;
                }
            case "ref.func" when result:
                {
                    var f = c.AtEnd ? null : ((c.Next() as SAtom) ?? throw SCursor.Unexpected(list.Items[1], source)).Text;
                    value = new WastReference(pos, WastRefKind.Func, null, null, null, f);
                    break;
                }
            case "ref" or "ref.any" or "ref.eq" or "ref.struct" or "ref.array" or "ref.exn" when result:
                {
                    var kind = list.Head switch
                    {
                        "ref.eq" => WastRefKind.Eq,
                        "ref.struct" => WastRefKind.Struct,
                        "ref.array" => WastRefKind.Array,
                        "ref.exn" => WastRefKind.Exn,
                        _ => WastRefKind.Any,
                    };
                    value = new WastReference(pos, kind, null, null, null, null);
                    break;
                }
            case "either" when result:
                {
                    // An either inside an either matches what its alternatives listed in the outer
                    // one match, so nested eithers are flattened, with a stack of cursors rather
                    // than recursion: no WastEither holds another, and none is walked recursively.
                    var alternatives = new List<WastValue>();
                    var open = new Stack<SCursor>();
                    open.Push(c);
                    while (open.TryPeek(out var either))
                    {
                        if (either.AtEnd)
                        {
                            if (either.List.Items.Count == 1) throw either.UnexpectedEnd();
                            open.Pop();
                            continue;
                        }
                        var alternative = either.ExpectList();
                        if (alternative.Head == "either") open.Push(new SCursor(alternative, source, 1));
                        else alternatives.Add(Value(alternative, source, result: true));
                    }
                    value = new WastEither(pos, alternatives);
                    break;
                }
            default:
                throw list.Items.Count == 0 ? c.UnexpectedEnd() : SCursor.Unexpected(list.Items[0], source);
        }
        c.ExpectEnd();
        return value;
    }

    private static HeapType? AbstractHeapType(SAtom a) => a.Kind != AtomKind.Keyword ? null : a.Text switch
    {
        "func" => HeapType.Func,
        "extern" => HeapType.Extern,
        "any" => HeapType.Abstract(Model.AbstractHeapType.Any),
        "eq" => HeapType.Abstract(Model.AbstractHeapType.Eq),
        "i31" => HeapType.Abstract(Model.AbstractHeapType.I31),
        "struct" => HeapType.Abstract(Model.AbstractHeapType.Struct),
        "array" => HeapType.Abstract(Model.AbstractHeapType.Array),
        "exn" => HeapType.Abstract(Model.AbstractHeapType.Exn),
        "none" => HeapType.Abstract(Model.AbstractHeapType.None),
        "nofunc" => HeapType.Abstract(Model.AbstractHeapType.NoFunc),
        "noextern" => HeapType.Abstract(Model.AbstractHeapType.NoExtern),
        "noexn" => HeapType.Abstract(Model.AbstractHeapType.NoExn),
        _ => null,
    };
}
