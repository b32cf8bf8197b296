using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;

namespace LlmForge.AI.Chat;

/// <summary>
/// The chat formats by name, and the one a model directory's tokenizer_config.json <c>chat_template</c> (or
/// chat_template.jinja) is: ChatML and Llama 3 templates are recognized by their markers (<see cref="ChatTemplate"/>),
/// an Alpaca template by its <c>### Instruction:</c> header; a directory without a template (GPT-2, a baby model) chats
/// in the <see cref="Plain"/> transcript format.
/// </summary>
public static class ChatPromptFormats
{
    /// <summary>ChatML: <c>&lt;|im_start|&gt;role\n…&lt;|im_end|&gt;</c> (SmolLM2, Qwen2).</summary>
    public const string ChatMl = "chatml";

    /// <summary>Llama 3: <c>&lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\n…&lt;|eot_id|&gt;</c>.</summary>
    public const string Llama3 = "llama-3";

    /// <summary>Llama 3.1/3.2: Llama 3 with the "Cutting Knowledge Date" system header.</summary>
    public const string Llama31 = "llama-3.1";

    /// <summary>Alpaca's <c>### Instruction:</c> / <c>### Response:</c> (<see cref="AlpacaPromptFormat"/>).</summary>
    public const string Alpaca = "alpaca";

    /// <summary><c>User:</c> / <c>Assistant:</c> lines (<see cref="PlainPromptFormat"/>).</summary>
    public const string Plain = "plain";

    /// <summary>Every name <see cref="Named"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [ChatMl, Llama3, Llama31, Alpaca, Plain];

    /// <summary>The format called <paramref name="name"/> (case-insensitive; "llama3", "llama-3.2" are accepted too).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="beginOfText">The Llama templates' leading token text (default <c>&lt;|begin_of_text|&gt;</c>).</param>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static ChatPromptFormat Named(string name, string? beginOfText = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        // ChatTemplate recognizes templates by their markers: these minimal ones name each kind.
        return name.Trim().ToLowerInvariant() switch
        {
            ChatMl => new TemplatePromptFormat(ChatTemplate.Parse("<|im_start|><|im_end|>")),
            Llama3 or "llama3" => new TemplatePromptFormat(ChatTemplate.Parse("<|start_header_id|><|eot_id|>", beginOfText)),
            Llama31 or "llama3.1" or "llama-3.2" or "llama3.2" =>
                new TemplatePromptFormat(ChatTemplate.Parse("<|start_header_id|><|eot_id|>Cutting Knowledge Date: December 2023\n", beginOfText)),
            Alpaca => new AlpacaPromptFormat(),
            Plain => new PlainPromptFormat(),
            _ => throw new ArgumentException($"Unknown chat template \"{name}\"; expected one of {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>
    /// The format of <paramref name="directory"/>'s chat template; <see cref="Plain"/> when it has none.
    /// </summary>
    /// <exception cref="InvalidDataException">A template that is none of the recognized ones (the message names the file
    /// and says to choose a format by name), or a tokenizer_config.json that is not JSON.</exception>
    public static ChatPromptFormat FromDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        try
        {
            return new TemplatePromptFormat(ChatTemplate.Load(directory));
        }
        catch (FileNotFoundException)
        {
            return new PlainPromptFormat();
        }
        catch (InvalidDataException e)
        {
            if (TemplateText(directory) is { } text && text.Contains("### Instruction:", StringComparison.Ordinal)) return new AlpacaPromptFormat();
            throw new InvalidDataException($"{e.Message} Choose a chat template by name instead: {string.Join(", ", Names)}.", e);
        }
    }

    /// <summary>The raw chat_template text (tokenizer_config.json's string, or chat_template.jinja), or null.</summary>
    private static string? TemplateText(string directory)
    {
        string config = Path.Combine(directory, ChatTemplate.ConfigFileName), jinja = Path.Combine(directory, ChatTemplate.JinjaFileName);
        if (File.Exists(config))
        {
            try
            {
                using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(config));
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("chat_template", out var t)
                    && t.ValueKind == JsonValueKind.String)
                    return t.GetString();
            }
            catch (JsonException)
            {
                return null;
            }
        }
        return File.Exists(jinja) ? ModelFile.ReadAllText(jinja) : null;
    }
}
