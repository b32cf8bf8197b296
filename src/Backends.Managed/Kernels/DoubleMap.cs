using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// A float function evaluated in double precision, so that the float result is the correctly rounded value
/// up to the function's own conditioning: one scalar form and one 8-lane form. Structs implement it so the
/// JIT specializes <see cref="DoubleMap"/>'s loops for each function.
/// </summary>
internal interface IDoubleFunction
{
    static abstract double Invoke(double x);
    static abstract Vector512<double> Invoke(Vector512<double> x);
}

/// <summary>Loops applying an <see cref="IDoubleFunction"/> over float buffers: 16 floats widened to two 8-lane doubles at a time.</summary>
internal static unsafe class DoubleMap
{
    /// <summary>Relative cost of one element (an exp and a few dozen flops in double) against a plain copy.</summary>
    private const int WorkPerElement = 16;

    /// <summary>y = f(x); y may be x.</summary>
    public static void Apply<TF>(ReadOnlySpan<float> x, Span<float> y, int threads) where TF : IDoubleFunction
    {
        fixed (float* px = x, py = y)
            KernelParallel.For(x.Length, (long)x.Length * WorkPerElement, threads, new Operands(px, null, py),
                static (in Operands o, int s, int e) => ApplyRange<TF>(new ReadOnlySpan<float>(o.X + s, e - s), new Span<float>(o.Y + s, e - s)));
    }

    /// <summary>dx += dy · f(x), with f a derivative: the backward pass of an element-wise function.</summary>
    public static void MultiplyAccumulate<TF>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int threads)
        where TF : IDoubleFunction
    {
        fixed (float* px = x, pdy = dy, pdx = dx)
            KernelParallel.For(x.Length, (long)x.Length * WorkPerElement, threads, new Operands(px, pdy, pdx),
                static (in Operands o, int s, int e) => MultiplyAccumulateRange<TF>(new ReadOnlySpan<float>(o.X + s, e - s),
                    new ReadOnlySpan<float>(o.DY + s, e - s), new Span<float>(o.Y + s, e - s)));
    }

    /// <summary>The pinned x, dy (backward only) and output (y, or dx in the backward pass).</summary>
    private readonly struct Operands(float* x, float* dy, float* y)
    {
        public readonly float* X = x, DY = dy, Y = y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyRange<TF>(ReadOnlySpan<float> x, Span<float> y) where TF : IDoubleFunction
    {
        if (typeof(TF) == typeof(GeluErfFunction) && Vector512.IsHardwareAccelerated)
        {
            GeluErfFloat.Map(x, default, y); // the erf GELU's forward in float (see GeluErfFloat)
            return;
        }
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(x.Slice(i)));
                Vector512.Narrow(TF.Invoke(lo), TF.Invoke(hi)).CopyTo(y.Slice(i));
            }
        }
        for (; i < x.Length; i++) y[i] = (float)TF.Invoke(x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAccumulateRange<TF>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
        where TF : IDoubleFunction
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (xLo, xHi) = Vector512.Widen(Vector512.Create(x.Slice(i)));
                var (dyLo, dyHi) = Vector512.Widen(Vector512.Create(dy.Slice(i)));
                var (dxLo, dxHi) = Vector512.Widen(Vector512.Create(dx.Slice(i)));
                Vector512.Narrow(
                    Vector512.FusedMultiplyAdd(dyLo, TF.Invoke(xLo), dxLo),
                    Vector512.FusedMultiplyAdd(dyHi, TF.Invoke(xHi), dxHi)).CopyTo(dx.Slice(i));
            }
        }
        for (; i < x.Length; i++) dx[i] = (float)(dx[i] + (double)dy[i] * TF.Invoke(x[i]));
    }
}
