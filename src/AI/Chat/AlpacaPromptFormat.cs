using System.Text;
using Microsoft.Extensions.AI;

namespace LlmForge.AI.Chat;

/// <summary>
/// The Alpaca instruction format (Stanford Alpaca; Raschka's chapter 7): a preamble, then per exchange
/// <c>### Instruction:</c> with the user's text and <c>### Response:</c> with the assistant's. A system message
/// replaces the preamble. Generation stops at the next <c>###</c> header.
/// </summary>
public sealed class AlpacaPromptFormat : ChatPromptFormat
{
    /// <summary>Alpaca's preamble, used when the chat has no system message.</summary>
    public const string Preamble = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";

    /// <inheritdoc/>
    public override string Name => ChatPromptFormats.Alpaca;

    /// <inheritdoc/>
    public override IReadOnlyList<string> StopSequences { get; } = ["\n\n###"];

    /// <inheritdoc/>
    public override string Render(IReadOnlyList<ChatMessage> messages)
    {
        var system = messages.Where(m => RoleOf(m) == "system").Select(m => m.Text).ToList();
        var text = new StringBuilder(system.Count > 0 ? string.Join("\n", system) : Preamble);
        foreach (var m in messages)
        {
            switch (RoleOf(m))
            {
                case "user": text.Append("\n\n### Instruction:\n").Append(m.Text); break;
                case "assistant": text.Append("\n\n### Response:\n").Append(m.Text); break;
            }
        }
        return text.Append("\n\n### Response:\n").ToString();
    }
}
