using System.Runtime.CompilerServices;
using LlmForge.Backends.Managed.Gemm;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The attention tiles' one matrix product: C[rows, width] (+)= A[rows, n] · B[n, width], all row-major with
/// strides, on one thread. Every tile product is of this form with B's rows contiguous (Q·Kᵀ reads a transposed
/// K tile, P·V reads V as stored), so each A entry is broadcast against whole registers of B and no horizontal
/// sums are needed. Rows go two at a time and the width four registers at a time (8 accumulators).
/// </summary>
/// <remarks>rows must be even and width a multiple of TLanes.Count: the tiles are padded to that.</remarks>
internal static unsafe class PanelProduct<TVector, TLanes>
    where TVector : unmanaged
    where TLanes : struct, ISimdLanes<TVector>
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(float* a, int lda, float* b, int ldb, float* c, int ldc,
        int rows, int n, int width, bool accumulate)
    {
        int lanes = TLanes.Count, wide = 4 * lanes;
        for (int r = 0; r < rows; r += 2)
        {
            float* a0 = a + (long)r * lda, a1 = a0 + lda;
            float* c0 = c + (long)r * ldc, c1 = c0 + ldc;
            int w = 0;
            for (; w + wide <= width; w += wide)
            {
                TVector x0 = TLanes.Zero, x1 = TLanes.Zero, x2 = TLanes.Zero, x3 = TLanes.Zero;
                TVector y0 = TLanes.Zero, y1 = TLanes.Zero, y2 = TLanes.Zero, y3 = TLanes.Zero;
                if (accumulate)
                {
                    x0 = TLanes.Load(c0 + w); x1 = TLanes.Load(c0 + w + lanes);
                    x2 = TLanes.Load(c0 + w + 2 * lanes); x3 = TLanes.Load(c0 + w + 3 * lanes);
                    y0 = TLanes.Load(c1 + w); y1 = TLanes.Load(c1 + w + lanes);
                    y2 = TLanes.Load(c1 + w + 2 * lanes); y3 = TLanes.Load(c1 + w + 3 * lanes);
                }
                float* bp = b + w;
                for (int t = 0; t < n; t++, bp += ldb)
                {
                    TVector b0 = TLanes.Load(bp), b1 = TLanes.Load(bp + lanes);
                    TVector b2 = TLanes.Load(bp + 2 * lanes), b3 = TLanes.Load(bp + 3 * lanes);
                    TVector s = TLanes.Broadcast(a0[t]);
                    x0 = TLanes.MultiplyAdd(s, b0, x0); x1 = TLanes.MultiplyAdd(s, b1, x1);
                    x2 = TLanes.MultiplyAdd(s, b2, x2); x3 = TLanes.MultiplyAdd(s, b3, x3);
                    s = TLanes.Broadcast(a1[t]);
                    y0 = TLanes.MultiplyAdd(s, b0, y0); y1 = TLanes.MultiplyAdd(s, b1, y1);
                    y2 = TLanes.MultiplyAdd(s, b2, y2); y3 = TLanes.MultiplyAdd(s, b3, y3);
                }
                TLanes.Store(x0, c0 + w); TLanes.Store(x1, c0 + w + lanes);
                TLanes.Store(x2, c0 + w + 2 * lanes); TLanes.Store(x3, c0 + w + 3 * lanes);
                TLanes.Store(y0, c1 + w); TLanes.Store(y1, c1 + w + lanes);
                TLanes.Store(y2, c1 + w + 2 * lanes); TLanes.Store(y3, c1 + w + 3 * lanes);
            }
            for (; w < width; w += lanes) // a narrow head (D = 8, 13): one register at a time
            {
                TVector x = accumulate ? TLanes.Load(c0 + w) : TLanes.Zero;
                TVector y = accumulate ? TLanes.Load(c1 + w) : TLanes.Zero;
                float* bp = b + w;
                for (int t = 0; t < n; t++, bp += ldb)
                {
                    TVector bv = TLanes.Load(bp);
                    x = TLanes.MultiplyAdd(TLanes.Broadcast(a0[t]), bv, x);
                    y = TLanes.MultiplyAdd(TLanes.Broadcast(a1[t]), bv, y);
                }
                TLanes.Store(x, c0 + w);
                TLanes.Store(y, c1 + w);
            }
        }
    }
}
