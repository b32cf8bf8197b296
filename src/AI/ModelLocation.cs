namespace LlmForge.AI;

/// <summary>How a model directory is named in Microsoft.Extensions.AI's metadata: its name as the model id, its full path as the provider URI.</summary>
internal readonly record struct ModelLocation(string ModelId, Uri Uri)
{
    public static ModelLocation Of(string directory)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return new ModelLocation(Path.GetFileName(full), new Uri(full));
    }
}
