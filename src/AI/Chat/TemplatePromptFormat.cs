using LlmForge.Tokenization;
using Microsoft.Extensions.AI;
using TemplateMessage = LlmForge.Tokenization.ChatMessage;

namespace LlmForge.AI.Chat;

/// <summary>
/// A chat template LlmForge renders (<see cref="ChatTemplate"/>: ChatML, Llama 3, Llama 3.1/3.2), read from a model
/// directory's tokenizer_config.json or chosen by name. Its end-of-turn text is a stop sequence too, for tokenizers
/// that do not hold it as one special token.
/// </summary>
public sealed class TemplatePromptFormat : ChatPromptFormat
{
    /// <param name="template">The recognized template.</param>
    public TemplatePromptFormat(ChatTemplate template)
    {
        Template = template ?? throw new ArgumentNullException(nameof(template));
        StopSequences = [template.EndOfTurn];
    }

    /// <summary>The template this format renders with.</summary>
    public ChatTemplate Template { get; }

    /// <inheritdoc/>
    public override string Name => Template.Kind switch
    {
        ChatTemplateKind.ChatMl => ChatPromptFormats.ChatMl,
        ChatTemplateKind.Llama3 => ChatPromptFormats.Llama3,
        _ => ChatPromptFormats.Llama31,
    };

    /// <inheritdoc/>
    public override IReadOnlyList<string> StopSequences { get; }

    /// <inheritdoc/>
    public override string Render(IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> messages) =>
        Template.Render([.. messages.Select(m => new TemplateMessage(RoleOf(m), m.Text))], addGenerationPrompt: true);
}
