using System.Runtime.InteropServices;

namespace LlmForge.Checkpoints;

/// <summary>The element types of the safetensors format (its header spells them "F32", "BF16", …).</summary>
public enum SafeTensorsDType
{
    /// <summary>"BOOL": one byte, 0 or 1.</summary>
    Bool,
    /// <summary>"U8": unsigned 8-bit integer.</summary>
    U8,
    /// <summary>"I8": signed 8-bit integer.</summary>
    I8,
    /// <summary>"I16": signed 16-bit integer.</summary>
    I16,
    /// <summary>"U16": unsigned 16-bit integer.</summary>
    U16,
    /// <summary>"F16": IEEE half precision (1 sign, 5 exponent, 10 mantissa bits).</summary>
    F16,
    /// <summary>"BF16": bfloat16, the upper 16 bits of a float32 (8 exponent, 7 mantissa bits).</summary>
    BF16,
    /// <summary>"I32": signed 32-bit integer.</summary>
    I32,
    /// <summary>"U32": unsigned 32-bit integer.</summary>
    U32,
    /// <summary>"F32": IEEE single precision, what LlmForge computes in and writes.</summary>
    F32,
    /// <summary>"F64": IEEE double precision.</summary>
    F64,
    /// <summary>"I64": signed 64-bit integer.</summary>
    I64,
    /// <summary>"U64": unsigned 64-bit integer.</summary>
    U64,
    /// <summary>"F8_E4M3": 8-bit float, 4 exponent and 3 mantissa bits.</summary>
    F8E4M3,
    /// <summary>"F8_E5M2": 8-bit float, 5 exponent and 2 mantissa bits.</summary>
    F8E5M2,
}

/// <summary>Names, sizes and float32 conversions of <see cref="SafeTensorsDType"/>.</summary>
public static class SafeTensorsDTypes
{
    private static readonly Dictionary<string, SafeTensorsDType> ByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = SafeTensorsDType.Bool, ["U8"] = SafeTensorsDType.U8, ["I8"] = SafeTensorsDType.I8,
        ["I16"] = SafeTensorsDType.I16, ["U16"] = SafeTensorsDType.U16, ["F16"] = SafeTensorsDType.F16,
        ["BF16"] = SafeTensorsDType.BF16, ["I32"] = SafeTensorsDType.I32, ["U32"] = SafeTensorsDType.U32,
        ["F32"] = SafeTensorsDType.F32, ["F64"] = SafeTensorsDType.F64, ["I64"] = SafeTensorsDType.I64,
        ["U64"] = SafeTensorsDType.U64, ["F8_E4M3"] = SafeTensorsDType.F8E4M3, ["F8_E5M2"] = SafeTensorsDType.F8E5M2,
    };

    /// <summary>The header spelling: "F32", "BF16", "F8_E4M3", ….</summary>
    public static string ToHeaderName(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool => "BOOL",
        SafeTensorsDType.F8E4M3 => "F8_E4M3",
        SafeTensorsDType.F8E5M2 => "F8_E5M2",
        _ => dtype.ToString(),
    };

    /// <summary>Parses a header dtype string (case-sensitive, as the format defines it).</summary>
    public static bool TryParse(string name, out SafeTensorsDType dtype) => ByName.TryGetValue(name, out dtype);

    /// <summary>All header spellings, for error messages.</summary>
    public static IEnumerable<string> HeaderNames => ByName.Keys;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool or SafeTensorsDType.U8 or SafeTensorsDType.I8
            or SafeTensorsDType.F8E4M3 or SafeTensorsDType.F8E5M2 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        SafeTensorsDType.F64 or SafeTensorsDType.I64 or SafeTensorsDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>Whether <see cref="SafeTensorsFile"/> can read this dtype into float32 (F32, F16, BF16, F64).</summary>
    public static bool IsReadableAsFloat32(this SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F64;

    /// <summary>
    /// Converts little-endian elements of <paramref name="dtype"/> to float32. F16 and BF16 widen
    /// exactly; F64 rounds to nearest, as PyTorch's <c>.float()</c> does.
    /// </summary>
    internal static void ConvertToFloat32(SafeTensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorsDType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case SafeTensorsDType.F16:
                ReadOnlySpan<Half> halves = MemoryMarshal.Cast<byte, Half>(source);
                for (int i = 0; i < halves.Length; i++)
                {
                    destination[i] = (float)halves[i];
                }
                break;
            case SafeTensorsDType.BF16:
                // bfloat16 is the top half of a float32's bits
                ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<byte, ushort>(source);
                for (int i = 0; i < bits.Length; i++)
                {
                    destination[i] = BitConverter.UInt32BitsToSingle((uint)bits[i] << 16);
                }
                break;
            case SafeTensorsDType.F64:
                ReadOnlySpan<double> doubles = MemoryMarshal.Cast<byte, double>(source);
                for (int i = 0; i < doubles.Length; i++)
                {
                    destination[i] = (float)doubles[i];
                }
                break;
            default:
                throw new NotSupportedException($"safetensors dtype {dtype.ToHeaderName()} cannot be read as float32.");
        }
    }
}
