using System.Text.Json;
using LlmForge.Components;

namespace LlmForge.Checkpoints;

/// <summary>
/// The "llmforge" key of a GPT or BERT config.json: the component kinds by name, written only when the Hugging Face
/// keys cannot say them (a user's own kind; a built-in under a combination position_embedding_type, normalization
/// and sliding_window do not select). transformers ignores a key it does not know, so the rest of the file reads
/// as before; a loader resolves the names through the registered kinds.
/// <code>"llmforge": { "attention": { "kind": "my-attn" }, "positional_encoding": { "kind": "learned" }, "normalization": { "kind": "layernorm" } }</code>
/// </summary>
internal static class ComponentKindsJson
{
    public const string Key = "llmforge";

    private const string Attention = "attention", Positions = "positional_encoding", Normalization = "normalization", Kind = "kind";

    /// <summary>The kinds the file names, or null when it has no "llmforge" key (the HF keys select built-ins).</summary>
    /// <exception cref="CheckpointFormatException">The key is not an object of three objects with a non-empty string "kind".</exception>
    public static ComponentKindNames? Read(ConfigJsonKeys keys)
    {
        if (keys.Get(Key) is null) return null;
        var kinds = keys.RequiredObject(Key);
        return new ComponentKindNames(Name(kinds, Attention), Name(kinds, Positions), Name(kinds, Normalization));
    }

    public static void Write(Utf8JsonWriter json, ComponentKindNames kinds)
    {
        json.WriteStartObject(Key);
        foreach (var (family, name) in new[] { (Attention, kinds.Attention), (Positions, kinds.PositionalEncoding), (Normalization, kinds.Normalization) })
        {
            json.WriteStartObject(family);
            json.WriteString(Kind, name);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>Runs <paramref name="resolve"/> (a components' For over a config and the registered kinds), naming config.json in its error.</summary>
    /// <exception cref="CheckpointFormatException">A kind is not registered: '…/config.json: normalization kind "my-norm" is not registered; register it with …'.</exception>
    public static T Resolve<T>(Func<T> resolve, string configPath)
    {
        try
        {
            return resolve();
        }
        catch (KeyNotFoundException e)
        {
            throw new CheckpointFormatException(configPath, e.Message + ".", e);
        }
    }

    private static string Name(ConfigJsonKeys kinds, string family)
    {
        var entry = kinds.RequiredObject(family);
        string name = entry.RequiredString(Kind);
        return name.Length > 0 ? name : throw entry.Error(Kind, "must name a kind, got \"\".");
    }
}
