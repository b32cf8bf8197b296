using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>tanh and GELU, forward and backward, the forward passes computed in double and rounded once (see <see cref="IDoubleFunction"/>).</summary>
public static unsafe class ActivationKernels
{
    /// <summary>y = tanh(x).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        KernelChecks.Unary(x, y);
        DoubleMap.Apply<TanhFunction>(x, y, threads);
    }

    /// <summary>GELU, tanh approximation (GPT-2, PyTorch approximate="tanh") or exact erf form (BERT, PyTorch default).</summary>
    public static void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation, int threads)
    {
        KernelChecks.Unary(x, y);
        KernelChecks.Approximation(approximation);
        if (approximation == GeluApproximation.Tanh) DoubleMap.Apply<GeluTanhFunction>(x, y, threads);
        else DoubleMap.Apply<GeluErfFunction>(x, y, threads);
    }

    /// <summary>dx += dy · GELU'(x).</summary>
    public static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation, int threads)
    {
        KernelChecks.GeluBackward(x, dy, dx, approximation);
        if (approximation == GeluApproximation.Tanh) DoubleMap.MultiplyAccumulate<GeluTanhDerivative>(x, dy, dx, threads);
        else DoubleMap.MultiplyAccumulate<GeluErfDerivative>(x, dy, dx, threads);
    }

    /// <summary>dx += dy · (1 − y²), given y = tanh(x).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int threads)
    {
        KernelChecks.TanhBackward(y, dy, dx);
        fixed (float* py = y, pdy = dy, pdx = dx)
            KernelParallel.For(y.Length, 2L * y.Length, threads, new BackwardOperands(py, pdy, pdx), static (in BackwardOperands o, int s, int e) =>
                TanhBackwardRange(new ReadOnlySpan<float>(o.Y + s, e - s), new ReadOnlySpan<float>(o.DY + s, e - s), new Span<float>(o.DX + s, e - s)));
    }

    /// <summary>The pinned y, dy and dx of a backward pass.</summary>
    private readonly struct BackwardOperands(float* y, float* dy, float* dx)
    {
        public readonly float* Y = y, DY = dy, DX = dx;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TanhBackwardRange(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var yv = Vector512.Create(y.Slice(i));
                var slope = Vector512<float>.One - yv * yv;
                Vector512.FusedMultiplyAdd(Vector512.Create(dy.Slice(i)), slope, Vector512.Create(dx.Slice(i))).CopyTo(dx.Slice(i));
            }
        }
        for (; i < y.Length; i++) dx[i] = MathF.FusedMultiplyAdd(dy[i], 1 - y[i] * y[i], dx[i]);
    }
}
