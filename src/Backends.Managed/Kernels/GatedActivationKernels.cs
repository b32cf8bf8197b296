using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The gated product of a GLU feed-forward, y = act(gate) ⊙ up, fused: one pass instead of Map (or Gelu) then Mul,
/// and no [rows, H] act(gate) buffer. act and act' are the <see cref="IDoubleFunction"/>s the element-wise kernels
/// use, evaluated in double and rounded to float before the product, so the fused and unfused paths agree to the bit.
/// </summary>
public static unsafe class GatedActivationKernels
{
    /// <summary>Relative cost of one element (an exp and a few dozen flops in double) against a plain copy.</summary>
    private const int WorkPerElement = 16;

    /// <summary>y = act(gate) ⊙ up; parallel over elements.</summary>
    public static void GatedActivation(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y,
        GateActivation activation, int threads)
    {
        KernelChecks.GatedActivation(gate, up, y, activation);
        switch (activation)
        {
            case GateActivation.Silu: Forward<SiluFunction>(gate, up, y, threads); break;
            case GateActivation.GeluTanh: Forward<GeluTanhFunction>(gate, up, y, threads); break;
            case GateActivation.GeluErf: Forward<GeluErfFunction>(gate, up, y, threads); break;
            default: Forward<ReluFunction>(gate, up, y, threads); break; // Relu (KernelChecks rejected the rest)
        }
    }

    /// <summary>dgate += dy ⊙ up ⊙ act'(gate) (skipped when dgate is empty); dup += dy ⊙ act(gate) (skipped when dup is empty).</summary>
    public static void GatedActivationBackward(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, GateActivation activation, int threads)
    {
        KernelChecks.GatedActivationBackward(gate, up, dy, dgate, dup, activation);
        switch (activation)
        {
            case GateActivation.Silu: Backward<SiluFunction, SiluDerivative>(gate, up, dy, dgate, dup, threads); break;
            case GateActivation.GeluTanh: Backward<GeluTanhFunction, GeluTanhDerivative>(gate, up, dy, dgate, dup, threads); break;
            case GateActivation.GeluErf: Backward<GeluErfFunction, GeluErfDerivative>(gate, up, dy, dgate, dup, threads); break;
            default: Backward<ReluFunction, ReluDerivative>(gate, up, dy, dgate, dup, threads); break;
        }
    }

    private static void Forward<TF>(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, Span<float> y, int threads)
        where TF : IDoubleFunction
    {
        fixed (float* pg = gate, pu = up, py = y)
        {
            var args = new Args { Gate = pg, Up = pu, Y = py };
            KernelParallel.For(gate.Length, (long)gate.Length * WorkPerElement, threads, args, static (in Args a, int s, int e) =>
                ForwardRange<TF>(new ReadOnlySpan<float>(a.Gate + s, e - s), new ReadOnlySpan<float>(a.Up + s, e - s),
                    new Span<float>(a.Y + s, e - s)));
        }
    }

    private static void Backward<TF, TD>(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy,
        Span<float> dgate, Span<float> dup, int threads) where TF : IDoubleFunction where TD : IDoubleFunction
    {
        fixed (float* pg = gate, pu = up, pdy = dy, pdg = dgate, pdu = dup)
        {
            var args = new Args
            {
                Gate = pg, Up = pu, DY = pdy, DGate = dgate.IsEmpty ? null : pdg, DUp = dup.IsEmpty ? null : pdu,
            };
            KernelParallel.For(gate.Length, (long)gate.Length * 2 * WorkPerElement, threads, args, static (in Args a, int s, int e) =>
            {
                var g = new ReadOnlySpan<float>(a.Gate + s, e - s);
                var u = new ReadOnlySpan<float>(a.Up + s, e - s);
                var d = new ReadOnlySpan<float>(a.DY + s, e - s);
                if (a.DGate != null) GateGradientRange<TD>(g, u, d, new Span<float>(a.DGate + s, e - s));
                if (a.DUp != null) ForwardRange<TF>(g, d, new Span<float>(a.DUp + s, e - s), accumulate: true);
            });
        }
    }

    /// <summary>The pinned buffers: gate, up and y forward; gate, up, dy, dgate and dup (null when not wanted) backward.</summary>
    private readonly struct Args
    {
        public float* Gate { get; init; }
        public float* Up { get; init; }
        public float* Y { get; init; }
        public float* DY { get; init; }
        public float* DGate { get; init; }
        public float* DUp { get; init; }
    }

    /// <summary>
    /// y[j] (+)= (float)act(gate[j]) · m[j] in float: m = up forward, m = dy for dup (accumulate). The activation is
    /// rounded to float first, as the unfused Map leaves it in its buffer; 16 floats at a time, widened to two 8-lane doubles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRange<TF>(ReadOnlySpan<float> gate, ReadOnlySpan<float> m, Span<float> y, bool accumulate = false)
        where TF : IDoubleFunction
    {
        if (typeof(TF) == typeof(GeluErfFunction) && Vector512.IsHardwareAccelerated)
        {
            GeluErfFloat.MapTimes(gate, m, y, accumulate); // the erf GELU's forward in float (see GeluErfFloat)
            return;
        }
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= gate.Length - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.Create(gate.Slice(j)));
                var p = Vector512.Narrow(TF.Invoke(lo), TF.Invoke(hi)) * Vector512.Create(m.Slice(j));
                (accumulate ? Vector512.Create((ReadOnlySpan<float>)y.Slice(j)) + p : p).CopyTo(y.Slice(j));
            }
        }
        for (; j < gate.Length; j++)
        {
            float p = (float)TF.Invoke(gate[j]) * m[j];
            y[j] = accumulate ? y[j] + p : p;
        }
    }

    /// <summary>
    /// dgate[j] = (float)(dgate[j] + (double)(dy[j] · up[j]) · act'(gate[j])): the product dy ⊙ up rounded to float as
    /// the unfused Mul's gradient is, then the derivative's multiply-add in double as MapBackward does it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GateGradientRange<TD>(ReadOnlySpan<float> gate, ReadOnlySpan<float> up, ReadOnlySpan<float> dy, Span<float> dgate)
        where TD : IDoubleFunction
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j <= gate.Length - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                var (gLo, gHi) = Vector512.Widen(Vector512.Create(gate.Slice(j)));
                var (tLo, tHi) = Vector512.Widen(Vector512.Create(dy.Slice(j)) * Vector512.Create(up.Slice(j)));
                var (dLo, dHi) = Vector512.Widen(Vector512.Create((ReadOnlySpan<float>)dgate.Slice(j)));
                Vector512.Narrow(
                    Vector512.FusedMultiplyAdd(tLo, TD.Invoke(gLo), dLo),
                    Vector512.FusedMultiplyAdd(tHi, TD.Invoke(gHi), dHi)).CopyTo(dgate.Slice(j));
            }
        }
        for (; j < gate.Length; j++) dgate[j] = (float)(dgate[j] + (double)(dy[j] * up[j]) * TD.Invoke(gate[j]));
    }
}
