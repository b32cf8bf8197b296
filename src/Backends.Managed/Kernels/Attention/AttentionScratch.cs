using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LlmForge.Backends.Managed;

/// <summary>
/// Each thread's tile scratch for the attention kernels: one pinned buffer, grown when a call needs more and
/// otherwise reused, so a training step allocates nothing here after the first call. Tile-sized (a few
/// [64, D] blocks, plus one head's [Tq, D] dQ accumulator in the backward pass), never [Tq, Tk].
/// </summary>
internal static unsafe class AttentionScratch
{
    [ThreadStatic]
    private static float[]? buffer;

    /// <summary>At least <paramref name="floats"/> floats, pinned; contents are whatever the last use left.</summary>
    public static float* Get(long floats)
    {
        if (buffer is null || buffer.Length < floats)
            buffer = GC.AllocateUninitializedArray<float>(checked((int)floats), pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }
}
