using System.Numerics;

namespace LlmForge.Checkpoints;

/// <summary>
/// The size bound of one tensor: every parameter and activation is one float[], so the product of the sizes a
/// configuration asks for must fit in a .NET array (<see cref="Array.MaxLength"/> elements). Checked with the config
/// (config.json's keys, a variant's settings) so that an absurd key is one error naming every key involved, not an
/// overflow or an allocation that never ends. The one place that multiplies the sizes and words the count.
/// </summary>
internal static class TensorSizeLimit
{
    /// <summary>Null when <paramref name="rows"/> × <paramref name="columns"/> elements fit in one array, else the problem naming both keys.</summary>
    public static string? Check(string rowsKey, long rows, string columnsKey, long columns) =>
        Exceeds([(rowsKey, rows), (columnsKey, columns)], out _) is { } count
            ? $"{count} is out of range: one tensor holds at most {Array.MaxLength}."
            : null;

    /// <summary>
    /// The element count of a tensor whose sizes are <paramref name="factors"/>, as <paramref name="elements"/>;
    /// returns null when it fits in one array, else "key size × key size = N elements" naming every factor
    /// (the caller says what the tensor is and ends the sentence).
    /// </summary>
    public static string? Exceeds(ReadOnlySpan<(string Key, long Size)> factors, out BigInteger elements)
    {
        elements = BigInteger.One;
        foreach (var (_, size) in factors) elements *= size; // BigInteger: four int sizes can overflow a long
        if (elements <= Array.MaxLength) return null;
        var named = new string[factors.Length];
        for (int i = 0; i < factors.Length; i++) named[i] = $"{factors[i].Key} {factors[i].Size}";
        return $"{string.Join(" × ", named)} = {elements} elements";
    }
}
