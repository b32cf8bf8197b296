using LlmForge.Checkpoints;

namespace LlmForge.Tests.Checkpoints;

/// <summary>Damages a saved safetensors file in a chosen way, for the tests of what loading refuses.</summary>
internal static class SafeTensorsEdit
{
    /// <summary>Rewrites <paramref name="path"/> (F32) with <paramref name="value"/> at <paramref name="index"/> of <paramref name="tensor"/>.</summary>
    public static void SetValue(string path, string tensor, int index, float value)
    {
        var tensors = new List<(string, int[], ReadOnlyMemory<float>)>();
        using (var file = SafeTensorsFile.Open(path))
            foreach (var e in file.Entries)
            {
                float[] data = file.ReadFloat32(e.Name);
                if (e.Name == tensor) data[index] = value;
                tensors.Add((e.Name, e.Shape, data));
            }
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }
}
