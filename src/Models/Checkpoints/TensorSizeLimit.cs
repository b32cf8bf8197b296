namespace LlmForge.Checkpoints;

/// <summary>
/// The size bound of a config's keys: every parameter is one float[], so a tensor its sizes ask for must fit in a
/// .NET array. Checked with the config so that an absurd key is one error naming it, not an overflow or an
/// allocation that never ends.
/// </summary>
internal static class TensorSizeLimit
{
    /// <summary>Null when <paramref name="rows"/> × <paramref name="columns"/> elements fit in one array, else the problem naming both keys.</summary>
    public static string? Check(string rowsKey, long rows, string columnsKey, long columns)
    {
        long elements = rows * columns; // both are positive ints here, so the product fits in a long
        return elements <= Array.MaxLength ? null
            : $"{rowsKey} {rows} × {columnsKey} {columns} = {elements} elements is out of range: one tensor holds at most {Array.MaxLength}.";
    }
}
