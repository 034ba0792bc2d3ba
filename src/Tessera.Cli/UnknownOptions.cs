using System.CommandLine;
using System.CommandLine.Parsing;

namespace Tessera.Cli;

/// <summary>
/// System.CommandLine gives a token that looks like an option but names none (<c>--bogus</c>) to
/// any argument that can still take a value, so <c>tessera wast --bogus x.wast</c> would read a
/// script named <c>--bogus</c>. Every command's file arguments are checked here instead: a value
/// that starts with <c>-</c> (other than <c>-</c> alone) before any <c>--</c> is an unknown option,
/// a <see cref="UsageException"/> (exit 2). After <c>--</c> it is a file name.
/// </summary>
internal static class UnknownOptions
{
    /// <summary>Throws a <see cref="UsageException"/> for the first argument value of the parsed
    /// command that looks like an option (<see cref="Find"/>).</summary>
    public static void Refuse(ParseResult result)
    {
        if (Find(result) is { } option)
            throw new UsageException($"unknown option '{option}'; see '{Name(result.CommandResult.Command)} --help'");
    }

    /// <summary>The first value of the parsed command's arguments that starts with <c>-</c> (not
    /// <c>-</c> alone) before any <c>--</c>; an argument that captures the rest of the line
    /// (<c>run</c>'s program arguments) is never looked at. Null when there is none.</summary>
    public static string? Find(ParseResult result)
    {
        int end = IndexOfDoubleDash(result.Tokens);
        foreach (var argument in result.CommandResult.Command.Arguments)
        {
            if (argument.CaptureRemainingTokens || result.GetResult(argument) is not { } values) continue;
            foreach (var token in values.Tokens)
            {
                if (token.Value.Length > 1 && token.Value[0] == '-' && IndexOf(result.Tokens, token) < end) return token.Value;
            }
        }
        return null;
    }

    /// <summary>Where <c>--</c> is among <paramref name="tokens"/>, or past the end.</summary>
    private static int IndexOfDoubleDash(IReadOnlyList<Token> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.DoubleDash) return i;
        }
        return tokens.Count;
    }

    /// <summary>The position of this very token: two tokens can hold the same text.</summary>
    internal static int IndexOf(IReadOnlyList<Token> tokens, Token token)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (ReferenceEquals(tokens[i], token)) return i;
        }
        return -1;
    }

    private static string Name(Command command) => command is RootCommand ? "tessera" : $"tessera {command.Name}";
}
