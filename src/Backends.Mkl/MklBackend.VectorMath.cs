using System.Numerics;
using System.Numerics.Tensors;
using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

// The erf GELU (BERT's), forward and backward, with erf from VML (vmsErf, high accuracy, ≤ 1 ulp): .NET has
// no vectorized erf to beat it. The tanh GELU goes to the fallback (see MklBackend.Fallback.cs for why).
public sealed partial class MklBackend
{
    private const long VmlMode = MklNative.VmlHighAccuracy | MklNative.VmlErrModeIgnore;
    private const float InvSqrt2 = 0.707106781186547524401f;   // 1/√2
    private const float InvSqrt2Pi = 0.398942280401432677940f; // 1/√(2π) = φ(0)

    /// <inheritdoc/>
    public unsafe void Gelu(ReadOnlySpan<float> x, Span<float> y, GeluApproximation approximation)
    {
        if (approximation != GeluApproximation.Erf)
        {
            fallback.Gelu(x, y, approximation);
            return;
        }
        SizeChecks.AtLeast(x.Length, y.Length, nameof(y));
        if (x.IsEmpty) return;
        fixed (float* px = x, py = y)
            BlockParallel.For(x.Length, threads, new VmlOperands(px, null, py), static (in VmlOperands o, int start, int length) =>
            {
                var xb = new ReadOnlySpan<float>(o.X + start, length);
                Span<float> t = stackalloc float[length];
                // GELU(x) = ½x(1 + erf(x/√2)); y may be x, so t holds everything until the last write.
                TensorPrimitives.Multiply(xb, InvSqrt2, t);
                fixed (float* pt = t) MklNative.VmsErf(length, pt, pt, VmlMode);
                TensorPrimitives.Add(t, 1f, t);
                TensorPrimitives.Multiply(t, xb, t);
                TensorPrimitives.Multiply(t, 0.5f, new Span<float>(o.Y + start, length));
            });
    }

    /// <inheritdoc/>
    public unsafe void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, GeluApproximation approximation)
    {
        if (approximation != GeluApproximation.Erf)
        {
            fallback.GeluBackward(x, dy, dx, approximation);
            return;
        }
        int n = x.Length;
        SizeChecks.SameLength(n, nameof(x), dy.Length, nameof(dy));
        SizeChecks.AtLeast(n, dx.Length, nameof(dx));
        if (n == 0) return;
        fixed (float* px = x, pdy = dy, pdx = dx)
            BlockParallel.For(n, threads, new VmlOperands(px, pdy, pdx), static (in VmlOperands o, int start, int length) =>
            {
                var xb = new ReadOnlySpan<float>(o.X + start, length);
                Span<float> erf = stackalloc float[length];
                Span<float> gauss = stackalloc float[length];
                TensorPrimitives.Multiply(xb, InvSqrt2, erf);
                fixed (float* pe = erf) MklNative.VmsErf(length, pe, pe, VmlMode); // erf(x/√2)
                TensorPrimitives.Multiply(xb, xb, gauss);
                TensorPrimitives.Multiply(gauss, -0.5f, gauss);
                TensorPrimitives.Exp(gauss, gauss);                                // exp(−x²/2)
                AccumulateGeluErfGradient(xb, erf, gauss,
                    new ReadOnlySpan<float>(o.DY + start, length), new Span<float>(o.Y + start, length));
            });
    }

    /// <summary>The pinned x, dy (backward only) and output (y, or dx in the backward pass) of a VML kernel's blocks.</summary>
    private readonly unsafe struct VmlOperands(float* x, float* dy, float* y)
    {
        public readonly float* X = x, DY = dy, Y = y;
    }

    /// <summary>dx += dy · (½(1 + erf) + x·exp(−x²/2)/√(2π)), i.e. dy·(Φ(x) + x·φ(x)), in one pass.</summary>
    private static void AccumulateGeluErfGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> erf, ReadOnlySpan<float> gauss,
        ReadOnlySpan<float> dy, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var half = new Vector<float>(0.5f);
            var invSqrt2Pi = new Vector<float>(InvSqrt2Pi);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var xv = new Vector<float>(x[i..]);
                var d = half + half * new Vector<float>(erf[i..]) + invSqrt2Pi * xv * new Vector<float>(gauss[i..]);
                (new Vector<float>(dx[i..]) + new Vector<float>(dy[i..]) * d).CopyTo(dx[i..]);
            }
        }
        for (; i < x.Length; i++)
            dx[i] += dy[i] * (0.5f + 0.5f * erf[i] + InvSqrt2Pi * x[i] * gauss[i]);
    }
}
