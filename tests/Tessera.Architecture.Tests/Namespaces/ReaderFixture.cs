// Types whose uses of each other are known from this source, for NamespaceGraphReaderTests: each
// namespace below uses Fixture.Target by one route only.
#pragma warning disable CS0169, CA1822, IDE0051, IDE0052 // members exist to be compiled, not used

namespace Tessera.Architecture.Tests.Fixture.Target
{
    internal class BaseClass;

    internal interface IMarker;

    internal sealed class Item
    {
        public static int Count => 1;
    }
}

namespace Tessera.Architecture.Tests.Fixture.ByBase
{
    internal sealed class User : Target.BaseClass;
}

namespace Tessera.Architecture.Tests.Fixture.ByInterface
{
    internal sealed class User : Target.IMarker;
}

namespace Tessera.Architecture.Tests.Fixture.ByFieldTypeArgument
{
    internal sealed class User
    {
        private readonly List<Target.Item>? items;
    }
}

namespace Tessera.Architecture.Tests.Fixture.ByCall
{
    internal static class User
    {
        public static int Call() => Target.Item.Count;
    }
}

namespace Tessera.Architecture.Tests.Fixture.ByTypeof
{
    internal static class User
    {
        public static Type Token() => typeof(Target.Item);
    }
}

namespace Tessera.Architecture.Tests.Fixture.ByGenericMethodArgument
{
    internal static class User
    {
        public static string Call() => NameOf<Target.Item>();

        private static string NameOf<T>() => typeof(T).Name;
    }
}

namespace Tessera.Architecture.Tests.Fixture.ByClosure
{
    internal static class User
    {
        public static Func<int> Capture(int x) => () => x + Target.Item.Count;
    }
}

namespace Tessera.Architecture.Tests.Fixture.ByAsync
{
    internal static class User
    {
        public static async Task<int> Later()
        {
            await Task.Yield();
            return Target.Item.Count;
        }
    }
}

namespace Tessera.Architecture.Tests.Fixture.CycleA
{
    internal sealed class Left
    {
        public CycleB.Right? Other { get; set; }
    }
}

namespace Tessera.Architecture.Tests.Fixture.CycleB
{
    internal sealed class Right
    {
        public static object Make() => new CycleA.Left();
    }
}
