namespace LlmForge.Checkpoints;

/// <summary>One tensor listed in a safetensors header: its name, element type, shape and where its bytes are.</summary>
public sealed class SafeTensorsEntry
{
    internal SafeTensorsEntry(string name, SafeTensorsDType dtype, int[] shape, long elementCount,
        long bufferBegin, long bufferEnd, long fileOffset)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        ElementCount = elementCount;
        BufferBegin = bufferBegin;
        BufferEnd = bufferEnd;
        FileOffset = fileOffset;
    }

    /// <summary>The tensor's name as the header gives it ("transformer.wte.weight").</summary>
    public string Name { get; }

    /// <summary>The element type of its bytes.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>Dimensions, outermost first (row-major); empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>Product of <see cref="Shape"/> (1 for a scalar, 0 if any dimension is 0).</summary>
    public long ElementCount { get; }

    /// <summary>data_offsets[0]: start of the tensor's bytes, relative to the data buffer.</summary>
    public long BufferBegin { get; }

    /// <summary>data_offsets[1]: end (exclusive) of the tensor's bytes, relative to the data buffer.</summary>
    public long BufferEnd { get; }

    /// <summary>Absolute position of the tensor's first byte in the file (8 + header length + begin).</summary>
    public long FileOffset { get; }

    /// <summary>
    /// Bytes the tensor occupies in the data buffer: <see cref="ElementCount"/> × the dtype's size for a valid header.
    /// </summary>
    public long ByteLength => BufferEnd - BufferBegin;

    /// <summary>"transformer.wte.weight F32 [50257, 768]": name, dtype and shape, for messages.</summary>
    public override string ToString() => $"{Name} {DType.ToHeaderName()} [{string.Join(", ", Shape)}]";
}
