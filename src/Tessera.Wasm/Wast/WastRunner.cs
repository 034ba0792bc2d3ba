using Tessera.Wasm.Binary;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Wast;

/// <summary>
/// Runs WebAssembly spec scripts (.wast) against the front end: every module a script defines must
/// decode and validate; <c>assert_malformed</c> modules must fail to decode or parse and
/// <c>assert_invalid</c> modules must fail validation. Assertions that need execution are counted as
/// skipped until the engine executes code.
/// </summary>
public sealed class WastRunner
{
    private readonly WasmFeatures _features;
    private readonly WatVersion _textVersion;

    /// <param name="features">What the decoder and validator accept. Any feature beyond 2.0 selects
    /// the 3.0 edition of the text format, which differs from 2.0 in what it calls malformed.</param>
    public WastRunner(WasmFeatures features = WasmFeatures.Wasm2)
    {
        _features = features;
        _textVersion = (features & ~WasmFeatures.Wasm2) != 0 ? WatVersion.Wasm3 : WatVersion.Wasm2;
    }

    public WastScriptResult RunFile(string path)
    {
        string name = path;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            var result = new WastScriptResult(name) { ScriptError = new WatSyntaxException("cannot read script", default, e.Message, path) };
            result.Failed++;
            return result;
        }
        return RunText(text, name);
    }

    public WastScriptResult RunText(string text, string name)
    {
        var result = new WastScriptResult(name);
        IReadOnlyList<WastCommand> commands;
        try
        {
            commands = WastScript.Parse(text, name);
        }
        catch (WasmException e)
        {
            result.ScriptError = e;
            result.Failed++;
            return result;
        }
        foreach (var command in commands) Run(command, result);
        return result;
    }

    private void Run(WastCommand command, WastScriptResult result)
    {
        switch (command)
        {
            case WastModuleCommand m:
                {
                    var outcome = Load(m.Module);
                    if (outcome.Error is null) result.ModulesOk++;
                    else if (outcome.Error is WasmUnsupportedFeatureException u) Skip(result, command, u.Message);
                    else Fail(result, command, "module should be valid: " + outcome.Error.Message);
                    break;
                }
            case WastAssertModuleCommand a when a.Kind == WastCommandKind.AssertMalformed:
                Expect(result, a, Load(a.Module).Error, malformed: true);
                break;
            case WastAssertModuleCommand a when a.Kind == WastCommandKind.AssertInvalid:
                Expect(result, a, Load(a.Module).Error, malformed: false);
                break;
            case WastAssertModuleCommand a when a.Kind is WastCommandKind.AssertUnlinkable or WastCommandKind.AssertUninstantiable:
                {
                    // The module itself must be valid; linking and instantiation need the runtime.
                    var error = Load(a.Module).Error;
                    if (error is null or WasmUnsupportedFeatureException) Skip(result, command, "needs instantiation");
                    else Fail(result, command, "module should be valid: " + error.Message);
                    break;
                }
            case WastAssertModuleCommand a:
                Skip(result, command, $"{a.Kind} (custom annotations) is not supported");
                break;
            case WastAssertReturnCommand or WastAssertActionCommand:
                Skip(result, command, "needs execution");
                break;
            case WastUnsupportedCommand u:
                Skip(result, command, $"'{u.Head}' commands are not supported");
                break;
            default:
                // module instance, register and bare actions are not assertions: nothing to count yet.
                break;
        }
    }

    private void Expect(WastScriptResult result, WastAssertModuleCommand command, WasmException? error, bool malformed)
    {
        string expected = malformed ? "malformed" : "invalid";
        switch (error)
        {
            case null:
                Fail(result, command, $"expected {expected} module (\"{command.Message}\"), but it {(malformed ? "decoded" : "validated")}");
                return;
            case WasmUnsupportedFeatureException u:
                Skip(result, command, u.Message);
                return;
            case WasmFormatException or WatSyntaxException when !malformed:
                Fail(result, command, $"expected invalid (\"{command.Message}\"), but it is malformed: {error.Message}");
                return;
            case WasmValidationException when malformed:
                Fail(result, command, $"expected malformed (\"{command.Message}\"), but it decoded and is invalid: {error.Message}");
                return;
        }
        result.Passed++;
        if (!MessageMatches(error.Rule, command.Message))
        {
            result.MessageMismatches++;
            result.Outcomes.Add(new WastOutcome(command.Position, command.Kind, WastVerdict.Passed, $"message \"{error.Rule}\", spec says \"{command.Message}\""));
        }
    }

    /// <summary>The reference interpreter accepts an actual message that starts with the expected one.</summary>
    private static bool MessageMatches(string actual, string expected) =>
        actual.StartsWith(expected, StringComparison.Ordinal) || expected.StartsWith(actual, StringComparison.Ordinal);

    private readonly record struct LoadOutcome(WasmException? Error);

    private LoadOutcome Load(WastModule module)
    {
        try
        {
            var definition = ModuleDecoder.Decode(module.ToBinary(_textVersion), _features);
            ModuleValidator.Validate(definition, _features);
            return new LoadOutcome(null);
        }
        catch (WasmException e)
        {
            return new LoadOutcome(e);
        }
    }

    private static void Fail(WastScriptResult result, WastCommand command, string detail)
    {
        result.Failed++;
        result.Outcomes.Add(new WastOutcome(command.Position, command.Kind, WastVerdict.Failed, detail));
    }

    private static void Skip(WastScriptResult result, WastCommand command, string reason)
    {
        result.Skipped++;
        result.Outcomes.Add(new WastOutcome(command.Position, command.Kind, WastVerdict.Skipped, reason));
    }
}
