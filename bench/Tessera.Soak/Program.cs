namespace Tessera.Soak;

public static class Program
{
    public static int Main(string[] args) => SoakCommand.Run(args, Console.Out, Console.Error);
}
