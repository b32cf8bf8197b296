namespace LlmForge.Tokenization;

/// <summary>One turn of a chat: <paramref name="Role"/> is "system", "user" or "assistant"; <paramref name="Content"/> its text.</summary>
/// <param name="Role">Who speaks ("system", "user", "assistant").</param>
/// <param name="Content">What is said.</param>
public readonly record struct ChatMessage(string Role, string Content);
