using System.Runtime.CompilerServices;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>Writes the valid mr × nr corner of a full micro-tile computed into a scratch tile.</summary>
internal static unsafe class MicroKernelEdges
{
    /// <summary>
    /// c[i, j] = alpha · t[i, j] + beta · c[i, j] for i &lt; mr, j &lt; nr, with the same single
    /// rounding as the vector path so edge and interior tiles agree bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Store(float* t, int tileWidth, float* c, int ldc, float alpha, float beta, int mr, int nr)
    {
        for (int i = 0; i < mr; i++)
        {
            float* ti = t + (nint)i * tileWidth;
            float* ci = c + (nint)i * ldc;
            if (beta == 0f)
                for (int j = 0; j < nr; j++)
                    ci[j] = ti[j] * alpha;
            else
                for (int j = 0; j < nr; j++)
                    ci[j] = MathF.FusedMultiplyAdd(ti[j], alpha, ci[j] * beta);
        }
    }
}
