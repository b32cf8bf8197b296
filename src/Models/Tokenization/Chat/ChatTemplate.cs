using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmForge.Checkpoints;

namespace LlmForge.Tokenization;

/// <summary>
/// Renders chat prompts the way a model's <c>tokenizer_config.json</c> <c>chat_template</c> does, for the common
/// templates (<see cref="ChatTemplateKind"/>: ChatML as SmolLM2 and Qwen2 use, Llama 3, Llama 3.1/3.2). The template is
/// recognized by its markers, not run: this is not a Jinja engine, and a template of another form (or with tool or
/// reasoning blocks that change the text) is one error naming the file.
/// </summary>
/// <example><code>
/// var template = ChatTemplate.Load(modelDirectory);
/// string prompt = template.Render([new ChatMessage("user", "Hi!")], addGenerationPrompt: true);
/// </code></example>
public sealed partial class ChatTemplate
{
    /// <summary>The file the template is read from, beside tokenizer.json.</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>Where newer transformers save the template instead of <see cref="ConfigFileName"/>'s "chat_template".</summary>
    public const string JinjaFileName = "chat_template.jinja";

    private ChatTemplate(ChatTemplateKind kind, string? defaultSystemPrompt, string beginOfText, string knowledgeDate)
    {
        Kind = kind;
        DefaultSystemPrompt = defaultSystemPrompt;
        BeginOfText = beginOfText;
        KnowledgeDate = knowledgeDate;
    }

    /// <summary>Which format the template is.</summary>
    public ChatTemplateKind Kind { get; }

    /// <summary>The system message a ChatML template inserts when the chat does not start with one (SmolLM2's, Qwen2's); null if none.</summary>
    public string? DefaultSystemPrompt { get; }

    /// <summary>The Llama templates' leading token text (tokenizer_config.json's "bos_token", <c>&lt;|begin_of_text|&gt;</c> by default).</summary>
    public string BeginOfText { get; }

    /// <summary>Llama 3.1's "Cutting Knowledge Date" as the template writes it ("December 2023").</summary>
    public string KnowledgeDate { get; }

    /// <summary>
    /// Llama 3.1's "Today Date": "26 Jul 2024", the template's own value when no <c>strftime_now</c> is given (see
    /// <see cref="WithTodayDate"/> to match transformers' rendering on a given day).
    /// </summary>
    public string TodayDate { get; private init; } = "26 Jul 2024";

