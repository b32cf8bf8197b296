namespace LlmForge.Tests;

/// <summary>Paths of the golden files under Fixtures/ (written by tools/reference/gpt2_reference.py, copied next to the test assembly).</summary>
internal static class FixturePath
{
    public static string Of(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);
}
