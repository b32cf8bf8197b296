using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;

namespace LlmForge.Generation;

/// <summary>
/// The ids that end generation: a model's end-of-sequence tokens and its chat template's end-of-turn token. Chat
/// models finish a reply with the end-of-turn token (<c>&lt;|im_end|&gt;</c> for ChatML, <c>&lt;|eot_id|&gt;</c> for Llama 3),
/// not with their end-of-text token, so stopping at end-of-text alone runs on into an invented next turn.
/// <see cref="TextGenerator"/> stops at any of them (<see cref="TextGenerator.StopTokens"/>).
/// </summary>
public sealed class StopTokens
{
    private readonly HashSet<int> _ids;

    private StopTokens(IEnumerable<int> ids) => _ids = [.. ids];

    /// <summary>No stop token: only the token limit ends generation.</summary>
    public static StopTokens None { get; } = new([]);

    /// <summary>The given ids.</summary>
    public static StopTokens Of(params IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return new StopTokens(ids);
    }

    /// <summary>The ids, each once.</summary>
    public IReadOnlySet<int> Ids => _ids;

    /// <summary>Whether <paramref name="id"/> ends generation.</summary>
    public bool Contains(int id) => _ids.Contains(id);

    /// <summary>This set and <paramref name="other"/>'s ids.</summary>
    public StopTokens With(IEnumerable<int> other) => new(_ids.Concat(other));

    /// <summary>
    /// Every end token a Hugging Face model directory names: generation_config.json's and config.json's
    /// <c>eos_token_id</c> (an id or a list of ids), tokenizer_config.json's <c>eos_token</c> (its text, looked up in
    /// <paramref name="tokenizer"/>), the end-of-turn token of its chat template (tokenizer_config.json's
    /// <c>chat_template</c> or chat_template.jinja, when <see cref="ChatTemplate"/> recognizes it), and the
    /// tokenizer's own end-of-text (<see cref="ITokenizer.EndOfTextId"/>). Files that are absent add nothing.
    /// </summary>
    /// <remarks>
    /// With a tokenizer, an <c>eos_token_id</c> counts only when it is one of the tokenizer's special tokens: an id the
    /// tokenizer holds as ordinary text (a character of a char tokenizer put beside another model's config.json) is a
    /// mismatch, and stopping there would cut generation at an ordinary character.
    /// </remarks>
    /// <param name="directory">The model directory.</param>
    /// <param name="tokenizer">Its tokenizer, to turn token texts into ids; null: only the ids the JSON files give.</param>
    /// <exception cref="InvalidDataException">A file that is not JSON, or an <c>eos_token_id</c> that is not an id or a list of
    /// ids; the message names the file and the key.</exception>
    public static StopTokens FromModelDirectory(string directory, ITokenizer? tokenizer)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var ids = new List<int>();
        foreach (string file in new[] { GenerationConfigFileName, GptConfigJson.FileName })
            if (Read(Path.Combine(directory, file)) is { } root && root.TryGetProperty(EosTokenIdKey, out var eos))
                ids.AddRange(IdList(eos, Path.Combine(directory, file))
                    .Where(id => tokenizer is null || tokenizer.SpecialTokens.Values.Contains(id)));
        string tokenizerConfig = Path.Combine(directory, ChatTemplate.ConfigFileName);
        if (tokenizer is not null)
        {
            if (Read(tokenizerConfig) is { } root && root.TryGetProperty("eos_token", out var eosToken) && ChatTemplate.TokenText(eosToken) is { } text
                && IdOf(tokenizer, text) is int eosId)
                ids.Add(eosId);
            if (EndOfTurn(directory) is { } endOfTurn && IdOf(tokenizer, endOfTurn) is int turnId)
                ids.Add(turnId);
            if (tokenizer.EndOfTextId is int eot) ids.Add(eot);
        }
        return new StopTokens(ids);
    }

    /// <summary>generation_config.json: transformers' generation defaults, <c>eos_token_id</c> among them.</summary>
    public const string GenerationConfigFileName = "generation_config.json";

    private const string EosTokenIdKey = "eos_token_id";

    /// <summary>The directory's chat template's end-of-turn text, or null when it has none it recognizes (generation
    /// without a chat does not need one, so an unrecognized template is not an error here).</summary>
    private static string? EndOfTurn(string directory)
    {
        try
        {
            return ChatTemplate.Load(directory).EndOfTurn;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The id of a token text: a special token's id, else the single id it encodes to; null if it is several.</summary>
    private static int? IdOf(ITokenizer tokenizer, string text)
    {
        if (tokenizer.SpecialTokens.TryGetValue(text, out int id)) return id;
        var ids = tokenizer.Encode(text, allowSpecialTokens: true);
        return ids.Count == 1 ? ids[0] : null;
    }

    private static JsonElement? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
    }

    private static IEnumerable<int> IdList(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.Null => [],
        JsonValueKind.Number => [Id(value, path)],
        JsonValueKind.Array => value.EnumerateArray().Select(v => Id(v, path)).ToList(),
        _ => throw new InvalidDataException($"{path}: key \"{EosTokenIdKey}\" is {value.GetRawText()}; expected a token id or a list of ids."),
    };

    private static int Id(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int id) && id >= 0 ? id
        : throw new InvalidDataException($"{path}: key \"{EosTokenIdKey}\" holds {value.GetRawText()}; expected non-negative integer ids.");
}
