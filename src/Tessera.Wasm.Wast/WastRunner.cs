using Tessera.Platform.Files;
using Tessera.Wasm.Binary;
using Tessera.Wasm.Runtime;
using Tessera.Wasm.Text;
using Tessera.Wasm.Validation;

namespace Tessera.Wasm.Wast;

/// <summary>
/// Runs WebAssembly spec scripts (.wast): every module a script defines must decode, validate and,
/// unless it is a definition, instantiate; <c>assert_malformed</c> modules must fail to decode or
/// parse and <c>assert_invalid</c> modules must fail validation; actions run on the compiled code.
/// A module that uses a feature the compiler does not implement yet is skipped, and so is every
/// assertion about it.
/// </summary>
public sealed partial class WastRunner
{
    private readonly WasmFeatures _features;
    private readonly EngineOptions? _options;
    private readonly WatVersion _textVersion;

    /// <param name="features">What the decoder and validator accept. Any feature beyond 2.0 selects
    /// the 3.0 edition of the text format, which differs from 2.0 in what it calls malformed.</param>
    /// <param name="options">How the script's modules are compiled (with a module cache, say).</param>
    public WastRunner(WasmFeatures features = WasmFeatures.Wasm2, EngineOptions? options = null)
    {
        _features = features;
        _options = options;
        _textVersion = (features & ~WasmFeatures.Wasm2) != 0 ? WatVersion.Wasm3 : WatVersion.Wasm2;
        _engine = new Engine(features, options);
        _store = new Store(_engine);
        _linker = SpecTestLinker();
    }


    /// <summary>The engine the runner was configured with (each script compiles with one like it):
    /// its <see cref="Engine.BoundsChecks"/> says whether guard pages were available.</summary>
    public Engine Engine => _engine;

    public WastScriptResult RunFile(string path)
    {
        string name = path;
        string text;
        // Only a regular file, its size checked before it is read, as the command line reads scripts.
        using (var stream = RegularFile.TryOpen(path, TextLimits.MaxTextLength + 3L, out var problem))
        {
            if (stream is null)
            {
                var result = new WastScriptResult(name) { ScriptError = new WatSyntaxException("cannot read script", default, problem, path) };
                result.Failed++;
                return result;
            }
            var bytes = new byte[stream.Length];
            text = ModuleFormat.DecodeText(bytes.AsSpan(0, stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)), path);
        }
        return RunText(text, name);
    }

    /// <summary>Runs a script. Each run has its own instances, so one runner may run scripts on
    /// several threads at once.</summary>
    public WastScriptResult RunText(string text, string name) => new WastRunner(_features, _options).RunScript(text, name);

    private WastScriptResult RunScript(string text, string name)
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
        try
        {
            RunCommand(command, result);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(result, command, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    private void RunCommand(WastCommand command, WastScriptResult result)
    {
        switch (command)
        {
            case WastModuleCommand m:
                {
                    SetCurrent(m.Module.Id, null);
                    var outcome = Load(m.Module);
                    if (outcome.Error is null) result.ModulesOk++;
                    else if (outcome.Error is WasmUnsupportedFeatureException u) Skip(result, command, u.Message);
                    else Fail(result, command, "module should be valid: " + outcome.Error.Message);
                    if (m.Module.IsDefinition || outcome.Error is not null)
                    {
                        // Later actions on this module are skipped, not failed.
                        SetCurrent(m.Module.Id, null);
                        break;
                    }
                    try
                    {
                        SetCurrent(m.Module.Id, _linker.Instantiate(_store, Module.FromBytes(_engine, outcome.Binary!)));
                    }
                    catch (WasmUnsupportedFeatureException)
                    {
                        // A module is not an assertion: the assertions about it count as skipped.
                        result.ModulesNotCompiled++;
                        // With imports it could have changed other instances (segments, start).
                        if (ModuleDecoder.Decode(outcome.Binary!, _features).Imports.Count > 0) _sideEffectsMissing = true;
                    }
                    catch (WasmLinkException) when (NeedsUnavailableModule(m.Module))
                    {
                        // It imports from a registered module that was not compiled: skipped with it.
                        result.ModulesNotCompiled++;
                    }
                    catch (WasmException e)
                    {
                        SetCurrent(m.Module.Id, null);
                        Fail(result, command, "instantiation failed: " + e.Message);
                    }
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
                    var outcome = Load(a.Module);
                    if (outcome.Error is WasmUnsupportedFeatureException u) { Skip(result, command, u.Message); break; }
                    if (outcome.Error is not null) { Fail(result, command, "module should be valid: " + outcome.Error.Message); break; }
                    if (NeedsUnavailableModule(a.Module)) { Skip(result, command, "imports from a module that was not compiled"); break; }
                    ExpectInstantiationFailure(result, a, outcome.Binary!);
                    break;
                }
            case WastAssertModuleCommand a:
                Skip(result, command, $"{a.Kind} (custom annotations) is not supported");
                break;
            case WastRegisterCommand r:
                if (Resolve(r.ModuleId) is { } registered) _linker.DefineInstance(r.Name, registered);
                else _unavailable.Add(r.Name);
                break;
            case WastActionCommand act:
                if (Resolve(act.Action.ModuleId) is not null) Execute(act.Action, out _);
                break;
            case WastAssertReturnCommand ar:
                AssertReturn(result, ar);
                break;
            case WastAssertActionCommand aa when aa.Kind is WastCommandKind.AssertTrap or WastCommandKind.AssertExhaustion:
                AssertTraps(result, aa);
                break;
            case WastAssertActionCommand:
                Skip(result, command, "needs exception handling");
                break;
            case WastModuleInstanceCommand mi:
                SetCurrent(mi.InstanceId, null);
                break;
            case WastUnsupportedCommand u:
                Skip(result, command, $"'{u.Head}' commands are not supported");
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
        result.ModuleChecksPassed++;
        if (!MessageMatches(error.Rule, command.Message))
        {
            result.MessageMismatches++;
            result.Outcomes.Add(new WastOutcome(command.Position, command.Kind, WastVerdict.Passed, $"message \"{error.Rule}\", spec says \"{command.Message}\""));
        }
    }

    /// <summary>The reference interpreter accepts an actual message that starts with the expected one.</summary>
    private static bool MessageMatches(string actual, string expected) =>
        actual.StartsWith(expected, StringComparison.Ordinal) || expected.StartsWith(actual, StringComparison.Ordinal);

    private readonly record struct LoadOutcome(WasmException? Error, byte[]? Binary = null);

    private LoadOutcome Load(WastModule module)
    {
        try
        {
            var binary = module.ToBinary(_textVersion);
            var definition = ModuleDecoder.Decode(binary, _features);
            ModuleValidator.Validate(definition, _features);
            return new LoadOutcome(null, binary);
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
