using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

// The element-wise functions of UnaryOp: the five VML has a routine for (vmsSqrt, vmsInvSqrt, vmsInv, vmsLn, vmsSqr,
// high accuracy, ≤ 1 ulp) run there, block by block on this backend's threads; sigmoid, ReLU and SiLU, which VML
// lacks, and every derivative (a product with dy that VML would need extra passes for) run on the fallback.
// The per-row broadcasts have no MKL routine either.
public sealed partial class MklBackend
{
    /// <inheritdoc/>
    public unsafe void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        if (op is not (UnaryOp.Sqrt or UnaryOp.Rsqrt or UnaryOp.Reciprocal or UnaryOp.Log or UnaryOp.Square))
        {
            fallback.Map(op, x, y);
            return;
        }
        SizeChecks.SameLength(x.Length, nameof(x), y.Length, nameof(y));
        if (x.IsEmpty) return;
        fixed (float* px = x, py = y)
            BlockParallel.For(x.Length, threads, new MapOperands(px, py, op), static (in MapOperands o, int start, int length) =>
            {
                float* a = o.X + start, r = o.Y + start;
                switch (o.Op)
                {
                    case UnaryOp.Sqrt: MklNative.VmsSqrt(length, a, r, VmlMode); break;
                    case UnaryOp.Rsqrt: MklNative.VmsInvSqrt(length, a, r, VmlMode); break;
                    case UnaryOp.Reciprocal: MklNative.VmsInv(length, a, r, VmlMode); break;
                    case UnaryOp.Log: MklNative.VmsLn(length, a, r, VmlMode); break;
                    default: MklNative.VmsSqr(length, a, r, VmlMode); break;
                }
            });
    }

    /// <inheritdoc/>
    public void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx) =>
        fallback.MapBackward(op, x, dy, dx);

    /// <inheritdoc/>
    public void AddColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols) =>
        fallback.AddColumnBroadcast(x, v, y, rows, cols);

    /// <inheritdoc/>
    public void MulColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols) =>
        fallback.MulColumnBroadcast(x, v, y, rows, cols);

    /// <summary>The pinned x and y of a VML map's blocks, and which function.</summary>
    private readonly unsafe struct MapOperands(float* x, float* y, UnaryOp op)
    {
        public readonly float* X = x, Y = y;
        public readonly UnaryOp Op = op;
    }
}
