using Tessera.Wasm.Model;

namespace Tessera.Wasm.Runtime;

/// <summary>
/// Something an instance imports or exports: a <see cref="Func"/>, <see cref="Memory"/>,
/// <see cref="Table"/> or <see cref="Global"/>. The set is closed (the constructor is internal),
/// so a <c>switch</c> over it is complete; items of the component model join it in this assembly.
/// </summary>
/// <remarks>
/// Every memory, table and global belongs to exactly one <see cref="Runtime.Store"/>, given when
/// it is made; so does a function an instance defines. A host function belongs to no store until
/// an instance imports it: one host function serves every store (the kernel's task API is defined
/// once for a million tasks), and its <see cref="Caller"/> names the calling store. Instantiation
/// refuses an item of another store (<see cref="Owner"/>), in one place
/// (<see cref="Instance"/>'s import check), before anything is instantiated.
/// </remarks>
public abstract class Extern
{
    private protected Extern()
    {
    }

    /// <summary>Which of the four it is, as an import or export declares it.</summary>
    public abstract ExternKind Kind { get; }

    /// <summary>The store this item belongs to; null only for a host function, which any store may
    /// import.</summary>
    public abstract Store? Owner { get; }
}
