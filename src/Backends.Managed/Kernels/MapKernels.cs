namespace LlmForge.Backends.Managed;

/// <summary>
/// The element-wise functions of <see cref="UnaryOp"/>, forward and backward: each a <see cref="DoubleMap"/> loop
/// (double precision on Vector512, parallel on large buffers, allocation-free) specialized for its function.
/// </summary>
public static class MapKernels
{
    /// <summary>y = f(x); y may be x.</summary>
    public static void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        KernelChecks.Map(op, x, y);
        switch (op)
        {
            case UnaryOp.Sqrt: DoubleMap.Apply<SqrtFunction>(x, y, threads); break;
            case UnaryOp.Rsqrt: DoubleMap.Apply<RsqrtFunction>(x, y, threads); break;
            case UnaryOp.Reciprocal: DoubleMap.Apply<ReciprocalFunction>(x, y, threads); break;
            case UnaryOp.Log: DoubleMap.Apply<LogFunction>(x, y, threads); break;
            case UnaryOp.Square: DoubleMap.Apply<SquareFunction>(x, y, threads); break;
            case UnaryOp.Sigmoid: DoubleMap.Apply<SigmoidFunction>(x, y, threads); break;
            case UnaryOp.Relu: DoubleMap.Apply<ReluFunction>(x, y, threads); break;
            default: DoubleMap.Apply<SiluFunction>(x, y, threads); break; // Silu (KernelChecks.Map rejected the rest)
        }
    }

    /// <summary>dx += dy · f'(x).</summary>
    public static void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int threads)
    {
        KernelChecks.MapBackward(op, x, dy, dx);
        switch (op)
        {
            case UnaryOp.Sqrt: DoubleMap.MultiplyAccumulate<SqrtDerivative>(x, dy, dx, threads); break;
            case UnaryOp.Rsqrt: DoubleMap.MultiplyAccumulate<RsqrtDerivative>(x, dy, dx, threads); break;
            case UnaryOp.Reciprocal: DoubleMap.MultiplyAccumulate<ReciprocalDerivative>(x, dy, dx, threads); break;
            case UnaryOp.Log: DoubleMap.MultiplyAccumulate<ReciprocalFunction>(x, dy, dx, threads); break; // (ln x)' = 1/x
            case UnaryOp.Square: DoubleMap.MultiplyAccumulate<SquareDerivative>(x, dy, dx, threads); break;
            case UnaryOp.Sigmoid: DoubleMap.MultiplyAccumulate<SigmoidDerivative>(x, dy, dx, threads); break;
            case UnaryOp.Relu: DoubleMap.MultiplyAccumulate<ReluDerivative>(x, dy, dx, threads); break;
            default: DoubleMap.MultiplyAccumulate<SiluDerivative>(x, dy, dx, threads); break;
        }
    }
}
