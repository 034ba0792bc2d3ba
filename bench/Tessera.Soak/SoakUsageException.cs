namespace Tessera.Soak;

/// <summary>The soak's arguments are wrong: an unknown one, a missing value, a value out of its
/// range, or one given twice. <see cref="SoakCommand.Run"/> prints it and exits 2, as the
/// <c>tessera</c> command does for usage errors.</summary>
internal sealed class SoakUsageException(string message) : Exception(message);
