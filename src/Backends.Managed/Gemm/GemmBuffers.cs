using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// Per-thread packing buffers: pinned (on the pinned object heap, so pointers stay valid without
/// <c>fixed</c>), 64-byte aligned, grown on demand and then reused, so a warmed-up thread packs
/// with no allocation. Their size is bounded by the blocking (MC·KC and KC·NB floats).
/// </summary>
internal static unsafe class GemmBuffers
{
    [ThreadStatic] static float[]? t_packedA;
    [ThreadStatic] static float[]? t_packedB;
    [ThreadStatic] static float[]? t_gathered;

    /// <summary>Room for <paramref name="floats"/> floats of packed A on the calling thread.</summary>
    public static float* PackedA(int floats) => Aligned(ref t_packedA, floats);

    /// <summary>Room for <paramref name="floats"/> floats of packed B on the calling thread.</summary>
    public static float* PackedB(int floats) => Aligned(ref t_packedB, floats);

    /// <summary>Room for the short side's vectors of a skinny product (see <see cref="SkinnyGemm"/>).</summary>
    public static float* Gathered(int floats) => Aligned(ref t_gathered, floats);

    static float* Aligned(ref float[]? buffer, int floats)
    {
        const int AlignFloats = 16; // 64 bytes: one cache line, one zmm
        if (buffer is null || buffer.Length < floats + AlignFloats)
        {
            // Round up so a few slightly larger products do not reallocate one after another.
            int size = (floats + AlignFloats + 4095) & ~4095;
            buffer = GC.AllocateUninitializedArray<float>(size, pinned: true);
        }
        nint p = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((p + 63) & ~(nint)63);
    }
}
