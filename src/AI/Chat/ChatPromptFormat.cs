using Microsoft.Extensions.AI;

namespace LlmForge.AI.Chat;

/// <summary>
/// How a chat becomes the text a causal LM continues: the messages rendered with the model's chat template, ending
/// with the assistant's header, and the texts that end the assistant's turn (stop sequences the reply never shows).
/// <see cref="ChatPromptFormats"/> picks one by name or from a model directory.
/// </summary>
public abstract class ChatPromptFormat
{
    /// <summary>The name <see cref="ChatPromptFormats.Named"/> knows it by ("chatml", "llama-3", "alpaca", "plain" …).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Texts that end the assistant's turn when the model writes them as text (an end-of-turn marker that is not one
    /// special token of the tokenizer, the next turn's header); generation stops before them and they are not returned.
    /// </summary>
    public abstract IReadOnlyList<string> StopSequences { get; }

    /// <summary>The prompt for <paramref name="messages"/> (role "system", "user", "assistant"), ending where the assistant's reply starts.</summary>
    /// <exception cref="ArgumentException">A message whose role the format has no place for (a tool result, say).</exception>
    public abstract string Render(IReadOnlyList<ChatMessage> messages);

    /// <summary>The role's name as the templates write it; tool messages are not supported (no tool calling).</summary>
    protected static string RoleOf(ChatMessage message)
    {
        string role = message.Role.Value;
        return role is "system" or "user" or "assistant"
            ? role
            : throw new ArgumentException($"Chat message role \"{role}\" is not supported by the {nameof(ChatPromptFormat)}s (system, user, assistant).", nameof(message));
    }
}
