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

    public string Name { get; }

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

    public long ByteLength => BufferEnd - BufferBegin;

    public override string ToString() => $"{Name} {DType.ToHeaderName()} [{string.Join(", ", Shape)}]";
}
