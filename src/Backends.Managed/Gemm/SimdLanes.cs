using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmForge.Backends.Managed.Gemm;

/// <summary>
/// One SIMD register of floats, as a type parameter: a kernel written once over <c>TLanes</c> is compiled by the
/// JIT for each struct below (generic code over structs is specialised and the calls inlined), so the AVX-512 and
/// AVX2 versions share their source.
/// </summary>
internal interface ISimdLanes<TVector> where TVector : unmanaged
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract unsafe TVector Load(float* p);

    /// <summary>Count bfloat16 values widened to floats (a bfloat16 is the upper half of a float's bits).</summary>
    static abstract unsafe TVector LoadBf16(ushort* p);

    static abstract unsafe void Store(TVector v, float* p);

    static abstract TVector Broadcast(float x);

    /// <summary>a · b + c, fused.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Add(TVector a, TVector b);

    static abstract float Sum(TVector v);
}

/// <summary>zmm registers: 16 floats.</summary>
internal readonly struct Lanes512 : ISimdLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> Load(float* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> LoadBf16(ushort* p) =>
        Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512UInt32(Vector256.Load(p)), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(Vector512<float> v, float* p) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> v) => Vector512.Sum(v);
}

/// <summary>ymm registers: 8 floats (AVX2 + FMA).</summary>
internal readonly struct Lanes256 : ISimdLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> Load(float* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadBf16(ushort* p) =>
        Avx2.ShiftLeftLogical(Avx2.ConvertToVector256Int32(Vector128.Load(p)), 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store(Vector256<float> v, float* p) => v.Store(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> v) => Vector256.Sum(v);
}
