using System.Text;
using Microsoft.Extensions.AI;

namespace LlmForge.AI.Chat;

/// <summary>
/// A transcript for base models without a chat template (GPT-2, a baby model): the system text, then
/// <c>User: …</c> and <c>Assistant: …</c> lines, ending with <c>Assistant:</c>. Generation stops at the next
/// <c>\nUser:</c> line the model invents.
/// </summary>
public sealed class PlainPromptFormat : ChatPromptFormat
{
    /// <inheritdoc/>
    public override string Name => ChatPromptFormats.Plain;

    /// <inheritdoc/>
    public override IReadOnlyList<string> StopSequences { get; } = ["\nUser:"];

    /// <inheritdoc/>
    public override string Render(IReadOnlyList<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var m in messages)
        {
            switch (RoleOf(m))
            {
                case "system": text.Append(m.Text).Append("\n\n"); break;
                case "user": text.Append("User: ").Append(m.Text).Append('\n'); break;
                case "assistant": text.Append("Assistant: ").Append(m.Text).Append('\n'); break;
            }
        }
        return text.Append("Assistant:").ToString();
    }
}
