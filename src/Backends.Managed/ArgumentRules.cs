using System.Runtime.CompilerServices;

namespace LlmForge.Backends.Managed;

/// <summary>The building blocks of <see cref="KernelChecks"/>: each throws an <see cref="ArgumentException"/> naming the argument.</summary>
internal static class ArgumentRules
{
    /// <summary>Element-wise kernels: every buffer has the length of the first input.</summary>
    internal static void SameLength(int length, int expected, string name, string firstName)
    {
        if (length != expected)
            throw new ArgumentException($"{name} has {length} elements but {firstName} has {expected}; element-wise kernels need equal lengths.", name);
    }

    /// <summary>A [rows, cols] buffer: at least rows·cols elements.</summary>
    internal static void Rows(int length, int rows, int cols, string name)
    {
        long needed = (long)rows * cols;
        if (length < needed)
            throw new ArgumentException($"{name} has {length} elements but [rows = {rows}, cols = {cols}] needs {needed}.", name);
    }

    /// <summary>A buffer of at least <paramref name="needed"/> elements, described by <paramref name="what"/>.</summary>
    internal static void AtLeast(int length, long needed, string name, string what)
    {
        if (length < needed)
            throw new ArgumentException($"{name} has {length} elements but {what} needs {needed}.", name);
    }

    /// <summary>
    /// <see cref="AtLeast(int, long, string, string)"/> with an interpolated <paramref name="what"/>
    /// (<c>$"cols = {cols}"</c>), formatted only when the check fails: a passing check allocates nothing.
    /// </summary>
    internal static void AtLeast(int length, long needed, string name,
        [InterpolatedStringHandlerArgument(nameof(length), nameof(needed))] FailureText what)
    {
        if (length < needed)
            throw new ArgumentException($"{name} has {length} elements but {what.ToStringAndClear()} needs {needed}.", name);
    }

    /// <summary>The text of a length check, built only when the check fails.</summary>
    [InterpolatedStringHandler]
    internal ref struct FailureText
    {
        private DefaultInterpolatedStringHandler text;

        public FailureText(int literalLength, int formattedCount, int length, long needed, out bool failed)
        {
            failed = length < needed;
            text = failed ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string value) => text.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => text.AppendFormatted(value);

        public string ToStringAndClear() => text.ToStringAndClear();
    }

    internal static void RowsCols(int rows, int cols)
    {
        NonNegative(rows, nameof(rows));
        NonNegative(cols, nameof(cols));
    }

    internal static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be zero or positive, got {value}.");
    }

    internal static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, got {value}.");
    }

    internal static void Mask(in SoftmaxMask mask, int rows, int cols)
    {
        const string name = "mask";
        if (mask.Window < 0)
            throw new ArgumentException($"mask.Window must be 0 (no window) or positive, got {mask.Window}.", name);
        if ((mask.Causal || mask.Window > 0) && mask.QueryLength <= 0)
            throw new ArgumentException($"mask.QueryLength must be positive for a causal or window mask, got {mask.QueryLength}.", name);
        if (mask.QueryOffset < 0)
            throw new ArgumentException($"mask.QueryOffset must be zero or positive, got {mask.QueryOffset}.", name);
        if (mask.KeyValid.IsEmpty) return;
        if (mask.RowsPerBatch <= 0)
            throw new ArgumentException($"mask.RowsPerBatch must be positive with a padding mask, got {mask.RowsPerBatch}.", name);
        long batches = ((long)rows + mask.RowsPerBatch - 1) / mask.RowsPerBatch;
        if (mask.KeyValid.Length < batches * cols)
            throw new ArgumentException(
                $"mask.KeyValid has {mask.KeyValid.Length} elements but [batch = {batches}, cols = {cols}] needs {batches * cols}.", name);
    }

    /// <summary>Every id in [0, vocab): an out-of-range id names its position and value.</summary>
    internal static void Ids(ReadOnlySpan<int> ids, int vocab, string name)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)vocab)
                throw new ArgumentException($"{name}[{i}] = {ids[i]} is outside the vocabulary [0, {vocab}).", name);
        }
    }

    /// <summary>Every target in [0, vocab) or equal to <paramref name="ignoreIndex"/>.</summary>
    internal static void Targets(ReadOnlySpan<int> targets, int rows, int vocab, int ignoreIndex, string name)
    {
        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if (t != ignoreIndex && (uint)t >= (uint)vocab)
                throw new ArgumentException(
                    $"{name}[{r}] = {t} is outside [0, {vocab}) and is not the ignore index {ignoreIndex}.", name);
        }
    }

    /// <summary>
    /// A matrix of [rows, cols] stored with row stride <paramref name="ld"/>, repeated <paramref name="batch"/>
    /// times <paramref name="stride"/> apart.
    /// </summary>
    internal static void Matrix(int length, int rows, int cols, int ld, int batch, long stride,
        string name, string ldName, string? strideName)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException($"{ldName} = {ld} is smaller than the {cols} columns {name} has as stored.", ldName);
        if (strideName is not null && stride < 0)
            throw new ArgumentException($"{strideName} must be zero or positive, got {stride}.", strideName);
        if (batch == 0 || rows == 0 || cols == 0) return;
        long needed = (batch - 1) * stride + (long)(rows - 1) * ld + cols;
        if (length < needed)
            throw new ArgumentException(
                $"{name} has {length} elements but {batch} matrices of [{rows}, {cols}] with ld = {ld}" +
                (strideName is null ? "" : $" and stride = {stride}") + $" need {needed}.", name);
    }
}
