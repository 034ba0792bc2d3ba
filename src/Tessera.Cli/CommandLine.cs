namespace Tessera.Cli;

/// <summary>Dispatches <c>tessera COMMAND ...</c> to the command that implements it.</summary>
public static class CommandLine
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stdout.WriteLine("tessera: nothing here yet");
        return 0;
    }
}
