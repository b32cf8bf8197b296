namespace LlmForge.Backends.Mkl;

/// <summary>
/// Entry checks for the kernels that call MKL: MKL trusts its pointers, so every length is
/// verified here first and a bad one throws <see cref="ArgumentException"/> naming the argument.
/// </summary>
internal static class SizeChecks
{
    internal static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 0, got {value}.");
    }

    internal static void NonNegative(long value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be ≥ 0, got {value}.");
    }

    /// <summary>Floats a [rows, cols] matrix stored with row stride ld spans (0 when it is empty).</summary>
    internal static long MatrixSpan(int rows, int cols, int ld) =>
        rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;

    /// <summary>
    /// Checks one stored operand of a GEMM: [rows, cols] with row stride <paramref name="ld"/>, repeated
    /// <paramref name="batch"/> times <paramref name="stride"/> floats apart, inside a buffer of
    /// <paramref name="length"/> floats.
    /// </summary>
    internal static void Matrix(string buffer, int length, int rows, int cols, string ldName, int ld,
        string strideName = "", long stride = 0, int batch = 1)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"{ldName} = {ld} is smaller than the {cols} columns its matrix stores per row (and must be ≥ 1).");
        long one = MatrixSpan(rows, cols, ld);
        if (one == 0 || batch == 0) return;
        long need = (batch - 1) * stride + one;
        if (length < need)
            throw new ArgumentException(
                $"{buffer} holds {length} floats but [{rows}, {cols}] with {ldName} = {ld}" +
                (batch > 1 ? $", {strideName} = {stride}, batch = {batch}" : "") + $" needs {need}.", buffer);
    }

    internal static void SameLength(int expected, string firstName, int actual, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} floats but {firstName} has {expected}; they must match.", name);
    }

    internal static void AtLeast(int needed, int actual, string name)
    {
        if (actual < needed)
            throw new ArgumentException($"{name} has {actual} floats but {needed} are needed.", name);
    }
}