    /// <summary>This template with Llama 3.1's "Today Date" set to <paramref name="date"/> (formatted "dd MMM yyyy": "07 Dec 2026").</summary>
    public ChatTemplate WithTodayDate(string date)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(date);
        return new ChatTemplate(Kind, DefaultSystemPrompt, BeginOfText, KnowledgeDate) { TodayDate = date };
    }

    /// <summary>The text that ends an assistant turn: <c>&lt;|im_end|&gt;</c> (ChatML) or <c>&lt;|eot_id|&gt;</c> (Llama 3), where generation stops.</summary>
    public string EndOfTurn => Kind == ChatTemplateKind.ChatMl ? "<|im_end|>" : "<|eot_id|>";

    /// <summary>
    /// Reads the chat template of a model directory: <see cref="ConfigFileName"/>'s "chat_template" (a string, or a list
    /// of named templates of which "default" is used), else <see cref="JinjaFileName"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither file holds a template.</exception>
    /// <exception cref="InvalidDataException">The template is not one of the recognized kinds (the message names the file).</exception>
    public static ChatTemplate Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string config = Path.Combine(directory, ConfigFileName), jinja = Path.Combine(directory, JinjaFileName);
        string? template = null, bos = null, source = config;
        if (File.Exists(config))
        {
            try
            {
                using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(config));
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    template = root.TryGetProperty("chat_template", out var t) ? TemplateText(t) : null;
                    bos = root.TryGetProperty("bos_token", out var b) ? TokenText(b) : null;
                }
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"Tokenizer config '{config}' is not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
            }
        }
        if (template is null && File.Exists(jinja)) { template = ModelFile.ReadAllText(jinja); source = jinja; }
        if (template is null)
            throw new FileNotFoundException($"No chat template in '{directory}': expected \"chat_template\" in {ConfigFileName} or a {JinjaFileName}.", config);
        return Parse(template, bos, source);
    }

    /// <summary>Recognizes <paramref name="template"/> (Jinja source); <paramref name="source"/> names it in errors.</summary>
    /// <param name="template">The chat_template text.</param>
    /// <param name="beginOfText">The "bos_token" text, for the Llama templates (default <c>&lt;|begin_of_text|&gt;</c>).</param>
    /// <param name="source">Where the template came from, for the error message.</param>
    /// <exception cref="InvalidDataException">Not a recognized template.</exception>
    public static ChatTemplate Parse(string template, string? beginOfText = null, string source = "chat_template")
    {
        ArgumentNullException.ThrowIfNull(template);
        bool chatMl = template.Contains("<|im_start|>", StringComparison.Ordinal) && template.Contains("<|im_end|>", StringComparison.Ordinal);
        bool llama = template.Contains("<|start_header_id|>", StringComparison.Ordinal) && template.Contains("<|eot_id|>", StringComparison.Ordinal);
        if (chatMl && !template.Contains("<think>", StringComparison.Ordinal))
        {
            var system = DefaultChatMlSystem().Match(template);
            return new ChatTemplate(ChatTemplateKind.ChatMl, system.Success ? Unescape(system.Groups[1].Value) : null, beginOfText ?? "", "");
        }
        if (llama)
        {
            var knowledge = KnowledgeDateLine().Match(template);
            return new ChatTemplate(knowledge.Success ? ChatTemplateKind.Llama31 : ChatTemplateKind.Llama3, null,
                beginOfText ?? "<|begin_of_text|>", knowledge.Success ? knowledge.Groups[1].Value : "");
        }
        throw new InvalidDataException(
            $"Chat template in '{source}' is not one LlmForge recognizes (ChatML with <|im_start|>/<|im_end|>, Llama 3 with <|start_header_id|>/<|eot_id|>); it is not a Jinja engine.");
    }

    /// <summary>
    /// The prompt text for <paramref name="messages"/>, as the template renders it; with
    /// <paramref name="addGenerationPrompt"/> it ends with the assistant's header, ready for generation. Encode it with
    /// special tokens allowed.
    /// </summary>
    /// <exception cref="ArgumentException">A message without a role.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var m in messages)
            if (string.IsNullOrEmpty(m.Role)) throw new ArgumentException("Every chat message needs a role (\"system\", \"user\", \"assistant\").", nameof(messages));
        var text = new StringBuilder();
        switch (Kind)
        {
            case ChatTemplateKind.ChatMl:
                if (DefaultSystemPrompt is not null && (messages.Count == 0 || messages[0].Role != "system"))
                    AppendChatMl(text, "system", DefaultSystemPrompt);
                foreach (var m in messages) AppendChatMl(text, m.Role, m.Content);
                if (addGenerationPrompt) text.Append("<|im_start|>assistant\n");
                break;
            case ChatTemplateKind.Llama3:
                text.Append(BeginOfText);
                foreach (var m in messages) AppendLlama(text, m.Role, m.Content.Trim());
                if (addGenerationPrompt) text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
                break;
            case ChatTemplateKind.Llama31:
                text.Append(BeginOfText);
                bool hasSystem = messages.Count > 0 && messages[0].Role == "system";
                string system = hasSystem ? messages[0].Content.Trim() : "";
                AppendLlama(text, "system", $"Cutting Knowledge Date: {KnowledgeDate}\nToday Date: {TodayDate}\n\n{system}");
                foreach (var m in messages.Skip(hasSystem ? 1 : 0)) AppendLlama(text, m.Role, m.Content.Trim());
                if (addGenerationPrompt) text.Append("<|start_header_id|>assistant<|end_header_id|>\n\n");
                break;
        }
        return text.ToString();
    }

    private static void AppendChatMl(StringBuilder text, string role, string content) =>
        text.Append("<|im_start|>").Append(role).Append('\n').Append(content).Append("<|im_end|>\n");

    private static void AppendLlama(StringBuilder text, string role, string content) =>
        text.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(content).Append("<|eot_id|>");

    private static string? TemplateText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.EnumerateArray()
            .Where(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() == "default")
            .Select(t => t.TryGetProperty("template", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null)
            .FirstOrDefault(),
        _ => null,
    };

    // "bos_token": "<s>" or {"content": "<s>", …} (an AddedToken as older transformers wrote it).
    internal static string? TokenText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    // A Jinja string literal's escapes, as the default system prompt is written in the template.
    private static string Unescape(string literal) => literal.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\'", "'", StringComparison.Ordinal);

    // A literal "<|im_start|>system\n…<|im_end|>" with no quote inside: a fixed default system message (SmolLM2, Qwen2),
    // not the one built from messages[0]['content'].
    [GeneratedRegex(@"<\|im_start\|>system(?:\\n|\n)((?:(?!<\|im_end\|>)[^'""])+)<\|im_end\|>")]
    private static partial Regex DefaultChatMlSystem();

    [GeneratedRegex(@"Cutting Knowledge Date: ([^\\""\n]+)")]
    private static partial Regex KnowledgeDateLine();
}
